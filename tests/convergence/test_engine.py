"""The convergence engine on tiny literal frames: result vs expected."""

import pyarrow as pa
import pyarrow.compute as pc

from konvergen.convergence.engine import ConvergenceConfig, compute

D1, D2 = "32.04.05.2001", "32.04.05.2002"
CONFIG = ConvergenceConfig(target_statuses=(1, 2, 3), need_codes=("water", "housing"))

# Family 1 (target, needs water+housing) gets charity + individual for water and a completed
# group programme for housing; family 2 (target) only a planned one; family 3 (not poor,
# desil 6) gets the desil 1-4 programme; family 4 has no desil and nothing.
FAMILIES = pa.table({
    "family_id": [1, 2, 3, 4],
    "region_code": [D1, D1, D2, D2],
    "desil": [1, 2, 6, None],
    "status": [1, 2, 4, 0],
    "needs": [0b11, 0b01, 0b10, 0],
})
PROGRAMMES = pa.table({
    "programme_id": [10, 20, 30],
    "needs": [0b01, 0b01, 0b10],
    "stage": ["charity", "individual", "group"],
    "sector": ["food", "food", "housing"],
    "desil_min": [1, None, None],
    "desil_max": [4, None, None],
})
INTERVENTIONS = pa.table({
    "programme_id": [10, 20, 10, 30, 30],
    "family_id": [1, 1, 3, 2, 1],
    "status": ["delivered", "completed", "delivered", "planned", "completed"],
    "value": [1.0, 2.0, 3.0, 4.0, 5.0],
})


def _row(table: pa.Table, **where) -> dict:
    mask = None
    for key, value in where.items():
        m = pc.equal(table[key], value)
        mask = m if mask is None else pc.and_(mask, m)
    rows = table.filter(mask).to_pylist()
    assert len(rows) == 1, rows
    return rows[0]


def test_per_family_coverage_gaps_overlap_and_stage():
    result = compute(FAMILIES, PROGRAMMES, INTERVENTIONS, config=CONFIG).families
    got = result.select(
        ["family_id", "target", "covered", "gaps", "overlap", "stage", "programmes", "outside"]
    ).sort_by("family_id")
    expected = pa.table({
        "family_id": pa.array([1, 2, 3, 4], pa.int64()),
        "target": [True, True, False, False],
        "covered": pa.array([3, 0, 1, 0], pa.int64()),
        "gaps": pa.array([0, 1, 2, 0], pa.int64()),
        "overlap": pa.array([1, 0, 0, 0], pa.int64()),
        "stage": pa.array([4, 0, 1, 0], pa.int16()),
        "programmes": pa.array([3, 0, 1, 0], pa.int32()),
        "outside": [False, False, True, False],
    })
    assert got.equals(expected), got.to_pylist()


def test_region_counts_at_every_level():
    regions = compute(FAMILIES, PROGRAMMES, INTERVENTIONS, config=CONFIG).regions
    assert regions.column("region_code").to_pylist() == ["32", "32.04", "32.04.05", D1, D2]
    kab = _row(regions, region_code="32.04")
    assert {k: kab[k] for k in (
        "families", "target_families", "reached_families", "unreached_families",
        "overlap_families", "nontarget_reached", "outside_eligibility_families",
        "stage_charity", "stage_graduated", "interventions", "value",
    )} == {
        "families": 4, "target_families": 2, "reached_families": 1, "unreached_families": 1,
        "overlap_families": 1, "nontarget_reached": 1, "outside_eligibility_families": 1,
        "stage_charity": 0, "stage_graduated": 1, "interventions": 4, "value": 11.0,
    }
    assert _row(regions, region_code=D2)["target_families"] == 0


def test_coverage_per_need():
    needs = compute(FAMILIES, PROGRAMMES, INTERVENTIONS, config=CONFIG).needs
    water = _row(needs, region_code="32.04", indicator="water")
    assert (water["target_deprived"], water["target_covered"], water["overlap_families"]) == (
        2, 1, 1)
    housing = _row(needs, region_code="32.04", indicator="housing")
    assert (housing["target_deprived"], housing["target_covered"]) == (1, 1)


def test_inclusion_and_exclusion_per_programme():
    programmes = compute(FAMILIES, PROGRAMMES, INTERVENTIONS, config=CONFIG).programmes
    p10 = _row(programmes, region_code="32.04", programme_id=10)
    # desil 1-4: families 1 and 2 eligible; 1 and 3 reached, 3 outside the range.
    assert (p10["eligible"], p10["beneficiaries"], p10["inclusion_errors"],
            p10["exclusions"]) == (2, 2, 1, 1)
    # No desil range: the target families are eligible; a planned intervention is not help.
    p30 = _row(programmes, region_code="32.04", programme_id=30)
    assert (p30["eligible"], p30["beneficiaries"], p30["exclusions"]) == (2, 1, 1)


def test_locations_limit_eligibility():
    locations = pa.table({"programme_id": [10], "code": [D2]})
    result = compute(FAMILIES, PROGRAMMES, INTERVENTIONS, config=CONFIG, locations=locations)
    p10 = _row(result.programmes, region_code="32.04", programme_id=10)
    assert (p10["eligible"], p10["inclusion_errors"]) == (0, 2)


def test_value_per_budget_dimension():
    budget = compute(FAMILIES, PROGRAMMES, INTERVENTIONS, config=CONFIG).budget
    food = _row(budget, region_code="32.04", dimension="sector", key="food")
    assert (food["families"], food["interventions"], food["value"]) == (2, 3, 6.0)
    group = _row(budget, region_code="32.04", dimension="stage", key="group")
    assert group["value"] == 5.0  # the planned intervention is not counted


def test_no_interventions_leaves_every_target_family_unreached():
    empty = INTERVENTIONS.slice(0, 0)
    result = compute(FAMILIES, PROGRAMMES, empty, config=CONFIG)
    kab = _row(result.regions, region_code="32.04")
    assert (kab["reached_families"], kab["unreached_families"]) == (0, 2)
    assert result.budget.num_rows == 0
