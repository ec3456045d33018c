"""The synthetic DTSEN export: other IDs, the same people, seeded noise, truth, importable."""

import json

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pytest

from konvergen.registry.ingest import messages as m
from konvergen.registry.ingest import prepare_register
from konvergen.synth.engine import (
    DtsenNoise,
    dtsen_export,
    synthesise,
    write_dtsen_from_p3ke,
    write_synthesis,
)
from konvergen.synth.engine import dtsen as dtsen_mod
from tests.synth.conftest import DESA, desa_table, params

NOISE = DtsenNoise(kk_changed=0.02, nik_typo=0.01, family_missing=0.01, desil_changed=0.2)


@pytest.fixture(scope="module")
def region():
    result = synthesise(desa_table(), params(families=8000, seed=3, dtsen=True,
                                             dtsen_noise=NOISE))
    return result


def _p3ke(result):
    return result.files["p3ke_keluarga.csv"][0], result.files["p3ke_anggota_keluarga.csv"][0]


def _by(table, key):
    return {r[key]: r for r in table.to_pylist()}


def test_synthesis_writes_the_dtsen_files_and_counts_the_noise(region):
    for name in (dtsen_mod.FAMILIES_FILE, dtsen_mod.MEMBERS_FILE, dtsen_mod.FAMILY_TRUTH_FILE,
                 dtsen_mod.PERSON_TRUTH_FILE):
        assert name in region.files
    info = region.manifest["dtsen"]
    assert info["noise"] == NOISE.as_dict()
    fam, mem = _p3ke(region)
    counts = info["counts"]
    assert counts["families"] + counts["families_missing"] == fam.num_rows
    assert abs(counts["families_missing"] / fam.num_rows - 0.01) < 0.006
    assert abs(counts["kk_changed"] / fam.num_rows - 0.02) < 0.01
    assert abs(counts["nik_typo"] / mem.num_rows - 0.01) < 0.005
    assert 0.1 < counts["desil_changed"] / fam.num_rows < 0.3


def test_dtsen_ids_differ_from_p3ke_and_the_truth_maps_them(region):
    fam, mem = _p3ke(region)
    d_fam = region.files[dtsen_mod.FAMILIES_FILE][0]
    d_mem = region.files[dtsen_mod.MEMBERS_FILE][0]
    truth = region.files[dtsen_mod.FAMILY_TRUTH_FILE][0]
    p_ids = set(fam["ID Keluarga P3KE"].to_pylist())
    d_ids = d_fam["ID DTSEN"].to_pylist()
    assert len(set(d_ids)) == len(d_ids) and not p_ids & set(d_ids)
    assert not set(mem["ID Individu"].to_pylist()) & set(d_mem["ID Individu DTSEN"].to_pylist())
    assert truth.num_rows == fam.num_rows
    present = truth.filter(truth["in_dtsen"])
    assert sorted(present["ID DTSEN"].to_pylist()) == sorted(d_ids)
    assert set(truth.filter(pc.invert(truth["in_dtsen"]))["ID DTSEN"].to_pylist()) == {""}
    # Members follow their family; nobody of a missing family is in DTSEN.
    assert set(d_mem["ID DTSEN"].to_pylist()) == set(d_ids)
    missing = set(truth.filter(pc.invert(truth["in_dtsen"]))["ID Keluarga P3KE"].to_pylist())
    assert d_mem.num_rows == sum(1 for f in mem["ID Keluarga P3KE"].to_pylist()
                                 if f not in missing)


def test_the_same_families_and_persons_with_only_the_noise_told(region):
    fam, mem = _p3ke(region)
    truth = _by(region.files[dtsen_mod.FAMILY_TRUTH_FILE][0], "ID Keluarga P3KE")
    d_fam = _by(region.files[dtsen_mod.FAMILIES_FILE][0], "ID DTSEN")
    for p in fam.to_pylist():
        t = truth[p["ID Keluarga P3KE"]]
        if not t["in_dtsen"]:
            continue
        d = d_fam[t["ID DTSEN"]]
        assert d["Nama Kepala Keluarga"] == p["Kepala Keluarga"]
        assert d["NIK Kepala Keluarga"] == p["NIK"] and d["Alamat"] == p["Alamat"]
        assert d["Kode Wilayah"] == p["Kode Kemdagri"]
        if t["kk_changed"]:
            assert d["No KK"] != p["No KK"] and d["No KK"][:6] == p["No KK"][:6]
            assert len(d["No KK"]) == 16 and d["No KK"].isdigit()
        else:
            assert d["No KK"] == p["No KK"]
        assert abs(d["Desil Nasional"] - p["Desil Kesejahteraan"]) <= 1
        assert t["desil_dtsen"] == d["Desil Nasional"] and 1 <= d["Desil Nasional"] <= 10

    p_truth = _by(region.files[dtsen_mod.PERSON_TRUTH_FILE][0], "ID Individu")
    d_mem = _by(region.files[dtsen_mod.MEMBERS_FILE][0], "ID Individu DTSEN")
    typos = 0
    for p in mem.to_pylist():
        t = p_truth[p["ID Individu"]]
        if not t["ID Individu DTSEN"]:
            continue
        d = d_mem[t["ID Individu DTSEN"]]
        assert d["ID DTSEN"] == truth[p["ID Keluarga P3KE"]]["ID DTSEN"] == t["ID DTSEN"]
        assert (d["Nama"], d["Tanggal Lahir"], d["Jenis Kelamin"]) == (
            p["Nama"], p["Tanggal Lahir"], p["Jenis Kelamin"])
        if t["nik_typo"]:
            typos += 1
            assert d["NIK"] != p["NIK"] and len(d["NIK"]) == 16
            diff = [i for i in range(16) if d["NIK"][i] != p["NIK"][i]]
            assert len(diff) == 1 or (len(diff) == 2 and diff[1] == diff[0] + 1
                                      and d["NIK"][diff[0]] == p["NIK"][diff[1]])
        else:
            assert d["NIK"] == p["NIK"]
    assert typos > 0


def test_same_seed_same_export_other_seed_other_ids(region):
    fam, mem = _p3ke(region)
    a = dtsen_export(fam, mem, seed=5, noise=NOISE)
    b = dtsen_export(fam, mem, seed=5, noise=NOISE)
    c = dtsen_export(fam, mem, seed=6, noise=NOISE)
    assert a.families.equals(b.families) and a.members.equals(b.members)
    assert a.truth.equals(b.truth) and a.person_truth.equals(b.person_truth)
    assert a.families["ID DTSEN"].to_pylist() != c.families["ID DTSEN"].to_pylist()


def test_zero_noise_keeps_everyone_and_every_number(region):
    fam, mem = _p3ke(region)
    out = dtsen_export(fam, mem, seed=1, noise=DtsenNoise(0, 0, 0, 0))
    assert out.families.num_rows == fam.num_rows and out.members.num_rows == mem.num_rows
    assert sorted(out.families["No KK"].to_pylist()) == sorted(fam["No KK"].to_pylist())
    assert sorted(out.members["NIK"].to_pylist()) == sorted(mem["NIK"].to_pylist())
    assert out.counts()["desil_changed"] == 0
    assert len(out.id_map()) == fam.num_rows


def test_noise_outside_its_range_is_refused():
    with pytest.raises(ValueError, match="kk_changed"):
        DtsenNoise(kk_changed=0.9)


def test_the_dtsen_export_imports_with_the_dtsen_adapter_and_links_by_kk(region, tmp_path):
    write_synthesis(region, tmp_path)
    codes = [r[0] for r in DESA]
    dtsen = prepare_register(tmp_path / "dtsen_keluarga.csv",
                             tmp_path / "dtsen_anggota_keluarga.csv",
                             valid_region_codes=codes, snapshot_date=params().as_of)
    p3ke = prepare_register(tmp_path / "p3ke_keluarga.csv",
                            tmp_path / "p3ke_anggota_keluarga.csv",
                            valid_region_codes=codes, snapshot_date=params().as_of)
    assert dtsen.source == "dtsen" and p3ke.source == "p3ke"
    assert dtsen.rejections.num_rows == 0
    counts = region.manifest["dtsen"]["counts"]
    assert dtsen.counts["families_accepted"] == counts["families"]
    assert dtsen.counts["members_accepted"] == counts["persons"]
    assert m.CODED_VALUE_UNKNOWN not in dtsen.counts["flags_by_reason"]
    assert dtsen.header_report["families"]["unknown"] == []
    assert dtsen.header_report["members"]["unknown"] == []
    assert dtsen.families.schema == p3ke.families.schema
    assert dtsen.members.schema == p3ke.members.schema
    # Linking on No KK finds every family whose KK was not renewed, and no wrong one.
    truth = region.files[dtsen_mod.FAMILY_TRUTH_FILE][0]
    expected = {(t["ID Keluarga P3KE"], t["ID DTSEN"]) for t in truth.to_pylist()
                if t["in_dtsen"] and not t["kk_changed"]}
    by_kk = dict(zip(p3ke.families["kk_number"].to_pylist(),
                     p3ke.families["family_id"].to_pylist(), strict=True))
    linked = {(by_kk[kk], fid) for kk, fid in zip(dtsen.families["kk_number"].to_pylist(),
                                                  dtsen.families["family_id"].to_pylist(),
                                                  strict=True) if kk in by_kk}
    assert linked == expected


def test_write_dtsen_from_a_written_p3ke_folder(region, tmp_path):
    write_synthesis(region, tmp_path / "p3ke")
    out = tmp_path / "dtsen"
    export = write_dtsen_from_p3ke(tmp_path / "p3ke" / "p3ke_keluarga.csv",
                                   tmp_path / "p3ke" / "p3ke_anggota_keluarga.csv", out,
                                   seed=2, noise=NOISE)
    assert sorted(p.name for p in out.iterdir()) == sorted(
        [dtsen_mod.FAMILIES_FILE, dtsen_mod.MEMBERS_FILE, dtsen_mod.FAMILY_TRUTH_FILE,
         dtsen_mod.PERSON_TRUTH_FILE])
    counts = export.counts()
    assert counts["families"] + counts["families_missing"] == _p3ke(region)[0].num_rows
    # Text input keeps NIK and KK as 16-digit text.
    assert all(len(v) == 16 for v in export.members["NIK"].to_pylist())


def test_large_export_is_vectorised():
    """200k families in well under the time a per-family loop would need."""
    import time

    n = 200_000
    rng = np.random.default_rng(0)
    fam_ids = pc.binary_join_element_wise("P", pc.cast(pa.array(np.arange(n)), pa.string()), "")
    kk = pc.cast(pa.array(3204050000000000 + rng.permutation(n)), pa.string())
    sizes = rng.integers(1, 7, n)
    per_fam = np.repeat(np.arange(n), sizes)
    fam = pa.table({"ID Keluarga P3KE": fam_ids, "Kode Kemdagri": ["3204052001"] * n,
                    "No KK": kk, "Desil Kesejahteraan": pa.array(rng.integers(1, 11, n))})
    mem = pa.table({
        "ID Keluarga P3KE": pc.take(fam_ids, pa.array(per_fam)),
        "ID Individu": pc.cast(pa.array(np.arange(len(per_fam))), pa.string()),
        "NIK": pc.cast(pa.array(3204051201800000 + np.arange(len(per_fam))), pa.string()),
    })
    start = time.perf_counter()
    out = dtsen_export(fam, mem, seed=1)
    assert time.perf_counter() - start < 20
    assert out.members.num_rows == sum(sizes[out.truth["in_dtsen"].to_numpy(
        zero_copy_only=False)])


@pytest.mark.django_db
def test_the_synth_command_writes_dtsen_with_its_noise(tmp_path):
    from django.core.management import CommandError, call_command

    out = tmp_path / "demo"
    call_command("synth", region="32.04", families=1500, seed=4, out=out, dtsen=True,
                 dtsen_noise=["kk_changed=0.05"])
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    names = {f["name"] for f in manifest["files"]}
    assert {"dtsen_keluarga.csv", "dtsen_anggota_keluarga.csv", "dtsen_truth.csv",
            "dtsen_anggota_truth.csv"} <= names
    assert manifest["dtsen"]["noise"]["kk_changed"] == 0.05
    assert manifest["parameters"]["dtsen"] is True
    with pytest.raises(CommandError, match="KIND=RATE"):
        call_command("synth", region="32.04", families=100, out=tmp_path / "x",
                     dtsen_noise=["typo=0.1"])
