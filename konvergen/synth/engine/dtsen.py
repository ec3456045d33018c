"""A DTSEN export of the same families and persons as a synthetic P3KE register.

DTSEN (BPS) and P3KE (Kemenko PMK) describe the same families by name and by address, each
with its own IDs. :func:`dtsen_export` turns the P3KE-layout tables of
:func:`~konvergen.synth.engine.formats.register_tables` (or the same two CSV files read as
text) into the DTSEN layout the importer's ``dtsen`` adapter reads:

* **different source IDs**: ``ID DTSEN`` is the family's kab/kota code and a shuffled
  11-digit number, ``ID Individu DTSEN`` that ID and the member's number in the family;
  neither equals nor sorts like the P3KE IDs, and rows are ordered by desa and ID DTSEN;
* **the same** NIK, No KK, names, birth dates, address, housing and relations;
* a DTSEN desil (``Desil Nasional``): the P3KE desil moved one decile up or down for a share
  of families, as BPS re-ranks every quarter;
* **seeded noise** (:class:`DtsenNoise`): a share of KK numbers renewed (a new number with
  the same kecamatan prefix, as after a family split or a new card), a share of members'
  NIKs with one typo (a digit substituted or two adjacent digits swapped), and a share of
  families missing from DTSEN altogether.

The truth tables say, per P3KE family and person, which DTSEN ID is the same family or
person (empty when missing) and which noise it got, so tests can measure linkage error.
Everything is numpy/pyarrow over whole columns: 1M families take a few seconds.

>>> import pyarrow as pa
>>> fam = pa.table({"ID Keluarga P3KE": ["P1", "P2"], "Kode Kemdagri": ["3204052001"] * 2,
...                 "No KK": ["3204051501100001", "3204051501100002"],
...                 "Kepala Keluarga": ["ASEP", "EUIS"], "NIK": ["3204051201800001"] * 2,
...                 "Desil Kesejahteraan": [1, 2]})
>>> mem = pa.table({"ID Keluarga P3KE": ["P1", "P2"], "ID Individu": ["P101", "P201"],
...                 "Nama": ["ASEP", "EUIS"],
...                 "NIK": ["3204051201800001", "3204055208850002"]})
>>> out = dtsen_export(fam, mem, seed=1, noise=DtsenNoise(0, 0, 0, 0))
>>> out.families.column_names[:4]
['ID DTSEN', 'Kode Wilayah', 'No KK', 'Nama Kepala Keluarga']
>>> out.truth.column("ID Keluarga P3KE").to_pylist()
['P1', 'P2']
>>> ids = out.truth.column("ID DTSEN").to_pylist()
>>> sorted(ids) == sorted(out.families.column("ID DTSEN").to_pylist())
True
"""

import csv
import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from .params import DtsenNoise
from .population import date_parts, int_text

FAMILIES_FILE = "dtsen_keluarga.csv"
MEMBERS_FILE = "dtsen_anggota_keluarga.csv"
FAMILY_TRUTH_FILE = "dtsen_truth.csv"
PERSON_TRUTH_FILE = "dtsen_anggota_truth.csv"

P3KE_FAMILY_ID, P3KE_PERSON_ID = "ID Keluarga P3KE", "ID Individu"
DTSEN_FAMILY_ID, DTSEN_PERSON_ID = "ID DTSEN", "ID Individu DTSEN"

#: P3KE (and DTKS detail) header -> DTSEN header, family file; order is DTSEN's.
FAMILY_HEADERS = {
    P3KE_FAMILY_ID: DTSEN_FAMILY_ID,
    "Provinsi": "Provinsi", "Kabupaten/Kota": "Kabupaten/Kota", "Kecamatan": "Kecamatan",
    "Desa/Kelurahan": "Desa/Kelurahan", "Kode Kemdagri": "Kode Wilayah", "Alamat": "Alamat",
    "No KK": "No KK", "Kepala Keluarga": "Nama Kepala Keluarga", "NIK": "NIK Kepala Keluarga",
    "Desil Kesejahteraan": "Desil Nasional",
    "Jumlah Anggota Keluarga": "Jumlah Anggota Keluarga",
    "Kepemilikan Rumah": "Status Kepemilikan Bangunan", "Luas Lantai (m2)": "Luas Lantai (m2)",
    "Jenis Lantai": "Jenis Lantai Terluas", "Jenis Dinding": "Jenis Dinding Terluas",
    "Jenis Atap": "Jenis Atap Terluas", "Sumber Air Minum": "Sumber Air Minum Utama",
    "Sumber Penerangan": "Sumber Penerangan Utama", "Daya Listrik": "Daya Listrik Terpasang",
    "Bahan Bakar Memasak": "Bahan Bakar Utama Memasak",
    "Memiliki Fasilitas Buang Air Besar": "Fasilitas Buang Air Besar",
    "Jenis Kloset": "Jenis Kloset",
    "Memiliki Simpanan Uang/Perhiasan/Ternak/Lainnya": "Memiliki Tabungan",
    "Penerima PKH": "Penerima PKH", "Penerima BPNT": "Penerima BPNT",
    "Penerima SEMBAKO": "Penerima Sembako", "Penerima BST": "Penerima BST",
    "Penerima BPUM": "Penerima BPUM", "Resiko Stunting": "Risiko Stunting",
}
#: The same for the member file.
MEMBER_HEADERS = {
    P3KE_FAMILY_ID: DTSEN_FAMILY_ID, P3KE_PERSON_ID: DTSEN_PERSON_ID, "Nama": "Nama",
    "NIK": "NIK", "Padan Dukcapil": "Status Padan Dukcapil", "Jenis Kelamin": "Jenis Kelamin",
    "Hubungan dengan Kepala Keluarga": "Hubungan dengan Kepala Keluarga",
    "Tempat Lahir": "Tempat Lahir", "Tanggal Lahir": "Tanggal Lahir",
    "Status Kawin": "Status Perkawinan", "Pendidikan": "Pendidikan Tertinggi",
    "Partisipasi Sekolah": "Partisipasi Sekolah", "Pekerjaan": "Pekerjaan Utama",
    "Disabilitas": "Disabilitas", "Penyakit Kronis": "Penyakit Kronis",
    "Jaminan Kesehatan": "Jaminan Kesehatan",
}


@dataclass
class DtsenExport:
    """The DTSEN tables and their truth.

    Attributes
    ----------
    families, members : pyarrow.Table
        The export, headers as in :data:`FAMILY_HEADERS` / :data:`MEMBER_HEADERS`.
    truth : pyarrow.Table
        One row per P3KE family: ``ID Keluarga P3KE``, ``ID DTSEN`` (empty when missing),
        ``in_dtsen``, ``kk_changed``, ``desil_p3ke``, ``desil_dtsen``.
    person_truth : pyarrow.Table
        One row per P3KE person: ``ID Individu``, ``ID Individu DTSEN`` (empty when the
        family is missing), ``ID Keluarga P3KE``, ``ID DTSEN``, ``nik_typo``.
    """

    families: pa.Table
    members: pa.Table
    truth: pa.Table
    person_truth: pa.Table

    def counts(self) -> dict[str, int]:
        t, p = self.truth, self.person_truth
        return {
            "families": self.families.num_rows, "persons": self.members.num_rows,
            "families_missing": int(pc.sum(pc.invert(t["in_dtsen"])).as_py() or 0),
            "kk_changed": int(pc.sum(t["kk_changed"]).as_py() or 0),
            "desil_changed": int(pc.sum(pc.not_equal(t["desil_p3ke"], t["desil_dtsen"]))
                                 .as_py() or 0),
            "nik_typo": int(pc.sum(p["nik_typo"]).as_py() or 0),
        }

    def id_map(self) -> dict[str, str]:
        """``{P3KE family ID: DTSEN ID}`` for the families in both (small regions only)."""
        t = self.truth.filter(self.truth["in_dtsen"])
        return dict(zip(t[P3KE_FAMILY_ID].to_pylist(), t[DTSEN_FAMILY_ID].to_pylist(),
                        strict=True))


def _rng(seed) -> np.random.Generator:
    if isinstance(seed, np.random.Generator):
        return seed
    return np.random.default_rng(np.random.SeedSequence([int(seed), 0xD75E]))


def _text(column) -> pa.Array:
    column = column.combine_chunks() if isinstance(column, pa.ChunkedArray) else column
    return column if column.type == pa.string() else pc.cast(column, pa.string())


def _renewed_kk(rng, kk: pa.Array, as_of: dt.date) -> pa.Array:
    """New KK numbers: the old kecamatan prefix, a DDMMYY issue date in the last two years,
    a 4-digit serial (different from the old number)."""
    n = len(kk)
    days = np.datetime64(as_of, "D") - rng.integers(1, 730, n).astype("timedelta64[D]")
    d, m, y = date_parts(days)
    stamp = pc.binary_join_element_wise(int_text(d, 2), int_text(m, 2), int_text(y % 100, 2),
                                        "")
    serial = int_text(rng.integers(1, 10_000, n), 4)
    prefix = pc.utf8_slice_codeunits(pc.fill_null(kk, "000000"), 0, 6)
    prefix = pc.utf8_rpad(prefix, 6, "0")
    new = pc.binary_join_element_wise(prefix, stamp, serial, "")
    same = pc.fill_null(pc.equal(new, kk), False)
    bumped = pc.binary_join_element_wise(
        pc.utf8_slice_codeunits(new, 0, 12),
        int_text((rng.integers(1, 10_000, n)), 4), "")
    return pc.if_else(same, bumped, new)


def _typo(rng, nik: pa.Array) -> pa.Array:
    """One typo per NIK (16 digits): a digit substituted or two adjacent digits swapped."""
    k = len(nik)
    if k == 0:
        return nik
    value = np.asarray(pc.cast(nik, pa.int64()), dtype=np.int64)
    powers = 10 ** np.arange(15, -1, -1, dtype=np.int64)
    digits = (value[:, None] // powers[None, :]) % 10
    rows = np.arange(k)
    swap = rng.random(k) < 0.5
    pos = rng.integers(0, 15, k)
    left, right = digits[rows, pos].copy(), digits[rows, pos + 1].copy()
    # A swap of two equal digits changes nothing: substitute the digit instead.
    swap &= left != right
    digits[rows[swap], pos[swap]] = right[swap]
    digits[rows[swap], pos[swap] + 1] = left[swap]
    sub = ~swap
    where = rng.integers(0, 16, k)
    shift = rng.integers(1, 10, k)
    digits[rows[sub], where[sub]] = (digits[rows[sub], where[sub]] + shift[sub]) % 10
    return int_text((digits * powers[None, :]).sum(axis=1), 16)


def dtsen_export(families: pa.Table, members: pa.Table, *, seed=1,
                 noise: DtsenNoise | None = None,
                 as_of: dt.date = dt.date(2025, 6, 30)) -> DtsenExport:
    """A DTSEN export of the families and persons of a P3KE-layout register.

    Parameters
    ----------
    families, members : pyarrow.Table
        P3KE-layout family and member tables (``ID Keluarga P3KE``, ``ID Individu``, ``No KK``,
        ``NIK``, ``Desil Kesejahteraan`` …; DTKS detail columns are carried over when present,
        unknown columns are left out). Values may be text or numbers.
    seed : int or numpy.random.Generator
        The same seed and input give the same export.
    noise : DtsenNoise, optional
        Shares of renewed KKs, NIK typos, missing families and changed desil.
    as_of : datetime.date
        Date of the export (renewed KKs are issued in the two years before).

    Returns
    -------
    DtsenExport
    """
    noise = noise or DtsenNoise()
    rng = _rng(seed)
    n_fam, n_mem = families.num_rows, members.num_rows
    p3ke_fid = _text(families[P3KE_FAMILY_ID])

    # Which families DTSEN has, their IDs (shuffled numbers under the kab/kota code).
    present = rng.random(n_fam) >= noise.family_missing
    number = rng.permutation(n_fam).astype(np.int64) + 1 + rng.integers(0, 10**9)
    region = _text(families["Kode Kemdagri"]) if "Kode Kemdagri" in families.column_names \
        else pa.array(["0000"] * n_fam)
    kab = pc.utf8_slice_codeunits(pc.replace_substring(region, ".", ""), 0, 4)
    dtsen_fid = pc.binary_join_element_wise(kab, int_text(number, 11), "")

    kk_changed = np.zeros(n_fam, bool)
    kk = _text(families["No KK"]) if "No KK" in families.column_names else None
    if kk is not None:
        has_kk = np.asarray(pc.fill_null(pc.is_valid(kk), False))
        kk_changed = present & has_kk & (rng.random(n_fam) < noise.kk_changed)
        idx = np.flatnonzero(kk_changed)
        if len(idx):
            renewed = _renewed_kk(rng, kk.take(pa.array(idx)), as_of)
            kk = pc.replace_with_mask(kk, pa.array(kk_changed), renewed)

    desil_text = pc.utf8_trim_whitespace(_text(families["Desil Kesejahteraan"]))
    desil_text = pc.if_else(pc.match_substring_regex(desil_text, r"^\d{1,2}$"), desil_text,
                            pa.scalar(None, pa.string()))
    desil_p3ke = np.asarray(pc.fill_null(pc.cast(desil_text, pa.int64()), 0), dtype=np.int64)
    step = np.where(rng.random(n_fam) < 0.5, -1, 1)
    step = np.where(desil_p3ke <= 1, 1, np.where(desil_p3ke >= 10, -1, step))
    moved = (rng.random(n_fam) < noise.desil_changed) & (desil_p3ke > 0)
    desil_dtsen = np.where(moved, desil_p3ke + step, desil_p3ke)

    fam_cols = {}
    for source, target in FAMILY_HEADERS.items():
        if source == P3KE_FAMILY_ID:
            fam_cols[target] = dtsen_fid
        elif source == "No KK" and kk is not None:
            fam_cols[target] = kk
        elif source == "Desil Kesejahteraan":
            fam_cols[target] = pa.array(desil_dtsen)
        elif source in families.column_names:
            fam_cols[target] = families[source]
    fam_out = pa.table(fam_cols)

    # Members: their family's position, their number within it (in file order).
    m_fid = _text(members[P3KE_FAMILY_ID])
    fidx = np.asarray(pc.fill_null(pc.index_in(m_fid, value_set=p3ke_fid), -1), dtype=np.int64)
    known = fidx >= 0
    safe = np.where(known, fidx, 0)
    order = np.argsort(safe, kind="stable")
    sorted_f = safe[order]
    first = np.r_[0, np.flatnonzero(np.diff(sorted_f)) + 1]
    group_start = np.repeat(first, np.diff(np.r_[first, n_mem]))
    seq = np.empty(n_mem, np.int64)
    seq[order] = np.arange(n_mem) - group_start + 1
    m_present = known & present[safe]
    dtsen_pid = pc.binary_join_element_wise(pc.take(dtsen_fid, pa.array(safe)),
                                            int_text(seq, 2), "")

    nik = _text(members["NIK"]) if "NIK" in members.column_names else None
    nik_typo = np.zeros(n_mem, bool)
    if nik is not None:
        valid = np.asarray(pc.fill_null(pc.match_substring_regex(nik, r"^\d{16}$"), False))
        nik_typo = m_present & valid & (rng.random(n_mem) < noise.nik_typo)
        idx = np.flatnonzero(nik_typo)
        if len(idx):
            nik = pc.replace_with_mask(nik, pa.array(nik_typo),
                                       _typo(rng, nik.take(pa.array(idx))))

    mem_cols = {}
    for source, target in MEMBER_HEADERS.items():
        if source == P3KE_FAMILY_ID:
            mem_cols[target] = pc.take(dtsen_fid, pa.array(safe))
        elif source == P3KE_PERSON_ID:
            mem_cols[target] = dtsen_pid
        elif source == "NIK" and nik is not None:
            mem_cols[target] = nik
        elif source in members.column_names:
            mem_cols[target] = members[source]
    mem_out = pa.table(mem_cols)

    # DTSEN's own order: by desa, then ID DTSEN; members follow their family.
    keep = np.flatnonzero(present)
    fam_sorted = pc.sort_indices(
        pa.table({"r": region.take(pa.array(keep)), "i": dtsen_fid.take(pa.array(keep))}),
        sort_keys=[("r", "ascending"), ("i", "ascending")])
    fam_order = keep[np.asarray(fam_sorted)]
    rank = np.full(n_fam, -1, np.int64)
    rank[fam_order] = np.arange(len(fam_order))
    m_keep = np.flatnonzero(m_present)
    mem_order = m_keep[np.lexsort((seq[m_keep], rank[safe[m_keep]]))]

    empty = pa.scalar("", pa.string())
    truth = pa.table({
        P3KE_FAMILY_ID: p3ke_fid,
        DTSEN_FAMILY_ID: pc.if_else(pa.array(present), dtsen_fid, empty),
        "in_dtsen": pa.array(present),
        "kk_changed": pa.array(kk_changed),
        "desil_p3ke": pa.array(desil_p3ke),
        "desil_dtsen": pa.array(np.where(present, desil_dtsen, 0)),
    })
    person_truth = pa.table({
        P3KE_PERSON_ID: _text(members[P3KE_PERSON_ID]),
        DTSEN_PERSON_ID: pc.if_else(pa.array(m_present), dtsen_pid, empty),
        P3KE_FAMILY_ID: m_fid,
        DTSEN_FAMILY_ID: pc.if_else(pa.array(m_present), pc.take(dtsen_fid, pa.array(safe)),
                                    empty),
        "nik_typo": pa.array(nik_typo),
    })
    return DtsenExport(
        families=fam_out.take(pa.array(fam_order)),
        members=mem_out.take(pa.array(mem_order)),
        truth=truth, person_truth=person_truth,
    )


def dtsen_files(export: DtsenExport) -> dict[str, tuple[pa.Table, str]]:
    """``{file name: (table, delimiter)}`` as :class:`~.synthesis.Synthesis` holds files."""
    return {
        FAMILIES_FILE: (export.families, ","),
        MEMBERS_FILE: (export.members, ","),
        FAMILY_TRUTH_FILE: (export.truth, ","),
        PERSON_TRUTH_FILE: (export.person_truth, ","),
    }


def _read_text(path: Path) -> pa.Table:
    """A CSV file with every column as text (the delimiter taken from the header line)."""
    with open(path, encoding="utf-8-sig", newline="") as handle:
        header = handle.readline()
    delimiter = max(",;\t|", key=header.count)
    names = next(csv.reader([header], delimiter=delimiter))
    return pacsv.read_csv(
        path, parse_options=pacsv.ParseOptions(delimiter=delimiter),
        read_options=pacsv.ReadOptions(block_size=1 << 26),
        convert_options=pacsv.ConvertOptions(column_types={n: pa.string() for n in names},
                                             strings_can_be_null=True))


def write_dtsen_from_p3ke(families_csv: Path, members_csv: Path, out_dir: Path, *, seed=1,
                          noise: DtsenNoise | None = None,
                          as_of: dt.date = dt.date(2025, 6, 30)) -> DtsenExport:
    """Read a P3KE pair of CSV files (e.g. a ``konvergen synth`` folder) and write the DTSEN
    export of the same families to ``out_dir`` (:data:`FAMILIES_FILE`, :data:`MEMBERS_FILE`
    and the two truth files)."""
    export = dtsen_export(_read_text(Path(families_csv)), _read_text(Path(members_csv)),
                          seed=seed, noise=noise, as_of=as_of)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    for name, (table, delimiter) in dtsen_files(export).items():
        pacsv.write_csv(table, out_dir / name, write_options=pacsv.WriteOptions(
            include_header=True, delimiter=delimiter, quoting_style="needed"))
    return export
