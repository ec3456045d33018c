"""Headers of agency lists."""

import pyarrow as pa
import pytest

from konvergen.linkage.engine.columns import canonical_list, map_list_headers


def test_usual_headers_of_programme_lists():
    m = map_list_headers(["NO_KARTU", "NIK", "NAMA_PESERTA", "TGL_LAHIR", "JNS_KELAMIN",
                          "NO_KK", "NM_KECAMATAN", "NM_DESA"])
    assert m.mapped == {"nik": "NIK", "nama": "NAMA_PESERTA", "tanggal_lahir": "TGL_LAHIR",
                        "jenis_kelamin": "JNS_KELAMIN", "no_kk": "NO_KK",
                        "nama_desa": "NM_DESA", "nama_kecamatan": "NM_KECAMATAN"}
    assert m.unknown == ["NO_KARTU"]


def test_user_mapping_wins_and_can_drop():
    m = map_list_headers(["Nomor Identitas", "Nama", "Catatan"],
                         {"Nomor Identitas": "nik", "Nama": ""})
    assert m.mapped == {"nik": "Nomor Identitas"}
    assert m.dropped == ["Nama"]
    with pytest.raises(ValueError):
        map_list_headers(["A"], {"A": "nomor"})


def test_place_and_date_of_birth_and_rt_rw_are_combined():
    raw = pa.table({"tempat_tgl_lahir": ["BANDUNG, 17-09-1984"], "Alamat": ["KP. CIBEUREUM"],
                    "RT": ["01"], "RW": ["02"]})
    out = canonical_list(raw, map_list_headers(raw.column_names)).to_pylist()
    assert out == [{"tanggal_lahir": "17-09-1984", "alamat": "KP. CIBEUREUM RT 01 RW 02"}]
