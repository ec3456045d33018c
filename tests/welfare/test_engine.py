"""The welfare engine on tiny literal frames: status rules, each default indicator, the
aggregates against the reference measures, and sums that agree from desa to province."""

import datetime as dt
from types import SimpleNamespace

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pytest

from konvergen.welfare import engine
from konvergen.welfare.engine import DEFAULT_INDICATORS, Indicator, StatusRules

REF = dt.date(2026, 1, 15)


# Reference measures written out in numpy, straight from the definitions, for comparing the
# engine's SQL sums on a random register (the literature examples are in test_measures.py).
def fgt(y, z, *, alpha, weights):
    """Foster-Greer-Thorbecke P_alpha, person-weighted; poor = strictly below z."""
    y, w = np.asarray(y, float), np.asarray(weights, float)
    poor = y < z
    per_unit = poor.astype(float) if alpha == 0 else np.where(poor, (z - y) / z, 0.0) ** alpha
    return float(w @ per_unit / w.sum())


def alkire_foster_by_group(deprivations, *, weights, k, population_weights, groups):
    """Alkire-Foster H and M0 per group (labels sorted), person-weighted."""
    g0 = np.asarray(deprivations, float)
    p = np.asarray(population_weights, float)
    labels = np.asarray(groups)
    scores = g0 @ np.asarray(weights, float)
    poor = scores >= k - 1e-9
    names = np.unique(labels)
    h = [p[labels == g] @ poor[labels == g] / p[labels == g].sum() for g in names]
    m0 = [p[labels == g] @ (scores * poor)[labels == g] / p[labels == g].sum() for g in names]
    return SimpleNamespace(groups=names, H=np.array(h), M0=np.array(m0))
DESA = "32.04.05.2001"
BITS = {i.code: 1 << n for n, i in enumerate(DEFAULT_INDICATORS)}


def classify(families: dict, persons: dict | None = None, rules=None, indicators=None):
    fam = pa.table(families)
    per = pa.table(persons or {"family_id": pa.array([], pa.int64())})
    return engine.classify(
        fam,
        per,
        rules=rules or StatusRules(),
        indicators=list(indicators or DEFAULT_INDICATORS),
        reference_date=REF,
    )


def test_status_by_desil_with_default_cut_offs():
    desil = [1, 2, 3, 4, 5, 10, None]
    result = classify({"family_id": list(range(7)), "region_code": [DESA] * 7, "desil": desil})
    expected = [
        engine.EXTREME,
        engine.POOR,
        engine.VULNERABLE,
        engine.VULNERABLE,
        engine.NOT_POOR,
        engine.NOT_POOR,
        engine.UNKNOWN,
    ]
    assert result.column("status").to_pylist() == expected


def test_status_by_desil_with_a_region_s_own_cut_offs():
    rules = StatusRules(desil_extreme=2, desil_poor=3, desil_vulnerable=5)
    result = classify(
        {"family_id": [1, 2, 3, 4], "region_code": [DESA] * 4, "desil": [2, 3, 5, 6]}, rules=rules
    )
    assert result.column("status").to_pylist() == [1, 2, 3, 4]


def test_status_by_consumption_falls_back_to_desil_without_a_figure():
    # Lines per day: extreme 12,000, poverty 15,000; vulnerable below 1.5 x 15,000.
    rules = StatusRules(method="consumption", poverty_line_day=15_000, extreme_line_day=12_000)
    per_month = [d * 365 / 12 for d in (11_999, 12_000, 14_999, 22_499, 22_500)]
    result = classify(
        {
            "family_id": [1, 2, 3, 4, 5, 6],
            "region_code": [DESA] * 6,
            "desil": [9, 9, 9, 1, 1, 1],
            "per_capita_expenditure": [*per_month, None],
        },
        rules=rules,
    )
    assert result.column("status").to_pylist() == [1, 2, 2, 3, 4, 1]


@pytest.mark.parametrize(
    ("rules", "message"),
    [
        (StatusRules(desil_extreme=3, desil_poor=2), "desil cut-offs"),
        (StatusRules(method="consumption"), "needs a poverty line"),
        (StatusRules(poverty_line_day=10, extreme_line_day=20), "must not exceed"),
        (StatusRules(mpi_k=0), "cut-off k"),
    ],
)
def test_invalid_status_rules_are_refused(rules, message):
    with pytest.raises(ValueError, match=message):
        rules.validate()


def test_indicator_weights_must_sum_to_one():
    broken = [Indicator(**{**DEFAULT_INDICATORS[0].as_dict(), "weight": 0.5})]
    with pytest.raises(ValueError, match="sum to 1"):
        engine.validate_indicators(broken)


@pytest.mark.parametrize(
    ("rule", "params", "message"),
    [
        ("nope", {}, "unknown rule"),
        ("family_code_in", {"field": "head_name; DROP TABLE x", "codes": ["a"]}, "field"),
        ("family_code_in", {"field": "water_source", "codes": "tanah"}, "codes"),
        ("housing", {"min_m2_per_person": "8; --"}, "min_m2_per_person"),
    ],
)
def test_bad_rule_parameters_never_reach_sql(rule, params, message):
    with pytest.raises(engine.RuleError, match=message):
        engine.rule_sql(rule, "x", params)


HEAD = {
    "relation": "kepala",
    "birth_date": dt.date(1980, 1, 1),
    "education": "sma",
    "school_participation": "tidak_sekolah_lagi",
    "health_insurance": "pbi_jkn",
    "disability": "tidak",
    "chronic_illness": "Tidak Ada",
    "occupation": "Petani/Pekebun",
}
FAMILY = {
    "desil": 5,
    "water_source": "leding_meteran",
    "toilet_facility": "sendiri",
    "toilet_type": "leher_angsa",
    "floor_type": "keramik",
    "wall_type": "tembok",
    "roof_type": "genteng",
    "floor_area_m2": 60.0,
    "lighting_source": "listrik_pln_meteran",
    "cooking_fuel": "gas_elpiji_3kg",
    "has_savings": True,
    "stunting_risk": False,
}

#: indicator -> (family changes, head changes, extra members): exactly that need, nothing else.
CASES = {
    "water": ({"water_source": "sumur_tak_terlindung"}, {}, []),
    "sanitation": ({"toilet_facility": "tidak_ada"}, {}, []),
    "housing": ({"floor_type": "tanah"}, {}, []),
    "electricity": ({"lighting_source": "bukan_listrik"}, {}, []),
    "cooking_fuel": ({"cooking_fuel": "kayu_bakar"}, {}, []),
    "school_attendance": (
        {},
        {},
        [
            {
                "relation": "anak",
                "birth_date": dt.date(2014, 5, 1),
                "school_participation": "tidak_sekolah_lagi",
                "education": "sd",
            }
        ],
    ),
    "schooling": ({}, {"education": "belum_tamat_sd"}, []),
    "health_insurance": ({}, {"health_insurance": "tidak_ada"}, []),
    "stunting": ({"stunting_risk": True}, {}, []),
    "savings": ({"has_savings": False}, {}, []),
    "head_work": ({}, {"occupation": "Belum/Tidak Bekerja"}, []),
}


def _one_family(family_changes, head_changes, extra):
    fam = {"family_id": [1], "region_code": [DESA]}
    fam.update({k: [v] for k, v in {**FAMILY, **family_changes}.items()})
    members = [{**HEAD, **head_changes}, *({**HEAD, **m} for m in extra)]
    per = {"family_id": [1] * len(members)}
    per.update({k: [m[k] for m in members] for k in HEAD})
    return fam, per


def test_a_family_with_nothing_lacking_has_no_need():
    result = classify(*_one_family({}, {}, []))
    assert result.column("needs").to_pylist() == [0]
    assert result.column("score").to_pylist() == [0.0]


@pytest.mark.parametrize("code", sorted(CASES))
def test_each_default_indicator(code):
    result = classify(*_one_family(*CASES[code]))
    assert result.column("needs").to_pylist() == [BITS[code]]


def test_care_needs_a_condition_and_no_health_cover():
    uninsured_ill = {"chronic_illness": "Hipertensi", "health_insurance": "tidak_ada"}
    result = classify(*_one_family({}, uninsured_ill, []))
    assert result.column("needs").to_pylist() == [BITS["care"] | BITS["health_insurance"]]
    insured_ill = {"disability": "Disabilitas Fisik"}
    assert classify(*_one_family({}, insured_ill, [])).column("needs").to_pylist() == [0]


def test_floor_area_below_eight_square_metres_per_person_is_inadequate_housing():
    fam, per = _one_family({"floor_area_m2": 23.0}, {}, [{"relation": "anak"}] * 2)
    assert classify(fam, per).column("needs").to_pylist() == [BITS["housing"]]
    fam["floor_area_m2"] = [24.0]
    assert classify(fam, per).column("needs").to_pylist() == [0]


def test_missing_attributes_never_make_a_family_deprived():
    result = classify({"family_id": [1], "region_code": [DESA]}, {"family_id": [1]})
    assert result.column("needs").to_pylist() == [0]
    assert result.column("status").to_pylist() == [engine.UNKNOWN]


def test_mpi_score_and_identification_use_the_weights_and_k():
    # water (1/20) + schooling (1/8) + savings (1/8) + head_work (1/8) = 0.425 >= 1/3
    fam, per = _one_family(
        {"water_source": "air_permukaan", "has_savings": False},
        {"education": "tidak_belum_sekolah", "occupation": "Tidak Bekerja"},
        [],
    )
    result = classify(fam, per)
    assert result.column("score").to_pylist() == [pytest.approx(0.425)]
    assert result.column("mpi_poor").to_pylist() == [True]
    strict = classify(fam, per, rules=StatusRules(mpi_k=0.5))
    assert strict.column("mpi_poor").to_pylist() == [False]


def _random_register(n: int, seed: int = 7):
    rng = np.random.default_rng(seed)
    desa = [f"32.0{k}.0{c}.200{d}" for k in (4, 9) for c in (1, 2) for d in (1, 2, 3)]
    fam = pa.table(
        {
            "family_id": np.arange(n),
            "region_code": rng.choice(desa, n),
            "desil": rng.integers(1, 11, n),
            "member_count": rng.integers(1, 7, n),
            "per_capita_expenditure": np.where(
                rng.random(n) < 0.8, rng.gamma(3, 150_000, n), np.nan
            ),
            "water_source": rng.choice(["leding_meteran", "air_permukaan", ""], n),
            "cooking_fuel": rng.choice(["kayu_bakar", "gas_elpiji_3kg"], n),
            "lighting_source": rng.choice(["listrik_pln_meteran", "bukan_listrik"], n),
            "has_savings": rng.random(n) < 0.5,
            "stunting_risk": rng.random(n) < 0.1,
            "toilet_facility": rng.choice(["sendiri", "tidak_ada"], n),
        }
    )
    fam = fam.set_column(
        4,
        "per_capita_expenditure",
        pc.if_else(pc.is_nan(fam["per_capita_expenditure"]), None, fam["per_capita_expenditure"]),
    )
    return fam, pa.table({"family_id": pa.array([], pa.int64())})


def test_aggregates_match_the_reference_measures_and_add_up_across_levels():
    fam, per = _random_register(3000)
    rules = StatusRules(poverty_line_day=12_000, extreme_line_day=9_000)
    result = engine.compute(
        fam, per, rules=rules, indicators=list(DEFAULT_INDICATORS), reference_date=REF
    )
    regions = result.regions.to_pandas().set_index("region_code")

    # Sums agree from desa up to province.
    sums = [
        "families",
        "persons",
        "families_poor",
        "persons_extreme",
        "mpi_poor_persons",
        "fgt0_persons",
        "fgt1_persons",
    ]
    for level in (1, 2, 3):
        parents = regions[regions.level == level]
        children = regions[regions.level == level + 1]
        grouped = children.groupby(children.index.map(lambda c: c.rsplit(".", 1)[0]))[sums].sum()
        assert np.allclose(grouped.loc[parents.index].to_numpy(), parents[sums].to_numpy())
    assert regions.loc["32", "families"] == 3000

    # MPI per kab/kota = Alkire-Foster by group (persons as population weights).
    families = result.families.to_pandas()
    matrix = np.array(
        [[(n >> b) & 1 for b in range(len(DEFAULT_INDICATORS))] for n in families.needs]
    )
    kab = families.region_code.str[:5]
    reference = alkire_foster_by_group(
        matrix,
        weights=[i.weight for i in DEFAULT_INDICATORS],
        k=1 / 3,
        population_weights=families.persons,
        groups=kab,
    )
    for group, h, m0 in zip(reference.groups, reference.H, reference.M0, strict=True):
        row = regions.loc[group]
        assert row.mpi_poor_persons / row.persons == pytest.approx(h)
        assert row.mpi_score_persons / row.persons == pytest.approx(m0)

    # FGT per province = fgt() over the families with an expenditure figure.
    with_y = fam.filter(pc.is_valid(fam["per_capita_expenditure"]))
    y = with_y["per_capita_expenditure"].to_numpy()
    w = with_y["member_count"].to_numpy()
    z = 12_000 * 365 / 12
    row = regions.loc["32"]
    for alpha, column in ((0, "fgt0_persons"), (1, "fgt1_persons"), (2, "fgt2_persons")):
        expected = fgt(y, z, alpha=alpha, weights=w)
        assert row[column] / row.consumption_persons == pytest.approx(expected)

    # Need counts per region agree with the family bitmasks.
    needs = result.needs.to_pandas().set_index(["region_code", "indicator"])
    water = int((families.needs & BITS["water"] > 0).sum())
    assert needs.loc[("32", "water"), "families"] == water


def test_person_needs_name_the_member_who_triggers_them():
    import datetime as dt

    import pyarrow as pa

    from konvergen.welfare.engine.compute import person_needs
    from konvergen.welfare.engine.config import DEFAULT_INDICATORS

    persons = pa.table({
        "person_id": [1, 2, 3, 4],
        "family_id": [1, 1, 1, 2],
        "relation": ["kepala", "istri_suami", "anak", "kepala"],
        "birth_date": [dt.date(1970, 1, 1), dt.date(1975, 1, 1), dt.date(2014, 5, 1),
                       dt.date(1990, 1, 1)],
        "school_participation": [None, None, "tidak_sekolah_lagi", None],
        "disability": ["tidak", "Disabilitas Fisik", "tidak", "tidak"],
        "health_insurance": ["pbi_jkn", "tidak_ada", "pbi_jkn", "tidak_ada"],
    })
    result = person_needs(persons, indicators=list(DEFAULT_INDICATORS),
                          reference_date=dt.date(2026, 1, 15))
    needs = dict(zip(result.column("person_id").to_pylist(),
                     result.column("needs").to_pylist(), strict=True))
    expected = {1: [], 2: ["health_insurance", "care"], 3: ["school_attendance"],
                4: ["health_insurance"]}
    assert needs == expected
