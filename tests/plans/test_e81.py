"""The E.81 arithmetic against hand-worked cases."""

from decimal import Decimal as D

import pytest

from konvergen.plans import e81


def test_cumulative_and_percentages_worked_example():
    # Target 100 KK / Rp 400 jt; TW I 20 KK Rp 90 jt, TW II 30 KK Rp 110 jt, TW III 10 KK
    # Rp 50 jt. Up to TW III: 60 KK (60 %), Rp 250 jt (62.5 %). Period target 500 KK,
    # 150 realised before: 150 + 60 = 210 -> 42 %.
    f = e81.Figures(target_k=D(100), target_rp=D(400_000_000),
                    real_k=[D(20), D(30), D(10), D(40)],
                    real_rp=[D(90_000_000), D(110_000_000), D(50_000_000), D(1)],
                    q_target_k=[D(25)] * 4, q_target_rp=[D(100_000_000)] * 4,
                    period_target_k=D(500), prior_k=D(150))
    row = e81.compute(f, quarter=3)
    assert row.real_k == [D(20), D(30), D(10), None]  # TW IV not counted yet
    assert row.cum_k == D(60) and row.cum_rp == D(250_000_000)
    assert row.pct_k == D("60.00") and row.pct_rp == D("62.50")
    assert row.total_k == D(210) and row.total_pct_k == D("42.00")
    # Rp multi-year columns have no period target nor prior: left empty.
    assert row.total_rp is None and row.total_pct_rp is None
    # Against the quarterly targets up to TW III: 75 KK, Rp 300 jt.
    assert row.q_target_cum_k == D(75) and row.q_pct_k == D("80.00")
    assert row.q_pct_rp == D("83.33")
    full = e81.compute(f, quarter=4)
    assert full.cum_k == D(100) and full.pct_k == D("100.00")


def test_zero_and_missing_targets_give_no_percentage():
    row = e81.compute(e81.Figures(target_k=D(0), target_rp=None, real_k=[D(5), None, None,
                                                                           None]), 1)
    assert row.cum_k == D(5) and row.pct_k is None
    assert row.cum_rp is None and row.pct_rp is None


def test_missing_quarters_are_skipped_not_zero():
    row = e81.compute(e81.Figures(target_k=D(3), target_rp=D(3),
                                  real_k=[None, D(1), None, None],
                                  real_rp=[None, None, None, None]), 4)
    assert row.cum_k == D(1) and row.pct_k == D("33.33")
    assert row.cum_rp is None and row.pct_rp is None
    # Nothing reported at all: no realisation, no percentage (not 0 %).
    empty = e81.compute(e81.Figures(target_k=D(3), target_rp=D(3)), 2)
    assert empty.cum_k is None and empty.pct_k is None


def test_over_achievement_and_rounding():
    row = e81.compute(e81.Figures(target_k=D(3), target_rp=D(7),
                                  real_k=[D(2), D(2), None, None],
                                  real_rp=[D(1), D(0), None, None]), 2)
    assert row.pct_k == D("133.33")  # 4 / 3
    assert row.pct_rp == D("14.29")  # 1 / 7 = 14.2857 -> half-up


def test_totals_sum_budgets_only():
    a = e81.compute(e81.Figures(target_k=D(10), target_rp=D(100),
                                real_rp=[D(10), D(20), None, None], prior_rp=D(5),
                                period_target_rp=D(500)), 2)
    b = e81.compute(e81.Figures(target_k=D(1), target_rp=D(300),
                                real_rp=[None, D(30), None, None]), 2)
    t = e81.totals([a, b])
    assert t.target_rp == D(400) and t.real_rp == [D(10), D(50), None, None]
    assert t.cum_rp == D(60) and t.pct_rp == D("15.00")
    assert t.total_rp == D(35) and t.total_pct_rp == D("7.00")


def test_quarter_targets_must_add_up():
    assert e81.check_quarter_targets(D(100), [None] * 4) is None  # not split
    assert e81.check_quarter_targets(D(100), [D(25), D(25), D(25), D(25)]) is None
    assert e81.check_quarter_targets(D(100), [D(50), None, D(40), None]) == D(90)
    assert e81.check_quarter_targets(D(1), [D("0.33"), D("0.33"), D("0.33"), None],
                                     tolerance=e81.K_TOLERANCE) is None


def test_quarter_out_of_range():
    with pytest.raises(ValueError):
        e81.compute(e81.Figures(target_k=D(1), target_rp=D(1)), 5)
