"""``konvergen link`` end to end on a small synthetic region."""

import csv

import pyarrow as pa
import pytest
from django.core.management import CommandError, call_command

from konvergen.synth.engine import SynthParams, synthesise, write_synthesis

DESA = pa.table({
    "code": ["32.04.05.2001", "32.04.05.2002", "32.04.06.2001", "32.04.06.1001"],
    "name": ["Cileunyi Kulon", "Cileunyi Wetan", "Mekarmanik", "Padasuka"],
    "kecamatan_code": ["32.04.05", "32.04.05", "32.04.06", "32.04.06"],
    "kecamatan_name": ["Cileunyi", "Cileunyi", "Cimenyan", "Cimenyan"],
    "kabkota_code": ["32.04"] * 4, "kabkota_name": ["Kabupaten Bandung"] * 4,
    "province_code": ["32"] * 4, "province_name": ["Jawa Barat"] * 4,
})


@pytest.fixture(scope="module")
def region(tmp_path_factory):
    out = tmp_path_factory.mktemp("synth")
    params = SynthParams(region_code="32.04", families=600, seed=5, p0_percent=7.15,
                         poverty_line=378819)
    write_synthesis(synthesise(DESA, params), out)
    return out


def _read(path):
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.reader(f))


def test_link_writes_exactly_the_contract_columns(region, tmp_path):
    out = tmp_path / "hasil.csv"
    model = tmp_path / "model.json"
    call_command("link", str(region / "pbi_jk.csv"), "--out", str(out),
                 "--register-families", str(region / "p3ke_keluarga.csv"),
                 "--register-members", str(region / "p3ke_anggota_keluarga.csv"),
                 "--model", str(model))
    rows = _read(out)
    truth = _read(region / "pbi_jk_truth.csv")
    assert rows[0] == ["row_number", "id_individu", "match_probability", "status"]
    assert len(rows) == len(truth)
    assert [r[0] for r in rows[1:]] == [str(i) for i in range(1, len(rows))]
    assert {r[3] for r in rows[1:]} <= {"matched", "review", "unmatched"}
    true_id = {t[0]: t[1] for t in truth[1:]}
    matched = [r for r in rows[1:] if r[3] == "matched"]
    correct = sum(1 for r in matched if r[1] == true_id[r[0]])
    assert correct / len(matched) >= 0.98
    assert all(r[1] == "" for r in rows[1:] if r[3] == "unmatched")
    assert model.exists()  # trained once and saved, re-used below

    again = tmp_path / "lagi.csv"
    call_command("link", str(region / "csr.csv"), "--out", str(again),
                 "--register-families", str(region / "p3ke_keluarga.csv"),
                 "--register-members", str(region / "p3ke_anggota_keluarga.csv"),
                 "--model", str(model), "--map", "Desa=nama_desa")
    assert len(_read(again)) == len(_read(region / "csr_truth.csv"))


def test_link_without_register_files_needs_the_stored_register(region, tmp_path, db):
    with pytest.raises(CommandError, match="Register belum tersimpan"):
        call_command("link", str(region / "pkh.csv"), "--out", str(tmp_path / "x.csv"))


def test_link_a_list_of_families_names_the_family(region, tmp_path):
    out = tmp_path / "keluarga.csv"
    call_command("link", str(region / "pkh.csv"), "--out", str(out), "--unit", "family",
                 "--register-families", str(region / "p3ke_keluarga.csv"),
                 "--register-members", str(region / "p3ke_anggota_keluarga.csv"))
    rows = _read(out)
    assert rows[0] == ["row_number", "id_individu", "match_probability", "status",
                       "id_keluarga"]
    truth = {t[0]: t for t in _read(region / "pkh_truth.csv")}
    header = _read(region / "pkh_truth.csv")[0]
    fam_col = header.index("ID Keluarga P3KE")
    matched = [r for r in rows[1:] if r[3] == "matched"]
    assert matched and all(r[4] for r in matched)
    right = sum(1 for r in matched if r[4] == truth[r[0]][fam_col])
    assert right / len(matched) >= 0.98
