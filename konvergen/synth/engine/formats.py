"""Table layouts: the P3KE/DTKS register and each programme's own list style.

Every list has the header style of the office that keeps it, e.g. PKH in upper case
(``NIK, NAMA PENERIMA, TGL LAHIR, ALAMAT, KODE WILAYAH``), BPNT in snake case, PBI-JK
semicolon-separated as BPJS exports come, CSR with only name, birth date and desa.
"""

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from .. import vocab
from .lists import ListRows
from .population import Geography, Population, addresses, format_date, format_dmy, int_text


def _v(values: tuple[str, ...], codes: np.ndarray) -> pa.Array:
    return pc.take(pa.array(values, pa.string()), pa.array(codes.astype(np.int64)))


def _yes_no(flag: np.ndarray) -> pa.Array:
    return _v(vocab.YA_TIDAK, np.where(flag, 0, 1))


def _upper(values) -> np.ndarray:
    return np.array([str(v).upper() for v in values], dtype=object)


def _desa_codes(geo: Geography) -> np.ndarray:
    return np.array([c.replace(".", "") for c in geo.desa_code], dtype=object)


def _str_take(values: np.ndarray, idx: np.ndarray) -> pa.Array:
    return pc.take(pa.array(values, pa.string()), pa.array(idx.astype(np.int64)))


def register_tables(*, geo: Geography, pop: Population, families: np.ndarray,
                    fam_attr: dict, per_attr: dict, flags: dict, desil: np.ndarray,
                    insurance: np.ndarray, birthplace: pa.Array, family_ids: pa.Array,
                    person_ids: pa.Array, layout: str) -> tuple[pa.Table, pa.Table]:
    """The family and member tables of the register (``families``: population indices)."""
    fa = pa.array(families)
    desa = pop.fam_desa[families]
    kec = geo.desa_kec[desa]
    head = pop.fam_start[families]
    n = len(families)
    fam_cols = {
        "ID Keluarga P3KE": pc.take(family_ids, fa),
        "Provinsi": pa.array([geo.province_name.upper()] * n, pa.string()),
        "Kabupaten/Kota": pa.array([geo.kabkota_name.upper()] * n, pa.string()),
        "Kecamatan": _str_take(_upper(geo.kec_name), kec),
        "Desa/Kelurahan": _str_take(_upper(geo.desa_name), desa),
        "Kode Kemdagri": _str_take(_desa_codes(geo), desa),
        "Alamat": addresses(geo, desa, pop.fam_rt[families], pop.fam_rw[families],
                            pop.fam_house_no[families]),
        "No KK": int_text(pop.fam_kk[families]),
        "Kepala Keluarga": pc.utf8_upper(pc.take(pop.per_name, pa.array(head))),
        "NIK": int_text(pop.per_nik[head]),
        "Desil Kesejahteraan": pa.array(desil[families].astype(np.int64)),
    }
    for column, values in (
        ("Kepemilikan Rumah", vocab.KEPEMILIKAN_RUMAH), ("Jenis Atap", vocab.JENIS_ATAP),
        ("Jenis Dinding", vocab.JENIS_DINDING), ("Jenis Lantai", vocab.JENIS_LANTAI),
        ("Sumber Penerangan", vocab.SUMBER_PENERANGAN),
        ("Bahan Bakar Memasak", vocab.BAHAN_BAKAR_MEMASAK),
        ("Sumber Air Minum", vocab.SUMBER_AIR_MINUM),
        ("Memiliki Fasilitas Buang Air Besar", vocab.YA_TIDAK),
        ("Memiliki Simpanan Uang/Perhiasan/Ternak/Lainnya", vocab.YA_TIDAK),
    ):
        fam_cols[column] = _v(values, fam_attr[column][families])
    for column in ("Penerima BPNT", "Penerima BPUM", "Penerima BST", "Penerima PKH",
                   "Penerima SEMBAKO"):
        fam_cols[column] = _yes_no(flags[column][families])
    fam_cols["Resiko Stunting"] = _v(vocab.YA_TIDAK, fam_attr["Resiko Stunting"][families])
    if layout == "dtks":
        fam_cols["Luas Lantai (m2)"] = pa.array(fam_attr["Luas Lantai (m2)"][families]
                                                .astype(np.int64))
        fam_cols["Daya Listrik"] = _v(vocab.DAYA_LISTRIK, fam_attr["Daya Listrik"][families])
        fam_cols["Jenis Kloset"] = _v(vocab.JENIS_KLOSET, fam_attr["Jenis Kloset"][families])
        fam_cols["Jumlah Anggota Keluarga"] = pa.array(pop.fam_size[families].astype(np.int64))
    fam_table = pa.table(fam_cols)

    in_reg = np.zeros(pop.n_families, bool)
    in_reg[families] = True
    persons = np.flatnonzero(in_reg[pop.per_fam])
    pa_p = pa.array(persons)
    per_cols = {
        "ID Keluarga P3KE": pc.take(family_ids, pa.array(pop.per_fam[persons])),
        "ID Individu": pc.take(person_ids, pa_p),
        "Nama": pc.utf8_upper(pc.take(pop.per_name, pa_p)),
        "NIK": int_text(pop.per_nik[persons]),
        "Padan Dukcapil": _v(vocab.YA_TIDAK, per_attr["Padan Dukcapil"][persons]),
        "Jenis Kelamin": _v(vocab.JENIS_KELAMIN, pop.per_female[persons].astype(np.int8)),
        "Hubungan dengan Kepala Keluarga": _v(vocab.HUBUNGAN, pop.per_rel[persons]),
        "Tanggal Lahir": format_date(pop.per_birth[persons], "DD-MM-YYYY"),
        "Status Kawin": _v(vocab.STATUS_KAWIN, pop.per_marital[persons]),
        "Pekerjaan": _v(vocab.PEKERJAAN, per_attr["Pekerjaan"][persons]),
        "Pendidikan": _v(vocab.PENDIDIKAN, per_attr["Pendidikan"][persons]),
    }
    if layout == "dtks":
        per_cols["Tempat Lahir"] = pc.take(birthplace, pa_p)
        per_cols["Disabilitas"] = _v(vocab.DISABILITAS, per_attr["Disabilitas"][persons])
        per_cols["Penyakit Kronis"] = _v(vocab.PENYAKIT_KRONIS,
                                         per_attr["Penyakit Kronis"][persons])
        per_cols["Partisipasi Sekolah"] = _v(vocab.PARTISIPASI_SEKOLAH,
                                             per_attr["Partisipasi Sekolah"][persons])
        per_cols["Jaminan Kesehatan"] = _v(vocab.JAMINAN_KESEHATAN, insurance[persons])
    return fam_table, pa.table(per_cols)


# --- programme lists ---------------------------------------------------------------------

_BUSINESS = ("Warung Sembako", "Kuliner", "Jahit/Konveksi", "Bengkel Motor", "Kerajinan",
             "Ternak Ayam", "Keripik dan Makanan Ringan", "Toko Kelontong", "Gorengan",
             "Laundry", "Pulsa dan Aksesoris", "Sayuran")
_ASNAF = ("Fakir", "Miskin", "Miskin", "Miskin", "Gharimin", "Fisabilillah", "Ibnu Sabil")
_ZAKAT = ("Santunan Lansia", "Bantuan Biaya Hidup", "Bedah Rumah", "Modal Usaha Mustahik",
          "Bantuan Biaya Berobat", "Beasiswa")
_PBI_RELATION = ("PESERTA", "SUAMI/ISTRI", "ANAK", "FAMILI LAIN", "FAMILI LAIN", "FAMILI LAIN",
                 "FAMILI LAIN", "FAMILI LAIN", "FAMILI LAIN")


def _pick(rng, options, n) -> pa.Array:
    return pc.take(pa.array(options, pa.string()), pa.array(rng.integers(0, len(options), n)))


def _kk_text(rows: ListRows, rng, blank_share: float = 0.0) -> pa.Array:
    text = int_text(rows.kk)
    return pc.if_else(pa.array(rng.random(len(rows)) < blank_share), "", text)


def list_table(key: str, rows: ListRows, *, geo: Geography, pop: Population, rng,
               year: int) -> tuple[pa.Table, str]:
    """The list as its office would export it, and the CSV delimiter it uses."""
    n = len(rows)
    desa_name = _str_take(geo.desa_name, rows.desa)
    desa_upper = pc.utf8_upper(desa_name)
    kec_name = _str_take(geo.kec_name, geo.desa_kec[rows.desa])
    address = addresses(geo, rows.desa, rows.rt, rows.rw, rows.house_no)
    if key == "pkh":
        return pa.table({
            "NIK": rows.nik, "NAMA PENERIMA": pc.utf8_upper(rows.name),
            "TGL LAHIR": format_dmy(rows.day, rows.month, rows.year, "DD-MM-YYYY"),
            "ALAMAT": address,
            "KODE WILAYAH": _str_take(_desa_codes(geo), rows.desa),
        }), ","
    if key == "bpnt":
        return pa.table({
            "nik_penerima": rows.nik, "nama": rows.name,
            "tanggal_lahir": format_dmy(rows.day, rows.month, rows.year, "YYYY-MM-DD"),
            "jenis_kelamin": _v(("L", "P"), rows.female.astype(np.int8)),
            "no_kk": int_text(rows.kk), "desa": desa_upper,
        }), ","
    if key == "pbi_jk":
        card = 1_000_000_000 + rng.permutation(n).astype(np.int64) * 7 + rng.integers(0, 7, n)
        rel = np.minimum(pop.per_rel[rows.person], 8)
        return pa.table({
            "NO_KARTU": pc.binary_join_element_wise("000", int_text(card, 10), ""),
            "NIK": rows.nik, "NAMA_PESERTA": pc.utf8_upper(rows.name),
            "TGL_LAHIR": format_dmy(rows.day, rows.month, rows.year, "DD/MM/YYYY"),
            "JNS_KELAMIN": _v(("LAKI-LAKI", "PEREMPUAN"), rows.female.astype(np.int8)),
            "HUB_KELUARGA": _v(_PBI_RELATION, rel),
            "NO_KK": _kk_text(rows, rng, 0.03),
            "NM_KECAMATAN": pc.utf8_upper(kec_name), "NM_DESA": desa_upper,
        }), ";"
    if key == "rtlh":
        place = pc.replace_substring_regex(address, r" RT \d+ RW \d+$", "")
        return pa.table({
            "No": pa.array(np.arange(1, n + 1)),
            "Nama Kepala Keluarga": pc.utf8_upper(rows.name), "NIK": rows.nik,
            "No. KK": int_text(rows.kk), "Alamat": place,
            "RT": int_text(rows.rt, 2), "RW": int_text(rows.rw, 2),
            "Desa/Kelurahan": desa_name, "Kecamatan": kec_name,
            "Jenis Bantuan": pa.array(["Rehabilitasi RTLH"] * n, pa.string()),
            "Tahun Anggaran": pa.array([year] * n, pa.int64()),
            "Nilai Bantuan (Rp)": pa.array(np.where(rng.random(n) < 0.8, 20_000_000, 17_500_000)),
        }), ","
    if key == "modal_usaha":
        home = geo.kabkota_name.upper().replace("KABUPATEN ", "").replace("KOTA ", "")
        ttl = pc.binary_join_element_wise(
            home, format_dmy(rows.day, rows.month, rows.year, "DD-MM-YYYY"), ", ")
        phone = pc.binary_join_element_wise(
            "08", int_text(rng.integers(10**8, 10**10, n)), "")
        return pa.table({
            "no": pa.array(np.arange(1, n + 1)), "nama_pemilik": rows.name, "nik": rows.nik,
            "jenis_kelamin": _v(("L", "P"), rows.female.astype(np.int8)),
            "tempat_tgl_lahir": ttl, "jenis_usaha": _pick(rng, _BUSINESS, n),
            "alamat_usaha": address, "kecamatan": kec_name, "desa": desa_name,
            "no_hp": phone,
            "besaran_bantuan": pa.array(rng.integers(2, 11, n) * 500_000),
        }), ","
    if key == "baznas":
        return pa.table({
            "No": pa.array(np.arange(1, n + 1)), "Nama Mustahik": rows.name, "NIK": rows.nik,
            "Alamat": address, "Desa": desa_name, "Kecamatan": kec_name,
            "Asnaf": _pick(rng, _ASNAF, n), "Jenis Bantuan": _pick(rng, _ZAKAT, n),
            "Jumlah (Rp)": pa.array(rng.integers(3, 26, n) * 100_000),
        }), ","
    if key == "csr":
        month = _v(vocab.BULAN, rows.month - 1)
        date = pc.binary_join_element_wise(int_text(rows.day), month, int_text(rows.year), " ")
        return pa.table({"Nama": rows.name, "Tanggal Lahir": date, "Desa": desa_name}), ","
    raise ValueError(key)


#: Which columns each list has (drives which errors can occur).
LIST_FIELDS = {
    "pkh": dict(has_nik=True, has_kk=False, has_address=True, has_date=True),
    "bpnt": dict(has_nik=True, has_kk=True, has_address=True, has_date=True),
    "pbi_jk": dict(has_nik=True, has_kk=True, has_address=True, has_date=True),
    "rtlh": dict(has_nik=True, has_kk=True, has_address=True, has_date=False),
    "modal_usaha": dict(has_nik=True, has_kk=False, has_address=True, has_date=True),
    "baznas": dict(has_nik=True, has_kk=False, has_address=True, has_date=False),
    "csr": dict(has_nik=False, has_kk=False, has_address=True, has_date=True),
}
