"""Checking action-plan items, from the form or from a spreadsheet row. No Django.

:func:`check_item` checks typed values (the form's, or a parsed row's): Kepmendagri 050
code shapes and their nesting, required fields, non-negative amounts, quarterly targets
that add up to the annual target, locations inside the plan's region and the linked
programme. :func:`parse_row` turns a spreadsheet row (strings, headers already mapped to
:data:`FIELDS`) into typed values first. Every problem names the field and says why, in
Indonesian and English (:func:`message`).

Code shapes (urusan ``X`` and bidang ``XX`` are the cross-cutting nomenclature of
supporting programmes)::

    programme      1.06.04
    kegiatan       1.06.04.2.01
    sub-kegiatan   1.06.04.2.01.0003

A row may give only the sub-kegiatan code: the programme and kegiatan codes are its
prefixes.
"""

import dataclasses
import re
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from konvergen.plans import e81
from konvergen.registry.ingest.headers import header_key
from konvergen.registry.ingest.values import value_key

_PROG = r"[1-9X]\.(?:\d{2}|XX)\.\d{2}"
_ACT = _PROG + r"\.[1-9]\.\d{2}"
_SUB = _ACT + r"\.\d{4}"
CODE_PATTERNS = {
    "programme_code": (re.compile(f"^{_PROG}$"), "1.06.04"),
    "activity_code": (re.compile(f"^{_ACT}$"), "1.06.04.2.01"),
    "sub_activity_code": (re.compile(f"^{_SUB}$"), "1.06.04.2.01.0003"),
}

FIELDS = [
    "goal", "programme_code", "programme_name", "activity_code", "activity_name",
    "sub_activity_code", "sub_activity_name", "strategy", "sector", "expenditure_tag",
    "indicator", "unit", "target_k", "target_rp", "q1_k", "q2_k", "q3_k", "q4_k", "q1_rp",
    "q2_rp", "q3_rp", "q4_rp", "funding_source", "locations", "beneficiaries",
    "beneficiary_unit", "programme", "period_target_k", "period_target_rp", "prior_k",
    "prior_rp", "responsible_unit", "note",
]
REQUIRED = ("programme_code", "programme_name", "activity_code", "activity_name",
            "sub_activity_code", "sub_activity_name", "strategy", "sector",
            "expenditure_tag", "indicator", "unit", "target_k", "target_rp",
            "funding_source")
K_FIELDS = ("target_k", "q1_k", "q2_k", "q3_k", "q4_k", "period_target_k", "prior_k")
RP_FIELDS = ("target_rp", "q1_rp", "q2_rp", "q3_rp", "q4_rp", "period_target_rp",
             "prior_rp")
MAX_LENGTH = {"goal": 300, "programme_name": 300, "activity_name": 300,
              "sub_activity_name": 300, "indicator": 300, "unit": 60,
              "responsible_unit": 200, "note": 500}

_ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV"}
SYNONYMS: dict[str, list[str]] = {
    "goal": ["Sasaran", "Sasaran Strategis", "Goal"],
    "programme_code": ["Kode Program", "Programme code", "Program code"],
    "programme_name": ["Program", "Nama Program", "Programme", "Uraian Program"],
    "activity_code": ["Kode Kegiatan", "Activity code"],
    "activity_name": ["Kegiatan", "Nama Kegiatan", "Activity", "Uraian Kegiatan"],
    "sub_activity_code": ["Kode Sub Kegiatan", "Kode Subkegiatan", "Kode Sub-Kegiatan",
                          "Sub-activity code", "Kode Rekening", "Kode"],
    "sub_activity_name": ["Sub Kegiatan", "Nama Sub Kegiatan", "Subkegiatan",
                          "Sub-activity", "Uraian Sub Kegiatan"],
    "strategy": ["Strategi", "Strategi Penanggulangan Kemiskinan", "Strategy"],
    "sector": ["Sektor", "Bidang Intervensi", "Sector"],
    "expenditure_tag": ["Jenis Belanja", "Kategori Belanja", "Sifat Belanja",
                        "Langsung/Tidak Langsung/Penunjang", "Kategori Intervensi",
                        "Intervensi", "Expenditure tag", "Tag"],
    "indicator": ["Indikator Keluaran", "Indikator Kinerja", "Indikator Output",
                  "Indikator", "Output indicator", "Keluaran"],
    "unit": ["Satuan", "Unit", "Satuan Target"],
    "target_k": ["Target Tahunan K", "Target K", "Target Kinerja", "Target Output",
                 "Target", "Volume", "Annual target K", "Target tahunan"],
    "target_rp": ["Target Tahunan Rp", "Target Rp", "Anggaran", "Pagu", "Pagu Anggaran",
                  "Anggaran Rp", "Budget", "Budget Rp", "Annual budget Rp"],
    **{f"q{q}_k": [f"Target TW {_ROMAN[q]} K", f"Target Triwulan {_ROMAN[q]} K",
                   f"TW {_ROMAN[q]} K", f"TW{q} K", f"Target TW{q} K", f"Q{q} K",
                   f"Q{q} target K", f"K TW {_ROMAN[q]}"] for q in e81.QUARTERS},
    **{f"q{q}_rp": [f"Target TW {_ROMAN[q]} Rp", f"Target Triwulan {_ROMAN[q]} Rp",
                    f"TW {_ROMAN[q]} Rp", f"TW{q} Rp", f"Target TW{q} Rp", f"Q{q} Rp",
                    f"Q{q} budget Rp", f"Rp TW {_ROMAN[q]}"] for q in e81.QUARTERS},
    "funding_source": ["Sumber Dana", "Sumber Pendanaan", "Sumber Anggaran",
                       "Funding source", "Funding"],
    "locations": ["Lokasi", "Kode Lokasi", "Lokasi Desa", "Desa/Kelurahan", "Kode Wilayah",
                  "Locations", "Location"],
    "beneficiaries": ["Jumlah Penerima Manfaat", "Penerima Manfaat", "Jumlah Sasaran",
                      "Jumlah Penerima", "Beneficiaries"],
    "beneficiary_unit": ["Satuan Penerima Manfaat", "Satuan Penerima", "Beneficiary unit",
                         "KK/Jiwa"],
    "programme": ["Kode Program Konvergen", "Program Konvergen", "Konvergen programme"],
    "period_target_k": ["Target Akhir Periode K", "Target RPJMD K", "Target Renstra K",
                        "Period target K"],
    "period_target_rp": ["Target Akhir Periode Rp", "Target RPJMD Rp", "Target Renstra Rp",
                         "Period target Rp"],
    "prior_k": ["Realisasi s.d. Tahun Lalu K", "Realisasi sd Tahun Lalu K",
                "Realisasi Tahun Lalu K", "Prior realisation K"],
    "prior_rp": ["Realisasi s.d. Tahun Lalu Rp", "Realisasi sd Tahun Lalu Rp",
                 "Realisasi Tahun Lalu Rp", "Prior realisation Rp"],
    "responsible_unit": ["Unit Penanggung Jawab", "Penanggung Jawab", "Unit Pelaksana",
                         "Responsible unit"],
    "note": ["Keterangan", "Catatan", "Ket", "Remarks", "Note"],
}

#: (Indonesian, English) names of the fields, for messages and the file template.
FIELD_LABELS: dict[str, tuple[str, str]] = {
    "goal": ("Sasaran", "Goal"),
    "programme_code": ("Kode Program", "Programme code"),
    "programme_name": ("Program", "Programme"),
    "activity_code": ("Kode Kegiatan", "Activity code"),
    "activity_name": ("Kegiatan", "Activity"),
    "sub_activity_code": ("Kode Sub Kegiatan", "Sub-activity code"),
    "sub_activity_name": ("Sub Kegiatan", "Sub-activity"),
    "strategy": ("Strategi", "Strategy"),
    "sector": ("Sektor", "Sector"),
    "expenditure_tag": ("Jenis Belanja", "Expenditure tag"),
    "indicator": ("Indikator Keluaran", "Output indicator"),
    "unit": ("Satuan", "Unit"),
    "target_k": ("Target Tahunan K", "Annual target K"),
    "target_rp": ("Target Tahunan Rp", "Annual budget Rp"),
    **{f"q{q}_k": (f"Target TW {_ROMAN[q]} K", f"Q{q} target K") for q in e81.QUARTERS},
    **{f"q{q}_rp": (f"Target TW {_ROMAN[q]} Rp", f"Q{q} budget Rp") for q in e81.QUARTERS},
    "funding_source": ("Sumber Dana", "Funding source"),
    "locations": ("Lokasi", "Locations"),
    "beneficiaries": ("Jumlah Penerima Manfaat", "Beneficiaries"),
    "beneficiary_unit": ("Satuan Penerima Manfaat", "Beneficiary unit"),
    "programme": ("Kode Program Konvergen", "Konvergen programme"),
    "period_target_k": ("Target Akhir Periode K", "Period target K"),
    "period_target_rp": ("Target Akhir Periode Rp", "Period target Rp"),
    "prior_k": ("Realisasi s.d. Tahun Lalu K", "Prior realisation K"),
    "prior_rp": ("Realisasi s.d. Tahun Lalu Rp", "Prior realisation Rp"),
    "responsible_unit": ("Unit Penanggung Jawab", "Responsible unit"),
    "note": ("Keterangan", "Remarks"),
    "row": ("Baris", "Row"),
}


def _vocabulary(words: Mapping[str, list[str]]) -> dict[str, str]:
    return {value_key(w): code for code, ws in words.items() for w in [code, *ws]}


VOCABULARIES: dict[str, dict[str, str]] = {
    "strategy": _vocabulary({
        "burden": ["beban", "mengurangi beban pengeluaran", "pengurangan beban pengeluaran",
                   "reduce the expenditure burden", "beban pengeluaran"],
        "income": ["pendapatan", "meningkatkan pendapatan", "peningkatan pendapatan",
                   "meningkatkan pendapatan dan kemampuan", "raise income and capability"],
        "umkm": ["usaha mikro", "pengembangan umkm", "mengembangkan dan menjamin "
                 "keberlanjutan usaha mikro dan kecil", "develop and sustain micro and small "
                 "enterprises"],
        "synergy": ["sinergi", "sinergi kebijakan", "sinergi kebijakan dan program",
                    "mensinergikan kebijakan dan program", "synergise policies and programmes"],
        "pockets": ["kantong kemiskinan", "pengurangan kantong kemiskinan",
                    "mengurangi kantong kemiskinan", "reduce pockets of poverty"],
    }),
    "sector": _vocabulary({
        "food": ["pangan"], "housing": ["perumahan", "rumah", "rtlh"],
        "wash": ["air dan sanitasi", "air bersih dan sanitasi", "sanitasi", "air bersih",
                 "water and sanitation"],
        "health": ["kesehatan"], "education": ["pendidikan"],
        "employment": ["ketenagakerjaan", "tenaga kerja", "pekerjaan"],
        "umkm": ["umkm dan koperasi", "koperasi", "umkm and cooperatives"],
        "energy": ["energi", "listrik"],
        "digital": ["ekonomi digital dan kreatif", "ekonomi kreatif", "digital",
                    "digital and creative economy"],
        "infrastructure": ["infrastruktur"], "other": ["lainnya", "lain lain"],
    }),
    "expenditure_tag": _vocabulary({
        "direct": ["langsung", "l", "belanja langsung", "intervensi langsung"],
        "indirect": ["tidak langsung", "tl", "belanja tidak langsung",
                     "intervensi tidak langsung"],
        "support": ["penunjang", "p", "belanja penunjang", "supporting"],
    }),
    "funding_source": _vocabulary({
        "apbn": [], "apbd_province": ["apbd provinsi", "apbd prov", "apbd i"],
        "apbd_regency": ["apbd", "apbd kabupaten", "apbd kab", "apbd kota",
                         "apbd kabupaten kota", "apbd ii"],
        "dana_desa": ["dana desa", "dd", "apbdes"], "csr": ["tjsl"],
        "zis": ["baznas", "zakat", "baznas zis"], "other": ["lainnya", "lain lain"],
    }),
    "beneficiary_unit": _vocabulary({
        "family": ["kk", "keluarga", "families", "rumah tangga", "rt"],
        "person": ["jiwa", "orang", "persons", "individu", "people"],
    }),
}

#: code -> (Indonesian, English) message templates.
MESSAGES: dict[str, tuple[str, str]] = {
    "required": ("{field} wajib diisi", "{field} is required"),
    "code_shape": ("{field} '{value}' bukan kode nomenklatur Kepmendagri 050 (contoh: "
                   "{example})", "{field} '{value}' is not a Kepmendagri 050 code "
                   "(e.g. {example})"),
    "code_prefix": ("{field} '{value}' tidak berada di bawah {parent} '{parent_value}'",
                    "{field} '{value}' does not belong to {parent} '{parent_value}'"),
    "unknown_value": ("{field}: nilai '{value}' tidak dikenal (pilihan: {choices})",
                      "{field}: unknown value '{value}' (choose from: {choices})"),
    "not_a_number": ("{field}: '{value}' bukan angka", "{field}: '{value}' is not a number"),
    "negative": ("{field} tidak boleh negatif", "{field} must not be negative"),
    "quarter_sum": ("{field}: jumlah target triwulan {total} tidak sama dengan target "
                    "tahunan {annual}", "{field}: the quarterly targets add up to {total}, "
                    "not to the annual target {annual}"),
    "location_outside": ("{field}: '{value}' bukan kecamatan atau desa/kelurahan di "
                         "{region}", "{field}: '{value}' is not a kecamatan or "
                         "desa/kelurahan of {region}"),
    "unknown_programme": ("{field}: '{value}' bukan program organisasi ini di wilayah ini",
                          "{field}: '{value}' is not a programme of this organisation in "
                          "this region"),
    "duplicate_key": ("sub-kegiatan {value} dengan indikator yang sama sudah ada di baris "
                      "{first}", "sub-activity {value} with the same indicator is already "
                      "in row {first}"),
    "too_long": ("{field} lebih dari {n} karakter", "{field} is longer than {n} characters"),
    "period_order": ("{field}: tahun akhir periode sebelum tahun awal",
                     "{field}: the period ends before it starts"),
}


@dataclass(frozen=True)
class Problem:
    field: str
    code: str
    params: dict = dataclasses.field(default_factory=dict)

    def message(self) -> tuple[str, str]:
        return message(self.field, self.code, self.params)


def message(field_name: str, code: str, params: Mapping | None = None) -> tuple[str, str]:
    """The (Indonesian, English) message of a problem."""
    id_label, en_label = FIELD_LABELS.get(field_name, (field_name, field_name))
    id_tpl, en_tpl = MESSAGES[code]
    values = {k: v for k, v in (params or {}).items()}
    parent = values.pop("parent", None)
    id_parent, en_parent = FIELD_LABELS.get(parent, (parent, parent)) if parent else ("", "")
    return (id_tpl.format(field=id_label, parent=id_parent, **values),
            en_tpl.format(field=en_label, parent=en_parent, **values))


@dataclass
class Context:
    """What a check needs to know about the plan: its region, the kecamatan and desa of
    the region (code -> name), and its organisation's programmes (code -> id)."""

    region_code: str
    region_name: str = ""
    locations: Mapping[str, str] = dataclasses.field(default_factory=dict)
    programmes: Mapping[str, int] = dataclasses.field(default_factory=dict)

    def __post_init__(self):
        by_name: dict[str, list[str]] = {}
        for code, name in self.locations.items():
            by_name.setdefault(value_key(name), []).append(code)
        self._by_name = {k: v[0] for k, v in by_name.items() if len(v) == 1}

    def location_code(self, token: str) -> str | None:
        """A location token (dotted or plain digits code, or a unique name) as a code."""
        token = token.strip()
        digits = re.sub(r"\D", "", token)
        if digits and re.fullmatch(r"[\d.\s]+", token):
            if len(digits) in (6, 10):
                parts = [digits[0:2], digits[2:4], digits[4:6]]
                if len(digits) == 10:
                    parts.append(digits[6:])
                code = ".".join(parts)
                return code if code in self.locations else None
            return None
        return self._by_name.get(value_key(token))


def normalise_code(value) -> str:
    """A nomenclature code as written, without spaces (``1.06.04.2.01``); ``x`` upper."""
    return re.sub(r"\s+", "", str(value or "")).upper()


def indicator_key(indicator: str) -> str:
    """The comparison key of an indicator (case, spaces and punctuation ignored)."""
    return header_key(indicator)[:300]


def check_item(values: dict, ctx: Context) -> list[Problem]:
    """Problems of typed item values (codes as strings, amounts as Decimal or None,
    ``locations`` a list of codes, ``programme`` an id or None). Fills in the programme
    and kegiatan codes from the sub-kegiatan code when they are blank."""
    problems: list[Problem] = []
    sub = normalise_code(values.get("sub_activity_code"))
    values["sub_activity_code"] = sub
    parts = sub.split(".")
    for name, n in (("activity_code", 5), ("programme_code", 3)):
        values[name] = normalise_code(values.get(name)) or (
            ".".join(parts[:n]) if CODE_PATTERNS["sub_activity_code"][0].match(sub) else "")
    for name in REQUIRED:
        value = values.get(name)
        if value is None or (isinstance(value, str) and not value.strip()):
            problems.append(Problem(name, "required"))
    bad = {p.field for p in problems}
    for name, (pattern, example) in CODE_PATTERNS.items():
        if name not in bad and not pattern.match(values[name]):
            problems.append(Problem(name, "code_shape", {"value": values[name],
                                                        "example": example}))
            bad.add(name)
    for child, parent in (("activity_code", "programme_code"),
                          ("sub_activity_code", "activity_code")):
        if child not in bad and parent not in bad and not values[child].startswith(
                values[parent] + "."):
            problems.append(Problem(child, "code_prefix", {
                "value": values[child], "parent": parent, "parent_value": values[parent]}))
    for name, limit in MAX_LENGTH.items():
        if len(str(values.get(name) or "")) > limit:
            problems.append(Problem(name, "too_long", {"n": limit}))
    for name in (*K_FIELDS, *RP_FIELDS):
        if values.get(name) is not None and values[name] < 0:
            problems.append(Problem(name, "negative"))
    if values.get("beneficiaries") is not None and values["beneficiaries"] < 0:
        problems.append(Problem("beneficiaries", "negative"))
    for kind, tolerance in (("k", e81.K_TOLERANCE), ("rp", Decimal(0))):
        annual = values.get(f"target_{kind}")
        quarters = [values.get(f"q{q}_{kind}") for q in e81.QUARTERS]
        if annual is None:
            continue
        total = e81.check_quarter_targets(annual, quarters, tolerance=tolerance)
        if total is not None:
            problems.append(Problem(f"q1_{kind}", "quarter_sum", {
                "total": _show(total), "annual": _show(annual)}))
    prefix = ctx.region_code + "."
    for code in values.get("locations") or []:
        if not code.startswith(prefix) or code not in ctx.locations:
            problems.append(Problem("locations", "location_outside", {
                "value": code, "region": ctx.region_name or ctx.region_code}))
    programme = values.get("programme")
    if programme is not None and programme not in set(ctx.programmes.values()):
        problems.append(Problem("programme", "unknown_programme", {"value": programme}))
    values["indicator_key"] = indicator_key(values.get("indicator") or "")
    return problems


def _show(value: Decimal) -> str:
    text = f"{value:,.2f}".rstrip("0").rstrip(".")
    return text.replace(",", "\u2009")


_THOUSANDS = re.compile(r"^\d{1,3}(\.\d{3})+(,\d+)?$")


def parse_amount(text: str | None, *, places: int) -> Decimal | None:
    """An Indonesian-written amount: ``Rp 1.500.000``, ``1.500.000,50``, ``12,5``,
    ``1500000``, ``12.5``. Dots between groups of three digits are thousands separators
    (``1.500`` is fifteen hundred). Raises ``ValueError`` when it is not a number."""
    if text is None or not str(text).strip():
        return None
    s = re.sub(r"^[Rr][Pp]\.?\s*", "", str(text).strip()).replace(" ", "").replace("\u00a0",
                                                                                      "")
    if s.endswith("%"):
        s = s[:-1]
    if _THOUSANDS.match(s):
        s = s.replace(".", "").replace(",", ".")
    elif s.count(",") == 1 and "." not in s:
        s = s.replace(",", ".")
    elif re.fullmatch(r"-?\d{1,3}(,\d{3})+(\.\d+)?", s):
        s = s.replace(",", "")
    try:
        value = Decimal(s)
    except InvalidOperation:
        raise ValueError(text) from None
    if not value.is_finite():
        raise ValueError(text)
    return value.quantize(Decimal(1).scaleb(-places), ROUND_HALF_UP)


def parse_row(raw: Mapping[str, str | None], ctx: Context) -> tuple[dict, list[Problem]]:
    """Typed item values and problems of one spreadsheet row (``{field: text}``)."""
    values: dict = {}
    problems: list[Problem] = []
    text = {f: (str(raw.get(f)).strip() if raw.get(f) is not None else "") for f in FIELDS}
    for name in ("goal", "programme_code", "programme_name", "activity_code",
                 "activity_name", "sub_activity_code", "sub_activity_name", "indicator",
                 "unit", "responsible_unit", "note"):
        values[name] = " ".join(text[name].split())
    for name, vocabulary in VOCABULARIES.items():
        if not text[name]:
            values[name] = "family" if name == "beneficiary_unit" else None
            continue
        code = vocabulary.get(value_key(text[name]))
        if code is None:
            choices = ", ".join(sorted({k for k in vocabulary.values()}))
            problems.append(Problem(name, "unknown_value", {"value": text[name],
                                                            "choices": choices}))
        values[name] = code
    for names, places in ((K_FIELDS, 2), (RP_FIELDS, 0)):
        for name in names:
            try:
                values[name] = parse_amount(text[name], places=places)
            except ValueError:
                values[name] = None
                problems.append(Problem(name, "not_a_number", {"value": text[name]}))
    try:
        n = parse_amount(text["beneficiaries"], places=0)
        values["beneficiaries"] = int(n) if n is not None else None
    except ValueError:
        values["beneficiaries"] = None
        problems.append(Problem("beneficiaries", "not_a_number",
                                {"value": text["beneficiaries"]}))
    locations = []
    for token in re.split(r"[,;\n]+", text["locations"]):
        if not token.strip():
            continue
        code = ctx.location_code(token)
        if code is None:
            problems.append(Problem("locations", "location_outside", {
                "value": token.strip(), "region": ctx.region_name or ctx.region_code}))
        else:
            locations.append(code)
    values["locations"] = sorted(set(locations))
    values["programme"] = None
    if text["programme"]:
        values["programme"] = ctx.programmes.get(text["programme"].strip().lower())
        if values["programme"] is None:
            problems.append(Problem("programme", "unknown_programme",
                                    {"value": text["programme"]}))
    failed = {p.field for p in problems}
    problems += [p for p in check_item(values, ctx)
                 if not (p.field in failed and p.code == "required")]
    return values, problems


def map_columns(headers, user_mapping: Mapping[str, str] | None = None):
    """Match a file's headers to :data:`FIELDS` (case/space-insensitive, synonyms). The
    programme and kegiatan codes may be left out (they are the sub-kegiatan code's
    prefixes); the other required fields must have a column."""
    from konvergen.registry.ingest.headers import map_headers

    required = [f for f in REQUIRED if f not in ("programme_code", "activity_code")]
    return map_headers(headers, SYNONYMS, required=required, fields=FIELDS,
                       user_mapping=user_mapping)
