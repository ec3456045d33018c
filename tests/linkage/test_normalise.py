"""Name, NIK and date features."""

import datetime as dt

import pyarrow as pa
import pytest

from konvergen.linkage.engine.normalise import name_features, nik_features, prepare_list


@pytest.mark.parametrize(("raw", "expected"), [
    ("H. Muhammad Yusuf bin Ahmad", "MUHAMMAD YUSUF"),
    ("Hj. Siti Aminah, S.Pd.", "SITI AMINAH"),
    ("Moh. Yusuf", "MUHAMMAD YUSUF"),
    ("M. Yusuf", "MUHAMMAD YUSUF"),
    ("Muhamad  Yusuf", "MUHAMMAD YUSUF"),
    ("MOCHAMMAD YUSUF", "MUHAMMAD YUSUF"),
    ("Bapak Drs. H. Ahmad Junaidi", "AHMAD JUNAIDI"),
    ("Ir. Budi Santoso S.T.", "BUDI SANTOSO"),
    ("Ibu Hj. Nur Aini", "NUR AINI"),
    ("Ny. Ma'ruf Amin", "MARUF AMIN"),
    ("Dewi Lestari binti Suparman", "DEWI LESTARI"),
    ("St. Rohmah", "SITI ROHMAH"),
    ("Abd. Rahman", "ABDUL RAHMAN"),
    ("Soekarno", "SUKARNO"),
    ("Djoko Tjiptono", "JOKO CIPTONO"),
    ("  ", None),
])
def test_name_normalisation(raw, expected):
    result = name_features(pa.array([raw])).column("name_norm").to_pylist()
    assert result == [expected]


def test_word_order_and_spelling_share_keys():
    t = name_features(pa.array(["Yusuf Muhammad", "Muhamad Yusuf", "Moh. Jusuf",
                                "Achmad Zaenal", "Ahmad Zainal"]))
    sorted_ = t.column("name_sorted").to_pylist()
    phon = t.column("name_phon").to_pylist()
    assert sorted_[0] == sorted_[1] == "MUHAMMAD YUSUF"
    assert phon[0] == phon[1] == phon[2]
    assert phon[3] == phon[4]


def test_blocking_tokens_skip_common_names():
    t = name_features(pa.array(["Siti Nurhaliza", "Muhammad Yusuf", "Siti"]))
    assert t.column("tok_a").to_pylist()[:2] == ["NURALIZA", "IUSUP"]
    assert t.column("tok_a").to_pylist()[2] == "SITI"  # nothing else to block on


def test_nik_features_women_day_plus_40_and_invalid_dates():
    t = nik_features(["3204055208800001", "3204051208800001", "3204059908800001",
                      "'3204051208800001", "320405120880", None], reference_year=2025)
    assert t.column("nik_valid").to_pylist() == [True, True, False, True, False, False]
    assert t.column("nik_sex").to_pylist() == ["P", "L", None, "L", None, None]
    assert t.column("nik_birth_date").to_pylist()[:2] == [dt.date(1980, 8, 12)] * 2
    assert t.column("nik_kecamatan").to_pylist()[0] == "32.04.05"


def test_list_dates_in_field_formats(register):
    lst = pa.table({"tanggal_lahir": ["12-03-1975", "12/03/1975", "1975-03-12",
                                      "12 Maret 1975", "27465", "bukan tanggal"]})
    out = prepare_list(lst, _prepared(register))
    assert out.column("birth_date").to_pylist() == [dt.date(1975, 3, 12)] * 5 + [None]


def test_placeholder_dates_are_flagged(register):
    lst = pa.table({"tanggal_lahir": ["01-01-1970", "31-12-1970", "01-07-1970", "02-01-1970"]})
    out = prepare_list(lst, _prepared(register))
    assert out.column("bd_placeholder").to_pylist() == [True, True, True, False]


def test_desa_code_with_or_without_dots_and_by_name(register):
    lookup = pa.table({"code": ["3204052001", "3204062001"], "name": ["Cileunyi Kulon", "Bojong"],
                       "kecamatan_code": ["320405", "320406"]})
    lst = pa.table({"kode_wilayah": ["3204052001", "32.04.05.2001", None],
                    "nama_desa": [None, None, "DESA BOJONG"]})
    out = prepare_list(lst, _prepared(register), desa_lookup=lookup)
    assert out.column("desa").to_pylist() == ["32.04.05.2001", "32.04.05.2001", "32.04.06.2001"]
    assert out.column("kec").to_pylist()[2] == "32.04.06"


def _prepared(register):
    from konvergen.linkage.engine.normalise import prepare_register

    return prepare_register(register)


def test_old_j_for_y_is_left_to_the_phonetic_key():
    phon = name_features(pa.array(["Djoko Tjahjono", "Joko Cahyono"])).column("name_phon")
    assert phon[0] == phon[1]
