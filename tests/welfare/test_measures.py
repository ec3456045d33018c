"""The welfare engine's poverty measures against worked examples from the literature.

The engine is what the product runs: ``engine.compute`` classifies families (Alkire–Foster
identification by a weighted deprivation score against k) and stores person-weighted sums per
region; ``engine.measures.poverty_measures`` divides them into MPI H, A, M0 and FGT P0, P1,
P2 as the region pages show them. Each example below goes through that whole path, one family
per unit of the example, its size as ``member_count``. Deprivations are typed as family
columns (``family_code_in`` and ``family_flag`` indicators), expenditures as
``per_capita_expenditure`` against ``StatusRules.poverty_line_day``.

Expected values are exact fractions worked out by hand in the comments; where a figure is
printed in the cited source, the comment says so. No database is needed.
"""

import datetime as dt
import subprocess
import sys
from fractions import Fraction as F

import numpy as np
import pyarrow as pa
import pytest
from numpy.testing import assert_allclose

from konvergen.welfare import engine
from konvergen.welfare.engine import Indicator, StatusRules
from konvergen.welfare.engine.config import DAYS_PER_MONTH
from konvergen.welfare.engine.measures import poverty_measures
from konvergen.welfare.engine.rules import FAMILY_CODE_FIELDS, FAMILY_FLAG_FIELDS

# The engine's sums pass through DuckDB and a poverty line per day (z / DAYS_PER_MONTH), so
# "exact" means equal to the last few ulps.
EXACT = {"rtol": 1e-12, "atol": 1e-15}
REF = dt.date(2026, 1, 15)
DESA = "32.04.05.2001"
# One family column per indicator of an example: coded columns, then yes/no columns.
FIELDS = [*sorted(FAMILY_CODE_FIELDS), *sorted(FAMILY_FLAG_FIELDS)]


def _indicator(j: int, weight: float) -> Indicator:
    name = FIELDS[j]
    if name in FAMILY_FLAG_FIELDS:
        rule, params = "family_flag", {"field": name, "value": True}
    else:
        rule, params = "family_code_in", {"field": name, "codes": ["deprived"]}
    return Indicator(code=f"i{j}", name_id=f"i{j}", name_en=f"i{j}", dimension="health",
                     rule=rule, params=params, weight=weight)


def _column(j: int, deprived) -> list:
    if FIELDS[j] in FAMILY_FLAG_FIELDS:
        return [bool(v) for v in deprived]
    return ["deprived" if v else "not" for v in deprived]


def floats(*fractions):
    return np.array([float(f) for f in fractions])


def run(deprivations=None, weights=None, *, k=1 / 3, sizes=None, y=None, line=None,
        desa=None):
    """``engine.compute`` over one family per row; returns the result and the sums per
    region code (plain dicts)."""
    if deprivations is None:  # FGT only: one indicator nobody is deprived in
        deprivations, weights = [[0]] * len(y), [1.0]
    matrix = np.asarray(deprivations)
    n, d = matrix.shape
    assert d <= len(FIELDS)
    indicators = [_indicator(j, w) for j, w in enumerate(weights)]
    families = {
        "family_id": list(range(n)),
        "region_code": list(desa or [DESA] * n),
        "member_count": list(sizes or [1] * n),
        **{FIELDS[j]: _column(j, matrix[:, j]) for j in range(d)},
    }
    if y is not None:
        families["per_capita_expenditure"] = [float(v) for v in y]
    rules = StatusRules(mpi_k=k, poverty_line_day=line / DAYS_PER_MONTH if line else None)
    result = engine.compute(
        pa.table(families), pa.table({"family_id": pa.array([], pa.int64())}),
        rules=rules, indicators=indicators, reference_date=REF,
    )
    sums = {row["region_code"]: row for row in result.regions.to_pylist()}
    return result, sums


def measures(sums: dict) -> dict:
    return poverty_measures(sums)


def censored(result, code: str) -> np.ndarray:
    """Persons in poor families deprived in each indicator, of region ``code``."""
    rows = [r for r in result.needs.to_pylist() if r["region_code"] == code]
    return np.array([r["censored_persons"] for r in rows], dtype=float)


def uncensored(result, code: str) -> np.ndarray:
    rows = [r for r in result.needs.to_pylist() if r["region_code"] == code]
    return np.array([r["persons"] for r in rows], dtype=float)


def contribution(result, sums: dict, weights, code: str = DESA) -> np.ndarray:
    """Each indicator's share of M0: w_j * censored headcount_j / M0."""
    row = sums[code]
    h = censored(result, code) / row["persons"]
    m0 = measures(row)["mpi_m0"]
    return np.asarray(weights) * h / m0 if m0 else np.zeros(len(weights))


# --- FGT: Haughton and Khandker (2009) --------------------------------------------------------
#
# Haughton, J. and Khandker, S. R. (2009), Handbook on Poverty and Inequality, World Bank,
# chapter 4 "Measures of Poverty". The boxed tables "Calculating the Poverty Gap Index,
# Assuming Poverty Line of 125" (p. 70) and the squared poverty gap table (p. 72) use four
# individuals with expenditure 100, 110, 150, 160. Printed there:
#   poverty gaps 25, 15, 0, 0; G/z = 0.20, 0.12, 0, 0; P1 = 0.08 [= 0.32/4];
#   (G/z)^2 = 0.04, 0.0144, 0, 0; P2 = 0.0136 [= 0.0544/4].
# P0 is not printed in those tables; it is 2 poor of 4 = 1/2 by the definition.
# The measures are those of Foster, J., Greer, J. and Thorbecke, E. (1984), "A Class of
# Decomposable Poverty Measures", Econometrica 52(3), 761-766.
HANDBOOK_Y = [100, 110, 150, 160]
HANDBOOK_Z = 125


def test_fgt_handbook_headcount():
    _, sums = run(y=HANDBOOK_Y, line=HANDBOOK_Z)
    assert measures(sums["32"])["fgt_p0"] == 0.5


def test_fgt_handbook_poverty_gap_index():
    # (25/125 + 15/125) / 4 = (1/5 + 3/25) / 4 = (8/25) / 4 = 2/25 = 0.08
    _, sums = run(y=HANDBOOK_Y, line=HANDBOOK_Z)
    assert_allclose(measures(sums["32"])["fgt_p1"], float(F(2, 25)), **EXACT)


def test_fgt_handbook_squared_poverty_gap_index():
    # ((1/5)^2 + (3/25)^2) / 4 = (1/25 + 9/625) / 4 = (34/625) / 4 = 17/1250 = 0.0136
    _, sums = run(y=HANDBOOK_Y, line=HANDBOOK_Z)
    assert_allclose(measures(sums["32"])["fgt_p2"], float(F(17, 1250)), **EXACT)


def test_fgt_poverty_line_per_kabkota_and_household_size_weights():
    # Two kab/kota with different lines (each its own rule set and computation; their sums
    # add up in the province, as the region pages add them); household sizes count persons.
    #   y    z    size  poor  gap
    #   90   100  4     yes   1/10
    #   120  100  2     no    0
    #   130  140  3     yes   1/14
    # P0 = (4 + 3) / 9 = 7/9
    # P1 = (4 * 1/10 + 3 * 1/14) / 9 = (2/5 + 3/14) / 9 = (43/70) / 9 = 43/630
    # P2 = (4 / 100 + 3 / 196) / 9 = (1/25 + 3/196) / 9 = (271/4900) / 9 = 271/44100
    _, first = run(y=[90, 120], sizes=[4, 2], line=100, desa=["32.04.05.2001"] * 2)
    _, second = run(y=[130], sizes=[3], line=140, desa=["32.09.01.2001"])
    province = {key: first["32"][key] + second["32"][key]
                for key in ("consumption_persons", "fgt0_persons", "fgt1_persons",
                            "fgt2_persons")}
    m = measures(province)
    assert_allclose(m["fgt_p0"], float(F(7, 9)), **EXACT)
    assert_allclose(m["fgt_p1"], float(F(43, 630)), **EXACT)
    assert_allclose(m["fgt_p2"], float(F(271, 44100)), **EXACT)


def test_fgt_at_the_line_is_not_poor():
    # Poor means strictly below: y == z has no gap and is not counted, for every alpha.
    z = (125 / DAYS_PER_MONTH) * DAYS_PER_MONTH  # the line as the engine computes it
    _, sums = run(y=[z, z, 200], line=125)
    m = measures(sums["32"])
    assert (m["fgt_p0"], m["fgt_p1"], m["fgt_p2"]) == (0.0, 0.0, 0.0)
    _, sums = run(y=[z - 0.01, z], line=125)
    assert measures(sums["32"])["fgt_p0"] == 0.5


def test_fgt_alpha_zero_does_not_count_the_non_poor():
    _, sums = run(y=[200, 300], line=125)
    assert measures(sums["32"])["fgt_p0"] == 0.0


@pytest.mark.parametrize("seed", range(3))
def test_fgt_is_ordered_p0_p1_p2_for_non_negative_welfare(seed):
    rng = np.random.default_rng(seed)
    y = rng.lognormal(mean=13, sigma=0.6, size=500)  # rupiah per capita per month
    w = rng.integers(1, 8, size=500)
    _, sums = run(y=y, sizes=w.tolist(), line=520_000.0)
    m = measures(sums["32"])
    assert 1 >= m["fgt_p0"] >= m["fgt_p1"] >= m["fgt_p2"] >= 0
    assert m["fgt_p0"] > 0


def test_fgt_replicating_a_family_equals_household_size_two():
    y = [80, 100, 150, 60]
    _, replicated = run(y=[*y, 80], line=125)
    _, weighted = run(y=y, sizes=[2, 1, 1, 1], line=125)
    for key in ("fgt_p0", "fgt_p1", "fgt_p2"):
        assert_allclose(measures(weighted["32"])[key], measures(replicated["32"])[key], **EXACT)


# --- Alkire and Foster (2011) -----------------------------------------------------------------
#
# Alkire, S. and Foster, J. (2011), "Counting and multidimensional poverty measurement",
# Journal of Public Economics 95(7-8), 476-487, section 4: four persons, four dimensions
# (income, years of schooling, a body-mass index, social group), cutoffs z = (13, 12, 3, 1):
#   y = [[13.1, 14, 4, 1], [15.2, 7, 5, 0], [12.5, 10, 1, 0], [20, 11, 3, 1]]
# gives the deprivation matrix g0 below (strictly below the cutoff is deprived; person 4's
# 3 against z = 3 is not). With equal weights and k = 2 of 4 dimensions the paper prints
# H = 1/2, A = 3/4, M0 = 3/8.
AF_G0 = [
    [0, 0, 0, 0],
    [0, 1, 0, 1],
    [1, 1, 1, 1],
    [0, 1, 0, 0],
]
EQUAL4 = [0.25] * 4


def test_alkire_foster_paper_headcount_intensity_and_m0():
    result, sums = run(AF_G0, EQUAL4, k=2 / 4)
    assert result.families.column("mpi_poor").to_pylist() == [False, True, True, False]
    assert_allclose(result.families.column("score").to_pylist(),
                    floats(F(0), F(2, 4), F(4, 4), F(1, 4)), **EXACT)
    m = measures(sums[DESA])
    assert_allclose([m["mpi_h"], m["mpi_a"], m["mpi_m0"]], floats(F(1, 2), F(3, 4), F(3, 8)),
                    **EXACT)


def test_alkire_foster_paper_headcounts_and_contributions():
    # Uncensored: deprived persons per dimension / 4 = (1, 3, 1, 2) / 4.
    # Censored (poor only): (1, 2, 1, 2) / 4; M0 = sum_j (1/4) * h_j = (6/4) / 4 = 3/8.
    # Contribution_j = (1/4) h_j / M0 = (1/6, 1/3, 1/6, 1/3).
    result, sums = run(AF_G0, EQUAL4, k=0.5)
    assert_allclose(uncensored(result, DESA) / 4, [0.25, 0.75, 0.25, 0.5], **EXACT)
    assert_allclose(censored(result, DESA) / 4, [0.25, 0.5, 0.25, 0.5], **EXACT)
    assert_allclose(contribution(result, sums, EQUAL4),
                    floats(F(1, 6), F(1, 3), F(1, 6), F(1, 3)), **EXACT)


def test_alkire_foster_union_and_intersection_identification():
    # Union (k = the smallest weight): anyone deprived in something; c = (0, 2, 4, 1) -> 3 of 4.
    # Intersection (k = 1): deprived in every dimension -> person 3 only, A = 1.
    _, union = run(AF_G0, EQUAL4, k=0.25)
    assert measures(union[DESA])["mpi_h"] == 0.75
    _, intersection = run(AF_G0, EQUAL4, k=1)
    m = measures(intersection[DESA])
    assert (m["mpi_h"], m["mpi_a"], m["mpi_m0"]) == (0.25, 1.0, 0.25)


# --- Global MPI: UNDP Human Development Report technical note ---------------------------------
#
# The four-household illustration of the global MPI in the UNDP Human Development Report
# technical notes (HDR 2010-2014 editions, "Multidimensional Poverty Index" note): ten
# indicators, 1/6 for each education and health indicator, 1/18 for each living-standard
# indicator, poor when the weighted score >= 1/3. That note prints the scores on a 0-10 scale
# (2.22, 7.22, 3.89, 5.00), H = 0.80, A = 0.56 and MPI = 0.450; the exact fractions below are
# computed by hand from the table and agree with those rounded figures.
#
#                                       household 1    2    3    4
MPI_SIZE = [4, 7, 5, 4]
MPI_TABLE = np.array(
    [
        [0, 1, 0, 1],  # education: no member has completed the years of schooling   (1/6)
        [0, 1, 0, 0],  # education: a school-age child not attending school          (1/6)
        [0, 0, 1, 0],  # health: a member is undernourished                          (1/6)
        [1, 1, 0, 1],  # health: a child has died                                    (1/6)
        [0, 1, 1, 1],  # living standard: no electricity                             (1/18)
        [0, 0, 1, 0],  # living standard: no safe drinking water                     (1/18)
        [0, 1, 1, 0],  # living standard: no adequate sanitation                     (1/18)
        [0, 0, 0, 0],  # living standard: dirt floor                                 (1/18)
        [1, 1, 1, 1],  # living standard: dirty cooking fuel                         (1/18)
        [0, 1, 0, 1],  # living standard: no car and at most one small asset         (1/18)
    ]
).T  # rows = households
MPI_WEIGHTS = [1 / 6] * 4 + [1 / 18] * 6


def test_global_mpi_example_scores_headcount_intensity_and_mpi():
    # Scores: hh1 = 1/6 + 1/18 = 2/9 (2.22 of 10); hh2 = 3/6 + 4/18 = 13/18 (7.22);
    #         hh3 = 1/6 + 4/18 = 7/18 (3.89);     hh4 = 2/6 + 3/18 = 1/2 (5.00).
    # Poor (>= 1/3): households 2, 3, 4, with 7 + 5 + 4 = 16 of the 20 persons.
    # H = 16/20 = 4/5 = 0.80
    # A = (7 * 13/18 + 5 * 7/18 + 4 * 1/2) / 16 = (91 + 35 + 36) / (18 * 16) = 162/288 = 9/16
    #   = 0.5625 (printed rounded as 0.56)
    # MPI = H * A = 4/5 * 9/16 = 9/20 = 0.45
    result, sums = run(MPI_TABLE, MPI_WEIGHTS, k=1 / 3, sizes=MPI_SIZE)
    assert_allclose(result.families.column("score").to_pylist(),
                    floats(F(2, 9), F(13, 18), F(7, 18), F(1, 2)), **EXACT)
    assert result.families.column("mpi_poor").to_pylist() == [False, True, True, True]
    m = measures(sums[DESA])
    assert_allclose([m["mpi_h"], m["mpi_a"], m["mpi_m0"]], floats(F(4, 5), F(9, 16), F(9, 20)),
                    **EXACT)
    assert_allclose(m["mpi_m0"], m["mpi_h"] * m["mpi_a"], **EXACT)


def test_global_mpi_example_contributions():
    # Censored headcounts, persons of poor households deprived / 20:
    #   schooling 7+4=11, attendance 7, nutrition 5, child mortality 7+4=11 (household 1 is
    #   deprived but not poor: 15/20 uncensored), electricity 16, water 5, sanitation 12,
    #   floor 0, cooking fuel 16 (20/20 uncensored), assets 11.
    # Contribution = w_j * h_j / (9/20): 11/54, 7/54, 5/54, 11/54, then 16/162, 5/162, 12/162,
    # 0, 16/162, 11/162. By dimension: education 18/54 = 1/3, health 16/54 = 8/27,
    # living standards 60/162 = 10/27.
    result, sums = run(MPI_TABLE, MPI_WEIGHTS, k=1 / 3, sizes=MPI_SIZE)
    assert_allclose(censored(result, DESA), [11, 7, 5, 11, 16, 5, 12, 0, 16, 11], **EXACT)
    assert_allclose(uncensored(result, DESA), [11, 7, 5, 15, 16, 5, 12, 0, 20, 11], **EXACT)
    shares = contribution(result, sums, MPI_WEIGHTS)
    expected = [F(c, 54) for c in (11, 7, 5, 11)] + [F(c, 162) for c in (16, 5, 12, 0, 16, 11)]
    assert_allclose(shares, floats(*expected), **EXACT)
    by_dimension = [shares[:2].sum(), shares[2:4].sum(), shares[4:].sum()]
    assert_allclose(by_dimension, floats(F(1, 3), F(8, 27), F(10, 27)), **EXACT)


def test_global_mpi_example_household_sizes_equal_replicated_persons():
    # One family per person instead of per household: same figures.
    persons = np.repeat(MPI_TABLE, MPI_SIZE, axis=0)
    per_person_result, per_person = run(persons, MPI_WEIGHTS, k=1 / 3)
    per_household_result, per_household = run(MPI_TABLE, MPI_WEIGHTS, k=1 / 3, sizes=MPI_SIZE)
    a, b = measures(per_person[DESA]), measures(per_household[DESA])
    for key in ("mpi_h", "mpi_a", "mpi_m0"):
        assert_allclose(a[key], b[key], **EXACT)
    assert_allclose(contribution(per_person_result, per_person, MPI_WEIGHTS),
                    contribution(per_household_result, per_household, MPI_WEIGHTS), **EXACT)


def test_subgroups_of_the_global_mpi_example():
    # Households 1 and 2 in one desa (4 + 7 = 11 persons), 3 and 4 in another (5 + 4 = 9).
    # First: poor = household 2, H = 7/11, A = 13/18, M0 = 7/11 * 13/18 = 91/198.
    # Second: both poor, H = 1, A = (5 * 7/18 + 4 * 1/2) / 9 = (35 + 36) / 162 = 71/162 = M0.
    # Check: 11/20 * 91/198 + 9/20 * 71/162 = 91/360 + 71/360 = 162/360 = 9/20, the M0 of
    # their kecamatan. Contribution to M0: first (91/360) / (9/20) = 91/162, second 71/162.
    desa = ["32.04.05.2001", "32.04.05.2001", "32.04.05.2002", "32.04.05.2002"]
    _, sums = run(MPI_TABLE, MPI_WEIGHTS, k=1 / 3, sizes=MPI_SIZE, desa=desa)
    first, second, total = sums["32.04.05.2001"], sums["32.04.05.2002"], sums["32.04.05"]
    share = np.array([first["persons"], second["persons"]]) / total["persons"]
    assert_allclose(share, floats(F(11, 20), F(9, 20)), **EXACT)
    m1, m2, mt = measures(first), measures(second), measures(total)
    assert_allclose([m1["mpi_h"], m2["mpi_h"]], floats(F(7, 11), F(1)), **EXACT)
    assert_allclose([m1["mpi_a"], m2["mpi_a"]], floats(F(13, 18), F(71, 162)), **EXACT)
    assert_allclose([m1["mpi_m0"], m2["mpi_m0"]], floats(F(91, 198), F(71, 162)), **EXACT)
    assert_allclose(share @ [m1["mpi_m0"], m2["mpi_m0"]], mt["mpi_m0"], **EXACT)
    assert_allclose(share * [m1["mpi_m0"], m2["mpi_m0"]] / mt["mpi_m0"],
                    floats(F(91, 162), F(71, 162)), **EXACT)
    assert_allclose(mt["mpi_m0"], 0.45, **EXACT)


# --- Identification at the cutoff k -------------------------------------------------------------


def test_score_of_exactly_k_is_poor_despite_float_rounding():
    # Six of twelve equal weights sum in floating point to 0.49999999999999994, not 0.5.
    _, sums = run([[1] * 6 + [0] * 6], [1 / 12] * 12, k=0.5)
    assert measures(sums[DESA])["mpi_h"] == 1.0
    # Eight of ten weights of 0.1 sum to 0.7999999999999999.
    _, sums = run([[1] * 8 + [0] * 2], [0.1] * 10, k=0.8)
    assert measures(sums[DESA])["mpi_h"] == 1.0
    # Global MPI: a child death (1/6) and three living-standard deprivations (3/18) = 1/3.
    _, sums = run([[0, 0, 0, 1, 1, 1, 1, 0, 0, 0]], MPI_WEIGHTS, k=1 / 3)
    assert measures(sums[DESA])["mpi_h"] == 1.0


def test_score_just_below_k_is_not_poor():
    # 1/6 + 2/18 = 5/18 < 1/3: one living-standard indicator short.
    result, sums = run([[0, 0, 0, 1, 1, 1, 0, 0, 0, 0]], MPI_WEIGHTS, k=1 / 3)
    m = measures(sums[DESA])
    assert (m["mpi_h"], m["mpi_m0"]) == (0.0, 0.0)
    assert m["mpi_a"] is None  # no poor: no intensity (the page shows a dash)
    assert_allclose(uncensored(result, DESA).sum(), 3.0)
    assert censored(result, DESA).sum() == 0.0


def test_rounded_indicator_weights_are_accepted_and_rescaled():
    weights = [0.1666667] * 4 + [0.0555556] * 6  # sums to 1.0000004
    _, sums = run(MPI_TABLE, weights, k=1 / 3, sizes=MPI_SIZE)
    assert_allclose(measures(sums[DESA])["mpi_m0"], 0.45, rtol=1e-6)
    # Rescaled to sum to 1, so deprived in everything still reaches k = 1 (0.9999999 would not).
    _, sums = run([[1, 1, 1]], [0.3333333] * 3, k=1)
    assert measures(sums[DESA])["mpi_h"] == 1.0


def test_nobody_poor_gives_zeros_not_nan():
    result, sums = run([[0, 0], [1, 0]], [0.5, 0.5], k=1)
    m = measures(sums[DESA])
    assert (m["mpi_h"], m["mpi_m0"]) == (0.0, 0.0)
    assert m["mpi_a"] is None
    assert_allclose(uncensored(result, DESA) / 2, [0.5, 0.0], **EXACT)


def test_measures_module_does_not_import_django():
    code = "import sys, konvergen.welfare.engine.measures; print('django' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
