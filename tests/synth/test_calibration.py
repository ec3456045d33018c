"""Calibration to the published P0 and the built-in BPS figures."""

import csv

import numpy as np
import pytest

from konvergen.synth.engine import synthesise
from konvergen.synth.engine.welfare import weighted_deciles, weighted_quantile
from konvergen.synth.figures import FIGURES
from tests.conftest import shared_data
from tests.synth.conftest import desa_table, params


def _share_below(result) -> float:
    truth, _ = result.files["families_truth.csv"]
    size = np.array(truth.column("Jumlah Anggota Keluarga").to_pylist())
    pc = np.array(truth.column("pengeluaran_per_kapita").to_pylist())
    line = truth.column("garis_kemiskinan")[0].as_py()
    return 100.0 * size[pc < line].sum() / size.sum()


@pytest.mark.parametrize("p0,line", [(7.15, 378819), (13.1, 358069), (2.58, 705084),
                                     (25.0, 700000)])
def test_share_of_persons_below_the_line_matches_p0(p0, line):
    result = synthesise(desa_table(), params(p0_percent=p0, poverty_line=line, seed=3))
    assert abs(_share_below(result) - p0) <= 1.0
    assert abs(result.manifest["calibration"]["achieved_p0_percent"] - p0) <= 0.5


def test_poverty_clusters_in_places(synthesis):
    truth, _ = synthesis.files["families_truth.csv"]
    desa = np.array(truth.column("Kode Kemdagri").to_pylist())
    poor = np.array(truth.column("miskin").to_pylist())
    rates = [poor[desa == d].mean() for d in np.unique(desa)]
    assert max(rates) - min(rates) > 0.02


def test_weighted_quantile_and_deciles_on_a_literal_example():
    assert weighted_quantile(np.array([1.0, 2.0, 3.0, 4.0]), np.array([1, 1, 1, 1]), 0.5) == 2.5
    result = weighted_deciles(np.arange(10.0), np.ones(10))
    expected = np.arange(1, 11)
    np.testing.assert_array_equal(result, expected)


def test_built_in_figures_match_the_cited_bps_tables():
    p0 = {}
    with open(shared_data("bps-p0-kabkota-2021", "p0_kabkota_2021.csv"), encoding="utf-8") as f:
        for row in csv.DictReader(f):
            p0[row["kode_kemendagri"]] = float(row["p0_persen"])
    with open(shared_data("bps-kemiskinan-jateng", "kemiskinan_jateng_2020_2025.csv"),
              encoding="utf-8") as f:
        jateng = {f"{r['kode_wilayah'][:2]}.{r['kode_wilayah'][2:]}":
                  float(r["persentase_penduduk_miskin"])
                  for r in csv.DictReader(f) if r["tahun"] == "2025"}
    gk = {}
    with open(shared_data("gk-jabar", "garis_kemiskinan_kabkota_jabar_2004_2025.csv"),
              encoding="utf-8") as f:
        for r in csv.DictReader(f):
            if r["tahun"].strip() == "2021":
                k = r["kode_kabupaten_kota"]
                gk[f"{k[:2]}.{k[2:]}"] = int(r["garis_kemiskinan"])
    with open(shared_data("bps-gk-kabkota", "garis_kemiskinan_kabkota_2024_2025.csv"),
              encoding="utf-8") as f:
        gk25 = {r["kode_kemendagri"]: int(r["garis_kemiskinan_2025"])
                for r in csv.DictReader(f) if r["garis_kemiskinan_2025"]}
    assert len([c for c in FIGURES if c.startswith("32.")]) == 27
    assert len([c for c in FIGURES if c.startswith("33.")]) == 35
    for code, fig in FIGURES.items():
        if fig.year == 2021:
            assert (fig.p0_percent, fig.poverty_line) == (p0[code], gk[code]), code
        else:
            assert (fig.p0_percent, fig.poverty_line) == (jateng[code], gk25[code]), code
    assert (FIGURES["32.04"].p0_percent, FIGURES["32.04"].poverty_line) == (7.15, 378819)
