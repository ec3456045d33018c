"""Reading official figures (BPS tables) into values per indicator, region, year and period.

Plain Python, no Django: the service hands in the file, the indicators (their codes, header
synonyms and plausible ranges), a :class:`RegionResolver` built from the region list and a
test saying which regions the importer may write, and gets back the accepted values and the
rejected cells with a bilingual reason.

A file is *long* (one row per region and year: a ``tahun`` column, optionally ``periode``
Maret/September) or *wide by year* (``garis_kemiskinan_2024``, ``p0_maret_2025``...), or has
no year at all (then the importer gives the year). Headers are matched ignoring case, spaces
and punctuation, with synonyms; the user may map any other header to a field or an
indicator code (``--map "Header=field"``).

>>> wide_year_column("garis_kemiskinan_2024", {"gariskemiskinan": "poverty_line"})
('poverty_line', 2024, '')
>>> wide_year_column("P0 Maret 2025", {"p0": "p0"})
('p0', 2025, 'maret')
>>> period_of("Sept"), period_of("MARET"), period_of("")
('september', 'maret', '')
"""

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from konvergen.regions.codes import normalise_code
from konvergen.registry.ingest.headers import header_key, map_headers
from konvergen.registry.ingest.readers import read_table
from konvergen.targets.engine import is_blank, parse_number

NATIONAL = ""

#: Columns that say which region, year and period a row is about.
STRUCTURE: dict[str, list[str]] = {
    "code": ["kode_kemendagri", "kode_wilayah_kemendagri", "kode_kabupaten_kota",
             "kode_kab_kota", "kode_kabkota", "kode_wilayah", "kode_daerah", "kode",
             "region_code"],
    "bps_code": ["kode_bps", "kode_wilayah_bps", "kode_bps_kabkota", "bps_code"],
    "province_code": ["kode_provinsi", "kode_prov", "province_code"],
    "name": ["nama_kemendagri", "nama_kabupaten_kota", "nama_kab_kota", "kabupaten_kota",
             "kab_kota", "kabkota", "nama_wilayah", "wilayah", "nama_daerah", "kabkota_sumber",
             "nama_bps", "nama", "region_name"],
    "province": ["provinsi", "nama_provinsi", "provinsi_sumber", "province"],
    "year": ["tahun", "year", "thn"],
    "period": ["periode", "period", "bulan", "semester", "periode_survei"],
}
#: Headers of official tables known to carry nothing to import (not reported as unknown).
KNOWN_IGNORED = ["id", "no", "nomor", "level", "satuan", "unit", "tingkat", "keterangan"]

_PERIODS = {
    "maret": "maret", "march": "maret", "mar": "maret", "03": "maret", "3": "maret",
    "semester1": "maret", "september": "september", "sept": "september", "sep": "september",
    "09": "september", "9": "september", "semester2": "september",
    "": "", "tahunan": "", "annual": "", "tahun": "",
}
_WIDE = re.compile(r"^(.*?)(maret|september)?((?:19|20)\d{2})$")

REASONS: dict[str, tuple[str, str]] = {
    "no_region": ("baris tanpa kode atau nama wilayah", "the row has no region code or name"),
    "unknown_region": ("wilayah tidak dikenal: {value}", "unknown region: {value}"),
    "ambiguous_region": ("nama wilayah {value} cocok dengan lebih dari satu wilayah; pakai kode",
                         "region name {value} matches more than one region; use the code"),
    "outside_scope": ("wilayah {value} di luar wilayah kerja Anda",
                      "region {value} is outside your area"),
    "year_missing": ("tahun tidak ada (kolom tahun kosong dan tidak ada tahun bawaan)",
                     "year missing (no year in the row and no default year)"),
    "bad_year": ("tahun tidak sah: {value}", "not a valid year: {value}"),
    "bad_period": ("periode tidak dikenal: {value} (Maret atau September)",
                   "unknown period: {value} (March or September)"),
    "not_numeric": ("nilai bukan angka: {value}", "the value is not a number: {value}"),
    "out_of_range": ("nilai {value} di luar rentang wajar {range} untuk {indicator}",
                     "value {value} is outside the plausible range {range} for {indicator}"),
    "duplicate": ("wilayah, tahun, periode dan indikator yang sama sudah ada di baris {first}",
                  "the same region, year, period and indicator already came in row {first}"),
}


@dataclass(frozen=True)
class IndicatorSpec:
    code: str
    name: str
    synonyms: tuple[str, ...] = ()
    low: float | None = None
    high: float | None = None


@dataclass(frozen=True)
class Value:
    row_number: int
    column: str
    region_code: str
    indicator: str
    year: int
    period: str
    value: float


@dataclass(frozen=True)
class Rejection:
    row_number: int
    column: str
    value: str
    reason: str
    message_id: str
    message_en: str


def rejection(row: int, column: str, value: object, reason: str, **params) -> Rejection:
    text = "" if value is None else str(value).strip()
    params = {"value": text or "-", **params}
    msg_id, msg_en = REASONS[reason]
    where_id = f"Baris {row}" + (f", kolom {column}" if column else "")
    where_en = f"Row {row}" + (f", column {column}" if column else "")
    return Rejection(row, column, text[:300], reason,
                     f"{where_id}: {msg_id.format(**params)}"[:300],
                     f"{where_en}: {msg_en.format(**params)}"[:300])


@dataclass
class Outcome:
    values: list[Value] = field(default_factory=list)
    rejections: list[Rejection] = field(default_factory=list)
    headers: list[str] = field(default_factory=list)
    mapped: dict[str, str] = field(default_factory=dict)
    #: value column -> (indicator, year or None, period or None)
    value_columns: dict[str, tuple[str, int | None, str | None]] = field(default_factory=dict)
    unknown: list[str] = field(default_factory=list)
    rows: int = 0
    empty_cells: int = 0


# --- Regions --------------------------------------------------------------------------------

_PREFIXES = ("kabupaten administrasi ", "kota administrasi ", "kabupaten ", "kab. ", "kab ",
             "kota adm. ", "kota adm ", "kota ", "provinsi ", "prov. ", "prov ")
_PROVINCE_ALIASES = {
    "dkijakarta": "daerahkhususibukotajakarta",
    "dki": "daerahkhususibukotajakarta",
    "daerahkhususjakarta": "daerahkhususibukotajakarta",
    "jakarta": "daerahkhususibukotajakarta",
    "diyogyakarta": "daerahistimewayogyakarta",
    "diy": "daerahistimewayogyakarta",
    "yogyakarta": "daerahistimewayogyakarta",
    "kepbangkabelitung": "kepulauanbangkabelitung",
    "bangkabelitung": "kepulauanbangkabelitung",
    "babel": "kepulauanbangkabelitung",
    "kepriau": "kepulauanriau",
    "kepri": "kepulauanriau",
    "nad": "aceh",
    "nanggroeacehdarussalam": "aceh",
}


def _words(text: str) -> str:
    """Letters and digits only: "Labuhan Batu" and "Labuhanbatu" are one name."""
    return re.sub(r"[^0-9a-z]+", "", str(text).lower())


def name_key(name: str) -> tuple[str, str]:
    """(kind hint, base name) of a region name: ``("kota", "bandung")`` for "KOTA BANDUNG",
    ``("", "bandung")`` for "Bandung".

    >>> name_key("Kabupaten Bandung Barat"), name_key("KOTA BANDUNG"), name_key("Bandung")
    (('kab', 'bandungbarat'), ('kota', 'bandung'), ('', 'bandung'))
    """
    text = " ".join(re.sub(r"[^0-9a-z.]+", " ", str(name).lower()).split())
    for prefix in _PREFIXES:
        if text.startswith(prefix):
            kind = "kota" if prefix.startswith("kota") else (
                "kab" if prefix.startswith("kab") else "prov")
            return kind, _words(text[len(prefix):])
    return "", _words(text)


def _province_key(name: str) -> str:
    base = name_key(name)[1]
    return _PROVINCE_ALIASES.get(base, base)


@dataclass(frozen=True)
class RegionRow:
    code: str
    name: str
    bps_code: str = ""


class RegionResolver:
    """Finds provinces and kab/kota by Kemendagri code (dotted or not), BPS code (through
    the stored crosswalk) or name within a province. Built once per import from the region
    list; every lookup is a dictionary access."""

    def __init__(self, regions: Iterable[RegionRow]):
        self.codes: dict[str, RegionRow] = {}
        self.bps: dict[str, str] = {}
        self.provinces: dict[str, str] = {}
        self.kabkota: dict[tuple[str, str], list[tuple[str, str]]] = {}
        for r in regions:
            self.codes[r.code] = r
            if r.bps_code:
                self.bps[r.bps_code.strip()] = r.code
            if "." not in r.code:
                self.provinces[_province_key(r.name)] = r.code
            elif r.code.count(".") == 1:
                kind, base = name_key(r.name)
                kind = kind or ("kota" if r.code.split(".")[1] >= "71" else "kab")
                self.kabkota.setdefault((r.code[:2], base), []).append((kind, r.code))

    def by_code(self, raw: str) -> str | None:
        text = str(raw).strip()
        if text in ("0", "00", "0000"):
            return NATIONAL
        code = normalise_code(text)
        return code if code in self.codes else None

    def by_bps(self, raw: str) -> str | None:
        text = str(raw).strip()
        if text.endswith(".0"):
            text = text[:-2]
        if text in ("0", "00", "0000"):
            return NATIONAL
        if text in self.bps:
            return self.bps[text]
        # Province rows in BPS tables are often written PP00.
        if len(text) == 4 and text.endswith("00") and text[:2] in self.bps:
            return self.bps[text[:2]]
        return None

    def province(self, raw: str) -> str | None:
        key = _province_key(raw)
        if key == "indonesia":
            return NATIONAL
        return self.provinces.get(key)

    def by_name(self, name: str, province: str | None) -> tuple[str | None, str]:
        """(code, reason): reason is ``unknown_region`` or ``ambiguous_region`` when no
        single region fits."""
        kind, base = name_key(name)
        if base == "indonesia":
            return NATIONAL, ""
        if province is None or province == NATIONAL:
            return None, "unknown_region"
        if _province_key(name) == _province_key(self.codes[province].name) and kind != "kab" \
                and kind != "kota":
            return province, ""
        candidates = self.kabkota.get((province, base), [])
        if kind in ("kab", "kota"):
            candidates = [c for c in candidates if c[0] == kind]
        elif len(candidates) > 1:
            # A bare name is the kabupaten ("Bandung"); the city is written "Kota Bandung".
            candidates = [c for c in candidates if c[0] == "kab"] or candidates
        if len(candidates) == 1:
            return candidates[0][1], ""
        return None, "ambiguous_region" if candidates else "unknown_region"


# --- Headers --------------------------------------------------------------------------------


def period_of(raw: object) -> str | None:
    """The BPS period of a cell (``""`` annual), or ``None`` when it is not one."""
    if raw is None:
        return ""
    return _PERIODS.get(header_key(str(raw)))


def wide_year_column(header: str, synonym_keys: Mapping[str, str]) -> tuple | None:
    """(indicator, year, period) of a wide-by-year header such as ``garis_kemiskinan_2024``."""
    match = _WIDE.match(header_key(header))
    if not match or match.group(1) not in synonym_keys:
        return None
    return synonym_keys[match.group(1)], int(match.group(3)), match.group(2) or ""


def _synonyms(indicators: Iterable[IndicatorSpec]) -> dict[str, list[str]]:
    return {i.code: list(i.synonyms) for i in indicators}


def map_columns(headers: list[str], indicators: list[IndicatorSpec],
                user_mapping: Mapping[str, str] | None = None) -> Outcome:
    """Decide what each column is: structure, an indicator value (with its year when the
    file is wide by year), ignored or unknown."""
    user_mapping = dict(user_mapping or {})
    synonyms = {**STRUCTURE, **_synonyms(indicators)}
    mapping = map_headers(headers, synonyms, fields=list(synonyms), user_mapping=user_mapping,
                          ignored=KNOWN_IGNORED)
    out = Outcome(headers=list(headers))
    codes = {i.code for i in indicators}
    keys: dict[str, str] = {}
    for i in indicators:
        for s in (i.code, *i.synonyms):
            keys.setdefault(header_key(s), i.code)
    for name, header in mapping.mapped.items():
        if name in codes:
            out.value_columns[header] = (name, None, None)
        else:
            out.mapped[name] = header
    for header in mapping.unknown:
        wide = wide_year_column(header, keys)
        if wide:
            out.value_columns[header] = wide
        else:
            out.unknown.append(header)
    return out


# --- Reading --------------------------------------------------------------------------------


def _year_of(raw: object) -> int | None:
    text = str(raw).strip()
    if text.endswith(".0"):
        text = text[:-2]
    if not re.fullmatch(r"(19|20)\d{2}", text):
        return None
    return int(text)


def read_official(
    path: Path | str,
    *,
    indicators: list[IndicatorSpec],
    resolver: RegionResolver,
    allowed: Callable[[str], bool] = lambda code: True,
    user_mapping: Mapping[str, str] | None = None,
    default_year: int | None = None,
    default_period: str = "",
    sheet: str | None = None,
) -> Outcome:
    """Read an official figures file into accepted values and rejected cells.

    Raises ``registry.ingest.readers.IngestFileError`` when the file cannot be read at all.
    """
    table = read_table(path, sheet=sheet)
    headers = [h for h in table.column_names if h != "row_number"]
    out = map_columns(headers, indicators, user_mapping)
    specs = {i.code: i for i in indicators}
    columns = {h: table.column(h).to_pylist() for h in headers}
    numbers = table.column("row_number").to_pylist()
    out.rows = len(numbers)
    m = out.mapped
    first_seen: dict[tuple, int] = {}
    for index, row in enumerate(numbers):
        def cell(fieldname, _index=index):
            header = m.get(fieldname)
            return None if header is None else columns[header][_index]

        values = {h: columns[h][index] for h in out.value_columns}
        if all(is_blank(v) for v in values.values()):
            out.empty_cells += len(values)
            continue
        region, problem = _region_of(resolver, cell, m)
        if problem:
            out.rejections.append(rejection(row, problem[0], problem[1], problem[2]))
            continue
        assert region is not None  # _region_of gives a region or a problem
        if not allowed(region):
            label = region or "Indonesia"
            out.rejections.append(rejection(row, "", label, "outside_scope"))
            continue
        year_cell = cell("year")
        row_year, row_problem = default_year, None
        if not is_blank(year_cell):
            row_year = _year_of(year_cell)
            if row_year is None:
                row_problem = rejection(row, m["year"], year_cell, "bad_year")
        row_period = default_period
        period_cell = cell("period")
        if period_cell is not None and not is_blank(period_cell):
            cell_period = period_of(period_cell)
            if cell_period is None:
                out.rejections.append(rejection(row, m["period"], period_cell, "bad_period"))
                continue
            row_period = cell_period
        for header, (code, wide_year, wide_period) in out.value_columns.items():
            raw = values[header]
            if is_blank(raw):
                out.empty_cells += 1
                continue
            year = wide_year if wide_year is not None else row_year
            if wide_year is None and row_problem is not None:
                out.rejections.append(row_problem)
                row_problem = None  # once per row
                continue
            if year is None:
                out.rejections.append(rejection(row, m.get("year", ""), "", "year_missing"))
                continue
            try:
                number = parse_number(raw)
            except ValueError:
                out.rejections.append(rejection(row, header, raw, "not_numeric"))
                continue
            spec = specs[code]
            if (spec.low is not None and number < spec.low) or \
                    (spec.high is not None and number > spec.high):
                if spec.high is None:
                    assert spec.low is not None  # a bound was crossed
                    bounds = f"≥ {_fmt(spec.low)}"
                elif spec.low is None:
                    bounds = f"≤ {_fmt(spec.high)}"
                else:
                    bounds = f"{_fmt(spec.low)}–{_fmt(spec.high)}"
                out.rejections.append(rejection(row, header, raw, "out_of_range",
                                                range=bounds, indicator=spec.name))
                continue
            period = wide_period if wide_period is not None and wide_year is not None \
                else row_period
            key = (region, code, year, period)
            if key in first_seen:
                out.rejections.append(rejection(row, header, raw, "duplicate",
                                                first=first_seen[key]))
                continue
            first_seen[key] = row
            out.values.append(Value(row, header, region, code, year, period, number))
    return out


def _fmt(x: float) -> str:
    return f"{x:,.0f}".replace(",", ".") if x >= 1000 else f"{x:g}"


def _region_of(resolver: RegionResolver, cell, m) -> tuple[str | None, tuple | None]:
    """(region code, None) or (None, (column, value, reason))."""
    tried = []
    for fieldname, lookup in (("code", resolver.by_code), ("bps_code", resolver.by_bps)):
        raw = cell(fieldname)
        if not is_blank(raw):
            found = lookup(raw)
            if found is not None:
                return found, None
            tried.append((m[fieldname], raw))
    province = None
    province_cell = None
    for fieldname, lookup in (("province_code", resolver.by_code),
                              ("province", resolver.province)):
        raw = cell(fieldname)
        if not is_blank(raw):
            province_cell = (m[fieldname], raw)
            province = lookup(raw)
            if province is not None:
                break
    name = cell("name")
    if not is_blank(name):
        if province is None:
            bad = province_cell or (m["name"], name)
            return None, (*(tried[0] if tried else bad), "unknown_region")
        found, reason = resolver.by_name(name, province)
        if found is not None:
            return found, None
        return None, (*(tried[0] if tried else (m["name"], name)), reason)
    if province is not None:
        return province, None
    if tried:
        return None, (*tried[0], "unknown_region")
    if province_cell:
        return None, (*province_cell, "unknown_region")
    return None, ("", "", "no_region")
