"""Poverty measures against worked examples from the literature, and their defining properties.

Expected values are exact fractions worked out by hand in the comments; where a figure is
printed in the cited source, the comment says so. No database is needed.
"""

import re
import subprocess
import sys
from fractions import Fraction as F

import numpy as np
import pyarrow as pa
import pytest
from numpy.testing import assert_allclose, assert_array_equal

from konvergen.analytics.measures import (
    ERR_ALPHA,
    ERR_CUTOFFS,
    ERR_CUTOFFS_MISSING,
    ERR_CUTOFFS_WITHOUT_ACHIEVEMENTS,
    ERR_EMPTY,
    ERR_GROUPS_MISSING,
    ERR_GROUPS_MIXED,
    ERR_K,
    ERR_LENGTH,
    ERR_NEGATIVE,
    ERR_NO_INPUT,
    ERR_NOT_1D,
    ERR_NOT_2D,
    ERR_NOT_BINARY,
    ERR_NOT_FINITE,
    ERR_NOT_NUMERIC,
    ERR_ONE_INPUT,
    ERR_POVERTY_LINE,
    ERR_WEIGHTS_SUM,
    ERR_ZERO_TOTAL,
    alkire_foster,
    alkire_foster_by_group,
    fgt,
)

EXACT = {"rtol": 1e-12, "atol": 1e-15}


def floats(*fractions):
    return np.array([float(f) for f in fractions])


# --- FGT: Haughton and Khandker (2009) --------------------------------------------------------
#
# Haughton, J. and Khandker, S. R. (2009), Handbook on Poverty and Inequality, World Bank,
# chapter 4 "Measures of Poverty". The boxed tables "Calculating the Poverty Gap Index,
# Assuming Poverty Line of 125" (p. 70) and the squared poverty gap table (p. 72) use four
# individuals with expenditure 100, 110, 150, 160. Printed there:
#   poverty gaps 25, 15, 0, 0; G/z = 0.20, 0.12, 0, 0; P1 = 0.08 [= 0.32/4];
#   (G/z)^2 = 0.04, 0.0144, 0, 0; P2 = 0.0136 [= 0.0544/4].
# P0 is not printed in those tables; it is 2 poor of 4 = 1/2 by the definition.
HANDBOOK_Y = [100, 110, 150, 160]
HANDBOOK_Z = 125


def test_fgt_handbook_headcount():
    assert fgt(HANDBOOK_Y, HANDBOOK_Z, alpha=0) == 0.5


def test_fgt_handbook_poverty_gap_index():
    # (25/125 + 15/125) / 4 = (1/5 + 3/25) / 4 = (8/25) / 4 = 2/25 = 0.08
    assert_allclose(fgt(HANDBOOK_Y, HANDBOOK_Z, alpha=1), float(F(2, 25)), **EXACT)


def test_fgt_handbook_squared_poverty_gap_index():
    # ((1/5)^2 + (3/25)^2) / 4 = (1/25 + 9/625) / 4 = (34/625) / 4 = 17/1250 = 0.0136
    assert_allclose(fgt(HANDBOOK_Y, HANDBOOK_Z, alpha=2), float(F(17, 1250)), **EXACT)


def test_fgt_any_alpha():
    # alpha = 3: ((1/5)^3 + (3/25)^3) / 4 = (1/125 + 27/15625) / 4 = (152/15625) / 4 = 38/15625
    assert_allclose(fgt(HANDBOOK_Y, HANDBOOK_Z, alpha=3), float(F(38, 15625)), **EXACT)
    # alpha = 0.5 is allowed too: (sqrt(1/5) + sqrt(3/25)) / 4
    assert_allclose(
        fgt(HANDBOOK_Y, HANDBOOK_Z, alpha=0.5), (np.sqrt(0.2) + np.sqrt(0.12)) / 4, **EXACT
    )


def test_fgt_poverty_line_per_unit_and_household_size_weights():
    # Two kab/kota with different lines; weights are household sizes, so persons are counted.
    #   y    z    size  poor  gap
    #   90   100  4     yes   1/10
    #   120  100  2     no    0
    #   130  140  3     yes   1/14
    # P0 = (4 + 3) / 9 = 7/9
    # P1 = (4 * 1/10 + 3 * 1/14) / 9 = (2/5 + 3/14) / 9 = (43/70) / 9 = 43/630
    # P2 = (4 / 100 + 3 / 196) / 9 = (1/25 + 3/196) / 9 = (271/4900) / 9 = 271/44100
    y, z, size = [90, 120, 130], [100, 100, 140], [4, 2, 3]
    assert_allclose(fgt(y, z, alpha=0, weights=size), float(F(7, 9)), **EXACT)
    assert_allclose(fgt(y, z, alpha=1, weights=size), float(F(43, 630)), **EXACT)
    assert_allclose(fgt(y, z, alpha=2, weights=size), float(F(271, 44100)), **EXACT)


def test_fgt_at_the_line_is_not_poor():
    # Poor means strictly below: y == z has no gap and is not counted, for every alpha.
    for alpha in (0, 1, 2):
        assert fgt([125, 125, 200], 125, alpha=alpha) == 0.0
    assert fgt([124.99, 125], 125, alpha=0) == 0.5


def test_fgt_alpha_zero_does_not_count_the_non_poor():
    # numpy gives 0 ** 0 == 1; the headcount must still be 0 when nobody is poor.
    assert fgt([200, 300], 125, alpha=0) == 0.0


def test_fgt_accepts_numpy_and_arrow_input():
    expected = fgt(HANDBOOK_Y, HANDBOOK_Z, alpha=1)
    assert fgt(np.array(HANDBOOK_Y), np.float64(125), alpha=1) == expected
    assert fgt(pa.array(HANDBOOK_Y), HANDBOOK_Z, alpha=1) == expected
    assert fgt(HANDBOOK_Y, HANDBOOK_Z, alpha=np.int64(1)) == expected


@pytest.mark.parametrize("seed", range(5))
def test_fgt_is_ordered_p0_p1_p2_for_non_negative_welfare(seed):
    rng = np.random.default_rng(seed)
    y = rng.lognormal(mean=13, sigma=0.6, size=500)  # rupiah per capita per month
    z = rng.choice([450_000.0, 520_000.0, 610_000.0], size=500)  # a line per kab/kota
    w = rng.integers(1, 8, size=500)
    p0, p1, p2 = (fgt(y, z, alpha=a, weights=w) for a in (0, 1, 2))
    assert 1 >= p0 >= p1 >= p2 >= 0
    assert p0 > 0


@pytest.mark.parametrize("alpha", [0, 1, 2, 1.5])
def test_fgt_weights_of_ones_equal_unweighted(alpha):
    rng = np.random.default_rng(1)
    y = rng.uniform(0, 200, size=101)
    assert_allclose(fgt(y, 125, alpha=alpha, weights=np.ones(101)), fgt(y, 125, alpha=alpha))


@pytest.mark.parametrize("alpha", [0, 1, 2])
def test_fgt_replicating_a_unit_equals_weight_two(alpha):
    y, z = [80, 100, 150, 60], [125, 125, 125, 90]
    replicated = fgt([*y, 80], [*z, 125], alpha=alpha)
    weighted = fgt(y, z, alpha=alpha, weights=[2, 1, 1, 1])
    assert_allclose(weighted, replicated, **EXACT)


def test_fgt_weights_scale_does_not_matter():
    y, w = [80, 100, 150, 60], [3, 1, 2, 5]
    assert_allclose(
        fgt(y, 125, alpha=2, weights=w), fgt(y, 125, alpha=2, weights=np.array(w) * 1e3), **EXACT
    )


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"y": [], "z": 125, "alpha": 0}, ERR_EMPTY),
        ({"y": [1, float("nan")], "z": 125, "alpha": 0}, ERR_NOT_FINITE),
        ({"y": [1, None], "z": 125, "alpha": 0}, ERR_NOT_FINITE),
        ({"y": pa.array([1.0, None]), "z": 125, "alpha": 0}, ERR_NOT_FINITE),
        ({"y": [1, 2], "z": float("nan"), "alpha": 0}, ERR_NOT_FINITE),
        ({"y": [1, 2], "z": [125, 125, 125], "alpha": 0}, ERR_LENGTH),
        ({"y": [1, 2], "z": 0, "alpha": 0}, ERR_POVERTY_LINE),
        ({"y": [1, 2], "z": [125, -1], "alpha": 0}, ERR_POVERTY_LINE),
        ({"y": [[1, 2]], "z": 125, "alpha": 0}, ERR_NOT_1D),
        ({"y": ["a", "b"], "z": 125, "alpha": 0}, ERR_NOT_NUMERIC),
        ({"y": [1, 2], "z": 125, "alpha": -1}, ERR_ALPHA),
        ({"y": [1, 2], "z": 125, "alpha": float("nan")}, ERR_ALPHA),
        ({"y": [1, 2], "z": 125, "alpha": "2"}, ERR_ALPHA),
        ({"y": [1, 2], "z": 125, "alpha": 1, "weights": [1]}, ERR_LENGTH),
        ({"y": [1, 2], "z": 125, "alpha": 1, "weights": [1, -1]}, ERR_NEGATIVE),
        ({"y": [1, 2], "z": 125, "alpha": 1, "weights": [0, 0]}, ERR_ZERO_TOTAL),
        ({"y": [1, 2], "z": 125, "alpha": 1, "weights": [1, float("nan")]}, ERR_NOT_FINITE),
    ],
)
def test_fgt_rejects_bad_input(kwargs, message):
    y, z = kwargs.pop("y"), kwargs.pop("z")
    with pytest.raises(ValueError, match=re.escape(message)):
        fgt(y, z, **kwargs)


# --- Alkire and Foster (2011) ------------------------------------------------------------------
#
# Alkire, S. and Foster, J. (2011), "Counting and multidimensional poverty measurement",
# Journal of Public Economics 95(7-8), 476-487, the illustration in sections 2-4 (also in
# OPHI Working Paper 32, 2009). Achievement matrix of four persons in four dimensions and
# cutoff vector z = (13, 12, 3, 1); deprivation matrix g0, count vector c = (0, 2, 4, 1).
# With k = 2 (poor when deprived in 2 of the 4 equally weighted dimensions; as a share of the
# weights, k = 2/4) persons 2 and 3 are poor. Printed in the paper: H = 1/2, A = 3/4,
# M0 = HA = 6/16 = 3/8. We assert only these three from the paper; the M1 and M2 below are
# our own hand computation from the paper's matrix and the definitions
# M_alpha = mu(g^alpha(k)), not figures quoted from it.
AF_Y = [
    [13.1, 14, 4, 1],
    [15.2, 7, 5, 0],
    [12.5, 10, 1, 0],
    [20, 11, 3, 1],
]
AF_Z = [13, 12, 3, 1]
AF_G0 = [
    [0, 0, 0, 0],
    [0, 1, 0, 1],
    [1, 1, 1, 1],
    [0, 1, 0, 0],
]
EQUAL4 = [0.25] * 4


def test_alkire_foster_paper_headcount_intensity_and_m0():
    r = alkire_foster(achievements=AF_Y, cutoffs=AF_Z, weights=EQUAL4, k=2 / 4)
    assert_array_equal(r.poor, [False, True, True, False])
    assert_allclose(r.scores, floats(F(0), F(2, 4), F(4, 4), F(1, 4)), **EXACT)
    assert_allclose([r.H, r.A, r.M0], floats(F(1, 2), F(3, 4), F(3, 8)), **EXACT)


def test_alkire_foster_paper_m1_and_m2_worked_by_hand():
    # Normalised gaps (z_j - y_ij) / z_j of the poor (persons 2 and 3), censored matrix g1(k):
    #   person 2: schooling (12-7)/12 = 5/12, fourth dimension (1-0)/1 = 1
    #   person 3: (13-12.5)/13 = 1/26, (12-10)/12 = 1/6, (3-1)/3 = 2/3, (1-0)/1 = 1
    # Person 4 is deprived in schooling but not poor, so the gap is censored.
    # M1 = sum of gaps / (n d) = (5/12 + 1 + 1/26 + 1/6 + 2/3 + 1) / 16 = (513/156) / 16
    #    = 171/832 (= 0.2055...)
    # M2 = sum of squared gaps / 16
    #    = (25/144 + 1 + 1/676 + 1/36 + 4/9 + 1) / 16 = (21475/8112) / 16 = 21475/129792
    #    (= 0.1654...)
    # Also M1 = H * A * G with G = 57/104 the average gap among the poor's deprivations.
    r = alkire_foster(achievements=AF_Y, cutoffs=AF_Z, weights=EQUAL4, k=0.5)
    assert_allclose(r.M1, float(F(171, 832)), **EXACT)
    assert_allclose(r.M2, float(F(21475, 129792)), **EXACT)
    assert_allclose(r.M1, r.H * r.A * float(F(57, 104)), **EXACT)
    assert r.M0 >= r.M1 >= r.M2


def test_alkire_foster_paper_headcounts_and_contributions():
    # Uncensored: deprived persons per dimension / 4 = (1, 3, 1, 2) / 4.
    # Censored (poor only): (1, 2, 1, 2) / 4; M0 = sum_j (1/4) * h_j = (6/4) / 4 = 3/8.
    # Contribution_j = (1/4) h_j / M0 = (1/6, 1/3, 1/6, 1/3).
    r = alkire_foster(achievements=AF_Y, cutoffs=AF_Z, weights=EQUAL4, k=0.5)
    assert_allclose(r.uncensored_headcount, [0.25, 0.75, 0.25, 0.5], **EXACT)
    assert_allclose(r.censored_headcount, [0.25, 0.5, 0.25, 0.5], **EXACT)
    assert_allclose(r.contribution, floats(F(1, 6), F(1, 3), F(1, 6), F(1, 3)), **EXACT)


def test_alkire_foster_achievements_equal_deprivations_typed_by_hand():
    from_achievements = alkire_foster(achievements=AF_Y, cutoffs=AF_Z, weights=EQUAL4, k=0.5)
    from_matrix = alkire_foster(AF_G0, weights=EQUAL4, k=0.5)
    assert_array_equal(from_achievements.scores, from_matrix.scores)
    assert_array_equal(from_achievements.poor, from_matrix.poor)
    for name in ("H", "A", "M0"):
        assert getattr(from_achievements, name) == getattr(from_matrix, name)
    for name in ("censored_headcount", "uncensored_headcount", "contribution"):
        assert_array_equal(getattr(from_achievements, name), getattr(from_matrix, name))
    assert from_matrix.M1 is None
    assert from_matrix.M2 is None
    # Booleans are a deprivation matrix too.
    assert alkire_foster(np.array(AF_G0, dtype=bool), weights=EQUAL4, k=0.5).M0 == 0.375


def test_alkire_foster_union_and_intersection_identification():
    # Union (k = the smallest weight): anyone deprived in something; c = (0, 2, 4, 1) -> 3 of 4.
    # Intersection (k = 1): deprived in every dimension -> person 3 only, A = 1.
    union = alkire_foster(AF_G0, weights=EQUAL4, k=0.25)
    assert union.H == 0.75
    intersection = alkire_foster(AF_G0, weights=EQUAL4, k=1)
    assert (intersection.H, intersection.A, intersection.M0) == (0.25, 1.0, 0.25)


def test_alkire_foster_at_the_cutoff_is_not_deprived():
    # Achievement equal to the cutoff is not a deprivation (person 4's 3 against z = 3).
    r = alkire_foster(achievements=[[3.0, 1.0]], cutoffs=[3, 1], weights=[0.5, 0.5], k=0.5)
    assert (r.H, r.M0, r.M1) == (0.0, 0.0, 0.0)


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
    r = alkire_foster(MPI_TABLE, weights=MPI_WEIGHTS, k=1 / 3, population_weights=MPI_SIZE)
    assert_allclose(r.scores, floats(F(2, 9), F(13, 18), F(7, 18), F(1, 2)), **EXACT)
    assert_array_equal(r.poor, [False, True, True, True])
    assert_allclose([r.H, r.A, r.M0], floats(F(4, 5), F(9, 16), F(9, 20)), **EXACT)
    assert_allclose(r.M0, r.H * r.A, **EXACT)


def test_global_mpi_example_contributions():
    # Censored headcounts, persons of poor households deprived / 20:
    #   schooling 7+4=11, attendance 7, nutrition 5, child mortality 7+4=11 (household 1 is
    #   deprived but not poor: 15/20 uncensored), electricity 16, water 5, sanitation 12,
    #   floor 0, cooking fuel 16 (20/20 uncensored), assets 11.
    # Contribution = w_j * h_j / (9/20): 11/54, 7/54, 5/54, 11/54, then 16/162, 5/162, 12/162,
    # 0, 16/162, 11/162. By dimension: education 18/54 = 1/3, health 16/54 = 8/27,
    # living standards 60/162 = 10/27.
    r = alkire_foster(MPI_TABLE, weights=MPI_WEIGHTS, k=1 / 3, population_weights=MPI_SIZE)
    assert_allclose(r.censored_headcount * 20, [11, 7, 5, 11, 16, 5, 12, 0, 16, 11], **EXACT)
    assert_allclose(r.uncensored_headcount * 20, [11, 7, 5, 15, 16, 5, 12, 0, 20, 11], **EXACT)
    expected = [F(c, 54) for c in (11, 7, 5, 11)] + [F(c, 162) for c in (16, 5, 12, 0, 16, 11)]
    assert_allclose(r.contribution, floats(*expected), **EXACT)
    by_dimension = [r.contribution[:2].sum(), r.contribution[2:4].sum(), r.contribution[4:].sum()]
    assert_allclose(by_dimension, floats(F(1, 3), F(8, 27), F(10, 27)), **EXACT)


def test_global_mpi_example_weights_equal_replicated_persons():
    # One row per person instead of per household, no population weights: same figures.
    persons = np.repeat(MPI_TABLE, MPI_SIZE, axis=0)
    per_person = alkire_foster(persons, weights=MPI_WEIGHTS, k=1 / 3)
    per_household = alkire_foster(
        MPI_TABLE, weights=MPI_WEIGHTS, k=1 / 3, population_weights=MPI_SIZE
    )
    for name in ("H", "A", "M0"):
        assert_allclose(getattr(per_person, name), getattr(per_household, name), **EXACT)
    assert_allclose(per_person.contribution, per_household.contribution, **EXACT)


# --- Identification at the cutoff k -------------------------------------------------------------


def test_score_of_exactly_k_is_poor_despite_float_rounding():
    # Six of twelve equal weights sum in floating point to 0.49999999999999994, not 0.5.
    g0 = [[1] * 6 + [0] * 6]
    assert alkire_foster(g0, weights=[1 / 12] * 12, k=0.5).poor.tolist() == [True]
    # Eight of ten weights of 0.1 sum to 0.7999999999999999.
    assert alkire_foster([[1] * 8 + [0] * 2], weights=[0.1] * 10, k=0.8).H == 1.0
    # Global MPI: a child death (1/6) and three living-standard deprivations (3/18) = 1/3.
    household = [[0, 0, 0, 1, 1, 1, 1, 0, 0, 0]]
    assert alkire_foster(household, weights=MPI_WEIGHTS, k=1 / 3).H == 1.0


def test_score_just_below_k_is_not_poor():
    # 1/6 + 2/18 = 5/18 < 1/3: one living-standard indicator short.
    household = [[0, 0, 0, 1, 1, 1, 0, 0, 0, 0]]
    r = alkire_foster(household, weights=MPI_WEIGHTS, k=1 / 3)
    assert (r.H, r.A, r.M0) == (0.0, 0.0, 0.0)
    assert_array_equal(r.contribution, np.zeros(10))
    assert_allclose(r.uncensored_headcount.sum(), 3.0)
    assert r.censored_headcount.sum() == 0.0


def test_rounded_indicator_weights_are_accepted_and_rescaled():
    weights = [0.1666667] * 4 + [0.0555556] * 6  # sums to 1.0000004
    r = alkire_foster(MPI_TABLE, weights=weights, k=1 / 3, population_weights=MPI_SIZE)
    assert_allclose(r.M0, 0.45, rtol=1e-6)
    assert_allclose(r.contribution.sum(), 1.0, **EXACT)
    # Rescaled to sum to 1, so deprived in everything still reaches k = 1 (0.9999999 would not).
    assert alkire_foster([[1, 1, 1]], weights=[0.3333333] * 3, k=1).H == 1.0


# --- Properties on random registers -------------------------------------------------------------


def random_register(seed, n=400, d=6):
    rng = np.random.default_rng(seed)
    cutoffs = rng.uniform(1, 10, size=d)
    achievements = rng.uniform(0, 12, size=(n, d))
    weights = rng.dirichlet(np.ones(d))
    size = rng.integers(1, 9, size=n)
    groups = rng.choice(["32.04.01", "32.04.02", "32.04.03", "32.04.04"], size=n)
    return achievements, cutoffs, weights, size, groups


@pytest.mark.parametrize("seed", range(5))
def test_contributions_sum_to_one(seed):
    x, z, w, size, _ = random_register(seed)
    r = alkire_foster(achievements=x, cutoffs=z, weights=w, k=0.3, population_weights=size)
    assert r.M0 > 0
    assert_allclose(r.contribution.sum(), 1.0, **EXACT)
    assert_allclose(r.M0, r.H * r.A, **EXACT)
    assert r.H >= r.M0 >= r.M1 >= r.M2 >= 0
    assert np.all(r.censored_headcount <= r.uncensored_headcount)


@pytest.mark.parametrize("seed", range(3))
def test_population_weights_of_ones_equal_unweighted(seed):
    x, z, w, _, _ = random_register(seed)
    weighted = alkire_foster(
        achievements=x, cutoffs=z, weights=w, k=0.4, population_weights=np.ones(len(x))
    )
    unweighted = alkire_foster(achievements=x, cutoffs=z, weights=w, k=0.4)
    for name in ("H", "A", "M0", "M1", "M2"):
        assert_allclose(getattr(weighted, name), getattr(unweighted, name), **EXACT)
    assert_allclose(weighted.censored_headcount, unweighted.censored_headcount, **EXACT)


def test_replicating_a_unit_equals_population_weight_two():
    x, z, w, _, _ = random_register(7, n=50)
    replicated = alkire_foster(achievements=np.vstack([x, x[:1]]), cutoffs=z, weights=w, k=0.3)
    doubled = np.ones(len(x))
    doubled[0] = 2
    weighted = alkire_foster(
        achievements=x, cutoffs=z, weights=w, k=0.3, population_weights=doubled
    )
    for name in ("H", "A", "M0", "M1", "M2"):
        assert_allclose(getattr(weighted, name), getattr(replicated, name), **EXACT)
    assert_allclose(weighted.contribution, replicated.contribution, **EXACT)


def test_nobody_poor_gives_zeros_not_nan():
    r = alkire_foster([[0, 0], [1, 0]], weights=[0.5, 0.5], k=1)
    assert (r.H, r.A, r.M0) == (0.0, 0.0, 0.0)
    assert_array_equal(r.contribution, [0.0, 0.0])
    assert_array_equal(r.uncensored_headcount, [0.5, 0.0])


def test_result_is_frozen():
    r = alkire_foster(AF_G0, weights=EQUAL4, k=0.5)
    with pytest.raises(AttributeError):
        r.H = 0.0
    with pytest.raises(ValueError, match="read-only"):
        r.poor[0] = True


# --- Subgroup decomposition --------------------------------------------------------------------


@pytest.mark.parametrize("seed", range(5))
def test_subgroup_m0_weighted_by_population_share_sums_to_total(seed):
    x, z, w, size, kecamatan = random_register(seed)
    r = alkire_foster_by_group(
        achievements=x, cutoffs=z, weights=w, k=0.3, population_weights=size, groups=kecamatan
    )
    assert_array_equal(r.groups, ["32.04.01", "32.04.02", "32.04.03", "32.04.04"])
    assert_allclose(r.population_share.sum(), 1.0, **EXACT)
    assert_allclose(r.population_share @ r.M0, r.total.M0, **EXACT)
    assert_allclose(r.population_share @ r.H, r.total.H, **EXACT)
    assert_allclose(r.contribution.sum(), 1.0, **EXACT)
    assert_allclose(r.M0, r.H * r.A, **EXACT)


@pytest.mark.parametrize("seed", range(3))
def test_each_subgroup_equals_the_measure_on_that_subgroup_alone(seed):
    x, z, w, size, kecamatan = random_register(seed)
    r = alkire_foster_by_group(
        achievements=x, cutoffs=z, weights=w, k=0.3, population_weights=size, groups=kecamatan
    )
    for i, label in enumerate(r.groups):
        rows = kecamatan == label
        alone = alkire_foster(
            achievements=x[rows], cutoffs=z, weights=w, k=0.3, population_weights=size[rows]
        )
        assert_allclose([r.H[i], r.A[i], r.M0[i]], [alone.H, alone.A, alone.M0], **EXACT)
        assert_allclose(r.population_share[i], size[rows].sum() / size.sum(), **EXACT)


def test_subgroups_of_the_global_mpi_example():
    # Households 1 and 2 urban (4 + 7 = 11 persons), 3 and 4 rural (5 + 4 = 9 persons).
    # Urban: poor = household 2, H = 7/11, A = 13/18, M0 = 7/11 * 13/18 = 91/198.
    # Rural: both poor, H = 1, A = (5 * 7/18 + 4 * 1/2) / 9 = (35 + 36) / 162 = 71/162 = M0.
    # Check: 11/20 * 91/198 + 9/20 * 71/162 = 91/360 + 71/360 = 162/360 = 9/20.
    # Contribution to M0: urban (91/360) / (9/20) = 91/162, rural 71/162.
    r = alkire_foster_by_group(
        MPI_TABLE,
        weights=MPI_WEIGHTS,
        k=1 / 3,
        population_weights=MPI_SIZE,
        groups=pa.array(["urban", "urban", "rural", "rural"]),
    )
    assert r.groups.tolist() == ["rural", "urban"]
    assert_allclose(r.population_share, floats(F(9, 20), F(11, 20)), **EXACT)
    assert_allclose(r.H, floats(F(1), F(7, 11)), **EXACT)
    assert_allclose(r.A, floats(F(71, 162), F(13, 18)), **EXACT)
    assert_allclose(r.M0, floats(F(71, 162), F(91, 198)), **EXACT)
    assert_allclose(r.contribution, floats(F(71, 162), F(91, 162)), **EXACT)
    assert_allclose(r.total.M0, 0.45, **EXACT)


def test_group_with_no_poor_and_integer_labels():
    r = alkire_foster_by_group(AF_G0, weights=EQUAL4, k=0.5, groups=[1, 2, 2, 1])
    assert r.groups.tolist() == [1, 2]
    assert_allclose(r.H, [0.0, 1.0], **EXACT)
    assert_allclose(r.A, [0.0, 0.75], **EXACT)
    assert_allclose(r.contribution, [0.0, 1.0], **EXACT)


@pytest.mark.parametrize(
    ("groups", "message"),
    [
        (["a", None, "b", "a"], ERR_GROUPS_MISSING),
        ([1.0, float("nan"), 2.0, 1.0], ERR_GROUPS_MISSING),
        (np.array(["a", float("nan"), "b", "a"], dtype=object), ERR_GROUPS_MISSING),
        (pa.array(["a", None, "b", "a"]), ERR_GROUPS_MISSING),
        (np.array(["a", 1, "b", "a"], dtype=object), ERR_GROUPS_MIXED),
        (["a", "b"], ERR_LENGTH),
        ([["a", "b", "a", "b"]], ERR_NOT_1D),
    ],
)
def test_by_group_rejects_bad_labels(groups, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        alkire_foster_by_group(AF_G0, weights=EQUAL4, k=0.5, groups=groups)


# --- Bad input ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({}, ERR_NO_INPUT),
        ({"deprivations": AF_G0, "achievements": AF_Y, "cutoffs": AF_Z}, ERR_ONE_INPUT),
        ({"achievements": AF_Y}, ERR_CUTOFFS_MISSING),
        ({"deprivations": AF_G0, "cutoffs": AF_Z}, ERR_CUTOFFS_WITHOUT_ACHIEVEMENTS),
        ({"deprivations": [[0, 2, 0, 0]]}, ERR_NOT_BINARY),
        ({"deprivations": [[0, 0.5, 0, 0]]}, ERR_NOT_BINARY),
        ({"deprivations": [[0, float("nan"), 0, 0]]}, ERR_NOT_FINITE),
        ({"deprivations": [0, 1, 0, 0]}, ERR_NOT_2D),
        ({"deprivations": np.zeros((0, 4))}, ERR_EMPTY),
        ({"deprivations": [[0, 1, 0]]}, ERR_LENGTH),
        ({"achievements": AF_Y, "cutoffs": [13, 12, 3]}, ERR_LENGTH),
        ({"achievements": AF_Y, "cutoffs": [13, 12, 3, 0]}, ERR_CUTOFFS),
        ({"achievements": [[-1, 14, 4, 1]], "cutoffs": AF_Z}, ERR_NEGATIVE),
        ({"achievements": [[1, 14, 4, None]], "cutoffs": AF_Z}, ERR_NOT_FINITE),
        ({"deprivations": AF_G0, "weights": [0.25, 0.25, 0.25, 0.2]}, ERR_WEIGHTS_SUM),
        ({"deprivations": AF_G0, "weights": [0.5, 0.5, 0.5, -0.5]}, ERR_NEGATIVE),
        ({"deprivations": AF_G0, "k": 0}, ERR_K),
        ({"deprivations": AF_G0, "k": 2}, ERR_K),
        ({"deprivations": AF_G0, "k": float("nan")}, ERR_K),
        ({"deprivations": AF_G0, "population_weights": [1, 1, 1]}, ERR_LENGTH),
        ({"deprivations": AF_G0, "population_weights": [1, -1, 1, 1]}, ERR_NEGATIVE),
        ({"deprivations": AF_G0, "population_weights": [0, 0, 0, 0]}, ERR_ZERO_TOTAL),
    ],
)
def test_alkire_foster_rejects_bad_input(kwargs, message):
    kwargs = {"weights": EQUAL4, "k": 0.5, **kwargs}
    with pytest.raises(ValueError, match=re.escape(message)):
        alkire_foster(**kwargs)


def test_measures_module_does_not_import_django():
    # The module must stay usable outside Django (workers, notebooks, the CLI).
    code = "import sys, konvergen.analytics.measures; print('django' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
