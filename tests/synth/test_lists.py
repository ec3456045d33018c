"""Beneficiary lists: their own header styles, error rates, and truth files."""

import numpy as np
import pyarrow.compute as pc
import pytest

from konvergen.synth.engine import ERROR_KINDS, synthesise
from konvergen.synth.engine.lists import nik_digits
from tests.synth.conftest import desa_table, params

LISTS = ("pkh", "bpnt", "pbi_jk", "rtlh", "modal_usaha", "baznas", "csr")
NIK_COLUMN = {"pkh": "NIK", "bpnt": "nik_penerima", "pbi_jk": "NIK", "rtlh": "NIK",
              "modal_usaha": "nik", "baznas": "NIK"}


def _errors(result, key):
    truth, _ = result.files[f"{key}_truth.csv"]
    kinds = [set(filter(None, e.split(";"))) for e in truth.column("errors").to_pylist()]
    return truth, kinds


def test_each_list_has_its_own_header_style(synthesis):
    headers = {key: tuple(synthesis.files[f"{key}.csv"][0].column_names) for key in LISTS}
    assert headers["pkh"] == ("NIK", "NAMA PENERIMA", "TGL LAHIR", "ALAMAT", "KODE WILAYAH")
    assert headers["bpnt"] == ("nik_penerima", "nama", "tanggal_lahir", "jenis_kelamin",
                               "no_kk", "desa")
    assert headers["csr"] == ("Nama", "Tanggal Lahir", "Desa")
    assert len(set(headers.values())) == len(LISTS)
    assert synthesis.files["pbi_jk.csv"][1] == ";"


def test_truth_rows_line_up_with_list_rows(synthesis):
    for key in LISTS:
        table, _ = synthesis.files[f"{key}.csv"]
        truth, _ = synthesis.files[f"{key}_truth.csv"]
        assert table.num_rows == truth.num_rows > 0
        assert truth.column("row_number").to_pylist() == list(range(1, table.num_rows + 1))


@pytest.fixture(scope="module")
def heavy():
    """Higher configured rates on a bigger run, so rates can be checked tightly."""
    overrides = {"missing_nik": 0.2, "mistyped_nik": 0.05, "other_member_nik": 0.04,
                 "name_variant": 0.3, "swapped_date": 0.05, "old_kk": 0.1, "moved": 0.05,
                 "duplicate": 0.03, "not_in_register": 0.1}
    return synthesise(desa_table(), params(seed=5, error_overrides=overrides)), overrides


@pytest.mark.parametrize("key", ["bpnt", "pbi_jk"])
def test_error_rates_match_the_configured_rates(heavy, key):
    result, rates = heavy
    _, kinds = _errors(result, key)
    base = [k for k in kinds if "duplicate" not in k]
    n = len(base)
    assert n > 2000
    for kind, rate in rates.items():
        observed = ((len(kinds) - n) / n if kind == "duplicate"
                    else sum(kind in k for k in base) / n)
        assert abs(observed - rate) < 0.025, (key, kind, observed, rate)


def test_default_rates_are_realistic(synthesis):
    _, kinds = _errors(synthesis, "bpnt")
    base = [k for k in kinds if "duplicate" not in k]
    share = {kind: sum(kind in k for k in base) / len(base) for kind in ERROR_KINDS}
    assert 0.07 <= share["missing_nik"] <= 0.15
    assert 0.10 <= share["name_variant"] <= 0.20
    assert 0.04 <= share["not_in_register"] <= 0.11


def test_truth_explains_every_nik(synthesis):
    pop = synthesis.population
    for key, column in NIK_COLUMN.items():
        table, _ = synthesis.files[f"{key}.csv"]
        truth, kinds = _errors(synthesis, key)
        person = np.array(truth.column("person_key").to_pylist())
        listed = table.column(column).to_pylist()
        true_nik = pop.per_nik[person]
        for nik, real, k, p in zip(listed, true_nik, kinds, person, strict=True):
            if "missing_nik" in k:
                assert nik in ("", "-", "0")
            elif "mistyped_nik" in k:
                diff = nik_digits(np.array([int(nik)]))[0] != nik_digits(np.array([real]))[0]
                assert diff.sum() in (1, 2) and len(nik) == 16
            elif "other_member_nik" in k:
                fam = pop.per_fam[p]
                others = pop.per_nik[pop.per_fam == fam]
                assert int(nik) in others and int(nik) != real
            else:
                assert nik == str(real)


def test_truth_ids_point_at_register_persons(synthesis):
    mem, _ = synthesis.files["p3ke_anggota_keluarga.csv"]
    register_ids = set(mem.column("ID Individu").to_pylist())
    nik_of = dict(zip(mem.column("ID Individu").to_pylist(), mem.column("NIK").to_pylist(),
                      strict=True))
    for key in LISTS:
        truth, kinds = _errors(synthesis, key)
        ids = truth.column("ID Individu").to_pylist()
        for pid, k, p in zip(ids, kinds, truth.column("person_key").to_pylist(), strict=True):
            if "not_in_register" in k:
                assert pid == ""
            else:
                assert pid in register_ids
                assert nik_of[pid] == str(synthesis.population.per_nik[p])


def test_swapped_dates_moved_families_and_old_kk_are_what_truth_says(synthesis):
    pop = synthesis.population
    table, _ = synthesis.files["bpnt.csv"]
    truth, kinds = _errors(synthesis, "bpnt")
    person = np.array(truth.column("person_key").to_pylist())
    fam = pop.per_fam[person]
    born = pc.strftime(pc.cast(pc.cast(pop.per_birth[person].astype("int64"), "int32"),
                               "date32"), "%Y-%m-%d").to_pylist()
    for listed, true, k in zip(table.column("tanggal_lahir").to_pylist(), born, kinds,
                               strict=True):
        if "swapped_date" in k:
            y, m, d = true.split("-")
            assert listed == f"{y}-{d}-{m}" != true
        else:
            assert listed == true
    kk = np.array([int(v) for v in table.column("no_kk").to_pylist()])
    old = np.array(["old_kk" in k for k in kinds])
    assert (kk[old] == pop.fam_kk_old[fam[old]]).all()
    assert (kk[~old] == pop.fam_kk[fam[~old]]).all()


def test_targeting_favours_the_poor_and_csr_is_clustered(synthesis):
    truth_f, _ = synthesis.files["families_truth.csv"]
    desil = np.array(truth_f.column("desil_konsumsi").to_pylist())
    truth, _ = synthesis.files["pkh_truth.csv"]
    fam = np.array(truth.column("family_key").to_pylist())
    assert (desil[fam] <= 3).mean() > 0.5
    assert (desil[fam] >= 7).mean() < 0.1  # some inclusion error, not much
    csr, _ = synthesis.files["csr.csv"]
    assert len(set(csr.column("Desa").to_pylist())) <= 3


def test_baznas_names_carry_titles(synthesis):
    table, _ = synthesis.files["baznas.csv"]
    names = table.column("Nama Mustahik").to_pylist()
    titled = [n for n in names if n.split()[0] in ("Bapak", "Bpk.", "H.", "Ibu", "Hj.", "Ny.",
                                                   "Tn.")]
    assert 0.45 < len(titled) / len(names) < 0.75
