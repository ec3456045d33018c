"""The synthetic register: determinism, NIK/KK structure, household composition, truth."""

import datetime as dt

import numpy as np
import pyarrow.csv as pacsv
import pytest

from konvergen.synth import vocab
from konvergen.synth.engine import population as pop_mod
from konvergen.synth.engine import synthesise, write_synthesis
from tests.synth.conftest import KECAMATAN_PREFIXES, desa_table, params


def _read(path, delimiter=","):
    return pacsv.read_csv(
        path, parse_options=pacsv.ParseOptions(delimiter=delimiter),
        convert_options=pacsv.ConvertOptions(auto_dict_encode=False, strings_can_be_null=False,
                                             column_types={}),
        read_options=pacsv.ReadOptions(autogenerate_column_names=False),
    )


def _text(table, column):
    return [str(v) for v in table.column(column).to_pylist()]


def test_same_seed_gives_identical_files_and_another_seed_does_not(tmp_path):
    small = params(families=1500)
    a, b, c = tmp_path / "a", tmp_path / "b", tmp_path / "c"
    write_synthesis(synthesise(desa_table(), small), a)
    write_synthesis(synthesise(desa_table(), small), b)
    write_synthesis(synthesise(desa_table(), params(families=1500, seed=12)), c)
    names = sorted(p.name for p in a.iterdir())
    assert names == sorted(p.name for p in b.iterdir())
    assert "manifest.json" in names and len(names) == 18
    for name in names:
        assert (a / name).read_bytes() == (b / name).read_bytes(), name
    assert (a / "p3ke_keluarga.csv").read_bytes() != (c / "p3ke_keluarga.csv").read_bytes()


def test_register_headers_follow_the_p3ke_export_and_dtks_detail(written):
    out, _ = written
    fam = _read(out / "p3ke_keluarga.csv")
    mem = _read(out / "p3ke_anggota_keluarga.csv")
    assert tuple(fam.column_names) == vocab.FAMILY_COLUMNS_P3KE + vocab.FAMILY_COLUMNS_DTKS
    assert tuple(mem.column_names) == vocab.MEMBER_COLUMNS_P3KE + vocab.MEMBER_COLUMNS_DTKS


def test_p3ke_layout_leaves_out_the_dtks_columns():
    result = synthesise(desa_table(), params(families=300, layout="p3ke"))
    fam, _ = result.files["p3ke_keluarga.csv"]
    mem, _ = result.files["p3ke_anggota_keluarga.csv"]
    assert tuple(fam.column_names) == vocab.FAMILY_COLUMNS_P3KE
    assert tuple(mem.column_names) == vocab.MEMBER_COLUMNS_P3KE


@pytest.mark.parametrize("column,values", [
    ("Jenis Lantai", vocab.JENIS_LANTAI), ("Sumber Air Minum", vocab.SUMBER_AIR_MINUM),
    ("Bahan Bakar Memasak", vocab.BAHAN_BAKAR_MEMASAK),
    ("Sumber Penerangan", vocab.SUMBER_PENERANGAN), ("Jenis Atap", vocab.JENIS_ATAP),
    ("Jenis Dinding", vocab.JENIS_DINDING), ("Kepemilikan Rumah", vocab.KEPEMILIKAN_RUMAH),
    ("Penerima PKH", vocab.YA_TIDAK), ("Daya Listrik", vocab.DAYA_LISTRIK),
    ("Jenis Kloset", vocab.JENIS_KLOSET),
])
def test_family_values_come_from_the_vocabularies(synthesis, column, values):
    fam, _ = synthesis.files["p3ke_keluarga.csv"]
    assert set(fam.column(column).to_pylist()) <= set(values)


def test_every_nik_is_structurally_valid(written):
    out, _ = written
    mem = _read(out / "p3ke_anggota_keluarga.csv")
    niks = _text(mem, "NIK")
    assert len(set(niks)) == len(niks)
    for nik, born, sex in zip(niks, _text(mem, "Tanggal Lahir"), _text(mem, "Jenis Kelamin"),
                              strict=True):
        assert len(nik) == 16 and nik.isdigit(), nik
        assert nik[:6] in KECAMATAN_PREFIXES, nik
        day, month, yy, serial = int(nik[6:8]), int(nik[8:10]), int(nik[10:12]), int(nik[12:])
        if sex == "Perempuan":
            assert day > 40
            day -= 40
        else:
            assert day <= 31
        d, m, y = (int(p) for p in born.split("-"))
        assert (day, month, yy) == (d, m, y % 100), (nik, born)
        dt.date(y, m, d)  # a real calendar date
        assert serial >= 1


def test_every_kk_is_structurally_valid(synthesis):
    pop = synthesis.population
    for kk in np.r_[pop.fam_kk, pop.fam_kk_old]:
        text = str(kk)
        assert len(text) == 16 and text[:6] in KECAMATAN_PREFIXES
        issued = dt.date(2000 + int(text[10:12]), int(text[8:10]), int(text[6:8]))
        assert issued <= dt.date(2025, 6, 30)
        assert int(text[12:]) >= 1
    assert len(np.unique(np.r_[pop.fam_kk, pop.fam_kk_old])) == 2 * pop.n_families
    assert (pop.fam_kk != pop.fam_kk_old).all()


def test_household_composition_is_plausible(synthesis):
    pop = synthesis.population
    rel, age, fam = pop.per_rel, pop.per_age, pop.per_fam
    heads = np.bincount(fam[rel == pop_mod.HEAD], minlength=pop.n_families)
    assert (heads == 1).all()
    assert (rel[pop.fam_start] == pop_mod.HEAD).all()  # the head is listed first
    assert (np.bincount(fam[rel == pop_mod.SPOUSE], minlength=pop.n_families) <= 1).all()
    head_age = age[pop.fam_start][fam]
    spouse_age = np.full(pop.n_families, -1)
    spouse_age[fam[rel == pop_mod.SPOUSE]] = age[rel == pop_mod.SPOUSE]
    assert (age[rel == pop_mod.HEAD] >= 16).all()
    assert (age[rel == pop_mod.SPOUSE] >= 16).all()
    child = rel == pop_mod.CHILD
    assert (head_age[child] - age[child] >= 14).all()
    has_spouse = spouse_age[fam] >= 0
    assert (spouse_age[fam][child & has_spouse] - age[child & has_spouse] >= 14).all()
    grand = rel == pop_mod.GRANDCHILD
    assert (head_age[grand] - age[grand] >= 30).all()
    parent = rel == pop_mod.PARENT
    assert (age[parent] - head_age[parent] >= 15).all()
    # spouses are of the other sex; sizes look like Indonesian households
    sp = np.flatnonzero(rel == pop_mod.SPOUSE)
    assert (pop.per_female[sp] != pop.per_female[pop.fam_start[fam[sp]]]).all()
    assert 3.0 < pop.fam_size.mean() < 4.2
    assert (pop.fam_size >= 1).all() and pop.fam_size.max() <= 16
    assert (pop.per_marital[rel == pop_mod.SPOUSE] == pop_mod.KAWIN).all()


def test_names_follow_the_regional_culture(synthesis):
    names = synthesis.population.per_name.to_pylist()
    first = {n.split()[0] for n in names}
    assert {"Asep", "Ujang", "Euis", "Siti"} <= first
    assert all(n == n.strip() and "  " not in n for n in names)


def test_register_and_truth_agree(written):
    out, manifest = written
    fam = _read(out / "p3ke_keluarga.csv")
    mem = _read(out / "p3ke_anggota_keluarga.csv")
    truth = _read(out / "families_truth.csv")
    in_reg = np.array(truth.column("dalam_register").to_pylist())
    truth_ids = np.array(_text(truth, "ID Keluarga P3KE"), dtype=object)
    assert list(truth_ids[in_reg]) == _text(fam, "ID Keluarga P3KE")
    assert (truth_ids[~in_reg] == "").all()
    assert (np.array(truth.column("desil_proxy").to_pylist())[in_reg]
            == np.array(fam.column("Desil Kesejahteraan").to_pylist())).all()
    counts = np.unique(_text(mem, "ID Keluarga P3KE"), return_counts=True)
    assert dict(zip(*counts, strict=True)) == dict(zip(
        _text(fam, "ID Keluarga P3KE"), fam.column("Jumlah Anggota Keluarga").to_pylist(),
        strict=True))
    assert manifest["counts"]["register_families"] == fam.num_rows
    assert manifest["counts"]["register_persons"] == mem.num_rows
    # the register is the poorer part: mostly desil 1-4, a few stale desil 5-7
    desil = np.array(fam.column("Desil Kesejahteraan").to_pylist())
    assert (desil <= 4).mean() > 0.95 and desil.max() <= 7


def test_welfare_attributes_follow_consumption(synthesis):
    fam, _ = synthesis.files["p3ke_keluarga.csv"]
    truth, _ = synthesis.files["families_truth.csv"]
    poor = np.array(truth.column("miskin").to_pylist())[synthesis.in_register]
    floor = np.array(fam.column("Jenis Lantai").to_pylist())
    fuel = np.array(fam.column("Bahan Bakar Memasak").to_pylist())
    assert (floor[poor] == "Tanah").mean() > 1.5 * (floor[~poor] == "Tanah").mean()
    assert (fuel[poor] == "Kayu Bakar").mean() > (fuel[~poor] == "Kayu Bakar").mean()
    pkh = np.array(fam.column("Penerima PKH").to_pylist()) == "Ya"
    assert pkh[poor].mean() > pkh[~poor].mean()
