"""m estimated by expectation maximisation on the register, with the priors as fallback,
and the record of which parameter came from where."""

import json
import math

import pyarrow as pa
import pytest

from konvergen.linkage.engine import comparisons
from konvergen.linkage.engine.link import link_list
from konvergen.linkage.engine.model import EM_M_FLOOR, LinkageModel, train_model
from konvergen.linkage.engine.register import read_register_files
from konvergen.synth.engine import SynthParams, synthesise, write_synthesis
from tests.linkage.test_command import DESA


def _m(model):
    return {c["output_column_name"]: [lv["m_probability"] for lv in c["comparison_levels"][1:]]
            for c in model.settings["comparisons"]}


PRIORS = {c["output_column_name"]: [lv["m_probability"] for lv in c["comparison_levels"][1:]]
          for c in comparisons.comparisons("duckdb")}


def test_without_usable_pairs_em_keeps_every_prior_and_says_why(register):
    model = train_model(register, seed=7, max_pairs=2e4, m_estimation="em")
    assert _m(model) == PRIORS
    assert model.trained["m_estimation"] == "em"
    assert {s for v in model.trained["m_source"].values() for s in v} == {"prior"}
    sessions = model.trained["em"]["sessions"]
    assert len(sessions) == 3
    assert all(not s["converged"] and "no record pairs" in s["error"] for s in sessions)


def test_priors_are_the_default_and_recorded(model):
    assert model.trained["m_estimation"] == "prior"
    assert "em" not in model.trained
    assert model.trained["m_source"] == {k: ["prior"] * len(v) for k, v in PRIORS.items()}


def test_an_unknown_estimation_is_refused(register):
    with pytest.raises(ValueError, match="m estimation"):
        train_model(register, m_estimation="supervised")


@pytest.fixture(scope="module")
def synth_register(tmp_path_factory):
    out = tmp_path_factory.mktemp("synth-em")
    params = SynthParams(region_code="32.04", families=1500, seed=11, p0_percent=7.15,
                         poverty_line=378819)
    write_synthesis(synthesise(DESA, params), out)
    register, _lookup, _ = read_register_files(out / "p3ke_keluarga.csv",
                                                out / "p3ke_anggota_keluarga.csv")
    return register, out


def test_em_on_a_register_estimates_some_levels_and_keeps_priors_elsewhere(synth_register):
    register, folder = synth_register
    model = train_model(register, seed=1, max_pairs=1e5, m_estimation="em")
    source = model.trained["m_source"]
    em = model.trained["em"]
    assert [s["blocking_rule"] for s in em["sessions"]]
    assert any(s["converged"] for s in em["sessions"])
    estimated = {(k, i) for k, v in source.items() for i, s in enumerate(v) if s == "em"}
    kept = {(k, i) for k, v in source.items() for i, s in enumerate(v) if s == "prior"}
    assert estimated and kept
    m = _m(model)
    for name, values in m.items():
        assert all(math.isfinite(v) and EM_M_FLOOR <= v <= 1.0 for v in values)
        assert sum(values) == pytest.approx(1.0, abs=len(values) * EM_M_FLOOR)
        if name in em["rejected"]:
            assert values == PRIORS[name] and set(source[name]) == {"prior"}
        for i, v in enumerate(values):
            if source[name][i] == "prior" and name not in em["rejected"] and \
                    "em" not in source[name]:
                assert v == PRIORS[name][i]
    # stored and restored with its provenance; links a list
    again = LinkageModel.from_dict(json.loads(json.dumps(model.to_dict())))
    assert again.trained["m_source"] == source
    from konvergen.linkage.engine.columns import canonical_list, map_list_headers
    from konvergen.registry.ingest.readers import read_table

    raw = read_table(folder / "pkh.csv")
    table = canonical_list(raw, map_list_headers([c for c in raw.column_names
                                                  if c != "row_number"]))
    out = link_list(table, register, again)
    assert out.num_rows == raw.num_rows
    assert pa.compute.sum(pa.compute.equal(out.column("status"), "matched")).as_py() > \
        0.8 * out.num_rows
