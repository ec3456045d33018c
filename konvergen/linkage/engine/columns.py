"""The usual headers of agency lists, mapped to the canonical fields the engine reads.

Headers are compared case-, space- and punctuation-insensitively (``"NAMA PENERIMA"``,
``"nama_penerima"`` and ``"Nama Penerima"`` are one header). A user mapping
``{"Header": "field"}`` wins over the synonyms; mapping to ``""`` drops a column.

>>> m = map_list_headers(["NIK", "NAMA PENERIMA", "TGL LAHIR", "KODE WILAYAH", "Catatan"])
>>> sorted(m.mapped)
['kode_wilayah', 'nama', 'nik', 'tanggal_lahir']
>>> m.unknown
['Catatan']
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import pyarrow as pa
import pyarrow.compute as pc

from konvergen.registry.ingest.headers import header_key

#: Canonical list fields, in contract order, then the helper fields.
LIST_FIELDS = ("nik", "nama", "tanggal_lahir", "jenis_kelamin", "no_kk", "alamat",
               "kode_wilayah")
HELPER_FIELDS = ("nama_desa", "nama_kecamatan", "tempat_tanggal_lahir", "rt", "rw")

SYNONYMS: dict[str, tuple[str, ...]] = {
    "nik": ("NIK", "No NIK", "Nomor NIK", "NIK Penerima", "NIK KTP", "No KTP", "Nomor KTP",
            "NIK Peserta", "NIK Mustahik", "NIK Pemilik", "NIK KK", "Nomor Induk Kependudukan"),
    "nama": ("Nama", "Nama Lengkap", "Nama Penerima", "Nama Peserta", "Nama Penerima Manfaat",
             "Nama Mustahik", "Nama Pemilik", "Nama Kepala Keluarga", "Nama KRT", "Nama Anggota",
             "Nama Sesuai KTP", "Nama Warga", "Nama Pengurus"),
    "tanggal_lahir": ("Tanggal Lahir", "Tgl Lahir", "Tgl. Lahir", "Tanggal Lahir Penerima",
                      "TGL_LAHIR", "Tgl Lhr", "Birth Date", "Date of Birth"),
    "jenis_kelamin": ("Jenis Kelamin", "JK", "L/P", "Jns Kelamin", "JNS_KELAMIN", "Kelamin",
                      "Sex", "Gender"),
    "no_kk": ("No KK", "Nomor KK", "No. KK", "NO_KK", "Nomor Kartu Keluarga", "No Kartu Keluarga",
              "KK"),
    "alamat": ("Alamat", "Alamat Lengkap", "Alamat Rumah", "Alamat Usaha", "Alamat Domisili",
               "Alamat KTP", "Dusun", "Kampung"),
    "kode_wilayah": ("Kode Wilayah", "Kode Desa", "Kode Kemendagri", "Kode Kemdagri",
                     "Kode Desa Kelurahan", "Kode Kelurahan", "Kode Wilayah Desa", "Kode Wil"),
    "nama_desa": ("Desa", "Nama Desa", "Desa/Kelurahan", "Kelurahan", "NM_DESA", "Desa Kelurahan",
                  "Nama Desa Kelurahan", "Nama Kelurahan"),
    "nama_kecamatan": ("Kecamatan", "Nama Kecamatan", "NM_KECAMATAN", "Kec"),
    "tempat_tanggal_lahir": ("Tempat Tanggal Lahir", "Tempat Tgl Lahir", "Tempat/Tgl Lahir",
                             "TTL", "Tempat, Tanggal Lahir"),
    "rt": ("RT",),
    "rw": ("RW",),
}


@dataclass
class ListHeaderMapping:
    """Outcome of matching a list file's headers.

    ``mapped`` is ``{field: original header}``; ``unknown`` are headers matching nothing;
    ``dropped`` are headers the user mapped to ``""``.
    """

    mapped: dict[str, str] = field(default_factory=dict)
    unknown: list[str] = field(default_factory=list)
    dropped: list[str] = field(default_factory=list)

    def report(self) -> dict:
        return {"mapped": dict(self.mapped), "unknown": list(self.unknown),
                "dropped": list(self.dropped)}


def map_list_headers(headers: Iterable[str],
                     mapping: Mapping[str, str] | None = None) -> ListHeaderMapping:
    """Map a list's headers to canonical fields (user mapping first, then synonyms).

    Raises
    ------
    ValueError
        When the user maps a header to a field that does not exist.
    """
    valid = set(LIST_FIELDS) | set(HELPER_FIELDS)
    mapping = dict(mapping or {})
    bad = sorted(v for v in mapping.values() if v and v not in valid)
    if bad:
        raise ValueError(f"unknown list fields: {', '.join(bad)}")
    user = {header_key(h): t for h, t in mapping.items()}
    lookup = {header_key(s): f for f, syns in SYNONYMS.items() for s in (f, *syns)}
    out = ListHeaderMapping()
    for h in headers:
        k = header_key(h)
        if k in user:
            if user[k]:
                out.mapped.setdefault(user[k], h)
            else:
                out.dropped.append(h)
        elif k in lookup and lookup[k] not in out.mapped:
            out.mapped[lookup[k]] = h
        else:
            out.unknown.append(h)
    order = {f: i for i, f in enumerate((*LIST_FIELDS, *HELPER_FIELDS))}
    out.mapped = dict(sorted(out.mapped.items(), key=lambda kv: order[kv[0]]))
    return out


def _text(col) -> pa.Array:
    if isinstance(col, pa.ChunkedArray):
        col = col.combine_chunks()
    return col if col.type == pa.string() else pc.cast(col, pa.string())


def canonical_list(table: pa.Table, mapping: ListHeaderMapping) -> pa.Table:
    """The list in canonical fields, as text, one row per input row (order kept).

    ``tempat_tanggal_lahir`` ("BANDUNG, 12-03-1975") fills ``tanggal_lahir`` when that is
    missing; separate ``rt``/``rw`` columns are appended to ``alamat``.
    """
    n = table.num_rows
    cols = {f: _text(table.column(h)) for f, h in mapping.mapped.items()}
    if "tanggal_lahir" not in cols and "tempat_tanggal_lahir" in cols:
        cols["tanggal_lahir"] = pc.utf8_trim_whitespace(pc.replace_substring_regex(
            cols["tempat_tanggal_lahir"], r"^.*,\s*", ""))
    if "rt" in cols or "rw" in cols:
        parts = [cols.get("alamat", pa.array([""] * n))]
        for f in ("rt", "rw"):
            if f in cols:
                parts.append(pc.binary_join_element_wise(
                    pa.array([f.upper()] * n), pc.fill_null(cols[f], ""), " "))
        cols["alamat"] = pc.utf8_trim_whitespace(pc.binary_join_element_wise(*parts, " "))
    keep = [f for f in (*LIST_FIELDS, "nama_desa", "nama_kecamatan") if f in cols]
    return pa.table({f: cols[f] for f in keep})
