"""The scorecard engine against hand-worked cases (and the module's own docstring examples)."""

import doctest
import math
import re
from decimal import Decimal

import pytest

from konvergen.scorecards import engine
from konvergen.scorecards.engine import (
    ACHIEVEMENT,
    GROUP,
    MINMAX,
    ON_TIME,
    RATIO,
    TO_BEST,
    VALUE,
    Criterion,
    CriterionScore,
    Scorecard,
    awards,
    competition_ranks,
    local_agency_scorecard,
    minmax,
    pmk_97_2023,
    ratio,
    reweight,
    score_peers,
    to_best,
)


def test_docstring_examples():
    result = doctest.testmod(engine)
    assert result.attempted > 0 and result.failed == 0


def one(rule, **kwargs) -> Scorecard:
    """A scorecard of a single criterion ``x``."""
    return Scorecard("t", "Test", (Criterion("x", "X", rule, 1, **kwargs),))


def scores_of(rows) -> dict:
    return {row.peer: row.score for row in rows}


def ranks_of(rows) -> dict:
    return {row.peer: row.rank for row in rows}


# --- Rules --------------------------------------------------------------------------------


@pytest.mark.parametrize(("realised", "target", "cap", "expected"), [
    (45, 50, None, 90.0),        # 45 / 50 x 100
    (120, 100, None, 120.0),     # over-achievement kept without a cap
    (120, 100, 100, 100.0),      # ... and cut at the cap
    (80, 100, 100, 80.0),        # a cap above the value changes nothing
    (5, 0, None, None),          # a zero target cannot be divided by
    (5, None, None, None),
    (None, 10, None, None),
])
def test_ratio(realised, target, cap, expected):
    assert ratio(realised, target, cap) == expected


def test_ratio_without_target_scores_zero_and_is_flagged():
    rows = score_peers(
        one(RATIO),
        {"A": {"x": 50}, "B": {"x": 5}, "C": {"x": 7}},
        targets={"A": {"x": 200}, "B": {"x": 0}},
    )
    by_peer = {row.peer: row.criteria["x"] for row in rows}
    assert by_peer["A"] == CriterionScore(raw=50.0, score=25.0, missing=False, target=200.0)
    # B's target is 0 and C has none: the raw value is kept, the score is 0, flagged.
    assert by_peer["B"] == CriterionScore(raw=5.0, score=0.0, missing=True, target=0.0)
    assert by_peer["C"] == CriterionScore(raw=7.0, score=0.0, missing=True, target=None)


def test_achievement_reuses_the_targets_engine_with_polarity():
    card = Scorecard("t", "Test", (
        Criterion("p0", "P0", ACHIEVEMENT, 1, polarity="lower"),
        Criterion("ipm", "IPM", ACHIEVEMENT, 1, polarity="higher", cap=100),
    ))
    rows = score_peers(
        card,
        {"Garut": {"p0": 6.6, "ipm": 84.0}},
        targets={"Garut": {"p0": 6.0, "ipm": 80.0}},
    )
    garut = rows[0].criteria
    # Lower is better: (2 x 6.0 - 6.6) / 6.0 x 100 = 90.
    assert garut["p0"].score == pytest.approx(90.0)
    # Higher is better: 84 / 80 x 100 = 105, capped at 100.
    assert garut["ipm"].score == 100.0 and garut["ipm"].raw == 84.0
    # Total: (90 + 100) / 2 = 95.
    assert rows[0].score == pytest.approx(95.0)


def test_on_time_yes_no_and_not_reported():
    rows = score_peers(one(ON_TIME), {"A": {"x": True}, "B": {"x": False}, "C": {"x": None},
                                      "D": {"x": 1}, "E": {}})
    assert scores_of(rows) == {"A": 100.0, "D": 100.0, "B": 0.0, "C": 0.0, "E": 0.0}
    # Not reported is a no, and flagged so the secretariat can chase the answer.
    assert {row.peer: row.criteria["x"].missing for row in rows} == {
        "A": False, "D": False, "B": False, "C": True, "E": True}


def test_to_best_normalises_to_the_best_peer():
    # Xmax = 8: 8 -> 100, 6 -> 75, 2 -> 25, 0 -> 0.
    assert to_best({"a": 8.0, "b": 6.0, "c": 2.0, "d": 0.0}) == {
        "a": 100.0, "b": 75.0, "c": 25.0, "d": 0.0}
    # Everybody at zero: nobody is "best", all score 0.
    assert to_best({"a": 0.0, "b": 0.0}) == {"a": 0.0, "b": 0.0}
    assert to_best({}) == {}


def test_minmax_spans_worst_to_best():
    # Xmin = 2, Xmax = 8, spread 6: 8 -> 100, 6 -> 4/6 = 66.67, 2 -> 0.
    result = minmax({"a": 8.0, "b": 6.0, "c": 2.0})
    assert result == pytest.approx({"a": 100.0, "b": 66.666666667, "c": 0.0})
    # Lower is better turns it round: 2 -> 100, 6 -> 2/6 = 33.33, 8 -> 0.
    result = minmax({"a": 8.0, "b": 6.0, "c": 2.0}, polarity="lower")
    assert result == pytest.approx({"a": 0.0, "b": 33.333333333, "c": 100.0})
    # No spread: every peer is the best one.
    assert minmax({"a": 3.0, "b": 3.0}) == {"a": 100.0, "b": 100.0}


def test_relative_rules_leave_missing_peers_out_of_the_extremes():
    values = {"A": {"x": 4.0}, "B": {"x": 2.0}, "C": {"x": None}, "D": {"x": float("nan")}}
    best = score_peers(one(TO_BEST), values)
    # Xmax = 4 among A and B; C (None) and D (NaN) score 0, flagged.
    assert scores_of(best) == {"A": 100.0, "B": 50.0, "C": 0.0, "D": 0.0}
    assert [row.missing for row in best] == [(), (), ("x",), ("x",)]
    spread = score_peers(one(MINMAX), values)
    # Xmin = 2 and Xmax = 4 among A and B: B is the worst with data and scores 0, as do C, D.
    assert scores_of(spread) == {"A": 100.0, "B": 0.0, "C": 0.0, "D": 0.0}
    assert ranks_of(spread) == {"A": 1, "B": 2, "C": 2, "D": 2}


def test_value_rule_passes_the_number_through_with_an_optional_cap():
    rows = score_peers(one(VALUE, cap=100), {"A": {"x": 72.5}, "B": {"x": Decimal("130")}})
    assert scores_of(rows) == {"B": 100.0, "A": 72.5}
    assert rows[0].criteria["x"].raw == 130.0


# --- Weights and groups ----------------------------------------------------------------------


def test_score_is_the_weighted_mean_in_any_weight_scale():
    values = {"A": {"k": 80.0, "b": 60.0}, "B": {"k": 50.0, "b": 100.0}}
    percent = Scorecard("p", "Percent", (Criterion("k", "K", VALUE, 70),
                                         Criterion("b", "B", VALUE, 30)))
    fraction = reweight(percent, {"k": 0.7, "b": 0.3})
    # A: 0.7 x 80 + 0.3 x 60 = 56 + 18 = 74; B: 0.7 x 50 + 0.3 x 100 = 35 + 30 = 65.
    for card in (percent, fraction):
        assert scores_of(score_peers(card, values)) == pytest.approx({"A": 74.0, "B": 65.0})


def test_a_group_scores_the_weighted_mean_of_its_children():
    card = Scorecard("g", "Groups", (
        Criterion("docs", "Documents", GROUP, 60, children=(
            Criterion("sk", "Decree", ON_TIME, 3),
            Criterion("annex", "Annex", ON_TIME, 1),
        )),
        Criterion("budget", "Budget", VALUE, 40),
    ))
    rows = score_peers(card, {"A": {"sk": True, "annex": False, "budget": 50.0}})
    a = rows[0]
    # docs: (3 x 100 + 1 x 0) / 4 = 75; total: (60 x 75 + 40 x 50) / 100 = 45 + 20 = 65.
    assert a.criteria["docs"] == CriterionScore(raw=75.0, score=75.0, missing=False)
    assert a.score == pytest.approx(65.0)


def test_zero_weight_criteria_are_shown_but_do_not_count():
    card = Scorecard("z", "Zero", (Criterion("a", "A", VALUE, 1), Criterion("b", "B", VALUE, 0)))
    rows = score_peers(card, {"P": {"a": 40.0, "b": 100.0}})
    assert rows[0].score == 40.0 and rows[0].criteria["b"].score == 100.0


# --- The PMK 97/2023 preset -----------------------------------------------------------------

# Four kab/kota. Spending: percent of the spending budget realised under each tag.
PMK_VALUES = {
    "3201": {"spending_direct": 4.0, "spending_indirect": 2.0, "spending_support": 1.0,
             "decree": True, "verified_data": True, "report_q1": True, "report_q2": True},
    "3202": {"spending_direct": 2.0, "spending_indirect": 4.0, "spending_support": 2.0,
             "decree": True, "verified_data": False, "report_q1": True, "report_q2": False},
    "3203": {"spending_direct": 1.0, "spending_indirect": 1.0, "spending_support": 4.0,
             "decree": False, "verified_data": False, "report_q1": None, "report_q2": True},
    # No spending data at all; every compliance item done.
    "3204": {"decree": True, "verified_data": True, "report_q1": True, "report_q2": True},
}
PMK_NAMES = {"3201": "Kab. Bogor", "3202": "Kab. Sukabumi", "3203": "Kab. Cianjur",
             "3204": "Kab. Bandung"}


def test_pmk_97_2023_normalises_the_weighted_sum_of_spending():
    rows = score_peers(pmk_97_2023(), PMK_VALUES, names=PMK_NAMES)
    by_peer = {row.peer: row for row in rows}
    # Spending, Art. 3(3): X = 0.5 direct + 0.3 indirect + 0.2 support, then X / Xmax x 100.
    #   3201: 2.0 + 0.6 + 0.2 = 2.8 (Xmax) -> 100
    #   3202: 1.0 + 1.2 + 0.4 = 2.6        -> 2.6 / 2.8 = 92.857
    #   3203: 0.5 + 0.3 + 0.8 = 1.6        -> 1.6 / 2.8 = 57.143
    #   3204: no data = 0                   -> 0 (flagged)
    spending = {peer: (row.criteria["spending"].raw, row.criteria["spending"].score)
                for peer, row in by_peer.items()}
    assert spending == {
        "3201": pytest.approx((2.8, 100.0)), "3202": pytest.approx((2.6, 92.857142857)),
        "3203": pytest.approx((1.6, 57.142857143)), "3204": (0.0, 0.0)}
    # Compliance: SK 35, annex 35, Q1 15, Q2 15.
    #   3201: all = 100; 3202: SK + Q1 = 50; 3203: Q2 only = 15 (Q1 not reported); 3204: 100.
    compliance = {peer: row.criteria["compliance"].score for peer, row in by_peer.items()}
    assert compliance == {"3201": 100.0, "3202": 50.0, "3203": 15.0, "3204": 100.0}
    # Total with the assumed 50/50 between the components:
    #   3201: (100 + 100) / 2 = 100;  3202: (92.857 + 50) / 2 = 71.429
    #   3204: (0 + 100) / 2 = 50;     3203: (57.143 + 15) / 2 = 36.071
    assert [(row.peer, row.rank) for row in rows] == [
        ("3201", 1), ("3202", 2), ("3204", 3), ("3203", 4)]
    assert scores_of(rows) == pytest.approx(
        {"3201": 100.0, "3202": 71.428571429, "3204": 50.0, "3203": 36.071428571})
    assert by_peer["3204"].missing == ("spending_direct", "spending_indirect", "spending_support")
    assert by_peer["3204"].criteria["spending"].missing
    assert by_peer["3203"].missing == ("report_q1",)
    assert by_peer["3201"].name == "Kab. Bogor"


def test_pmk_97_2023_each_tag_normalised_first_as_the_issue_described():
    rows = score_peers(pmk_97_2023(spending_normalisation="each"), PMK_VALUES)
    # Each tag to its own best (Xmax = 4 for all three):
    #   3201: direct 100, indirect 50,  support 25  -> 0.5x100 + 0.3x50  + 0.2x25  = 70
    #   3202: direct 50,  indirect 100, support 50  -> 25 + 30 + 10                = 65
    #   3203: direct 25,  indirect 25,  support 100 -> 12.5 + 7.5 + 20             = 40
    #   3204: 0
    # Totals (50/50 with compliance): 85, 57.5, 27.5, 50 -- not the numbers of Art. 3(3).
    assert scores_of(rows) == pytest.approx(
        {"3201": 85.0, "3202": 57.5, "3204": 50.0, "3203": 27.5})


def test_pmk_97_2023_component_weights_are_parameters():
    card = pmk_97_2023(spending_weight=60, compliance_weight=40, performance_weight=0)
    values = {peer: dict(row) for peer, row in PMK_VALUES.items()}
    rows = score_peers(card, values)
    # 3202: 0.6 x 92.857 + 0.4 x 50 = 55.714 + 20 = 75.714.
    assert scores_of(rows)["3202"] == pytest.approx(75.714285714)
    # The third datum of Art. 3(2)(c), when weighted, is a 0-100 score given from elsewhere.
    card = pmk_97_2023(performance_weight=20)
    assert [c.key for c in card.criteria] == ["spending", "compliance", "poverty_performance"]
    values["3202"]["poverty_performance"] = 80.0
    # 3202: (50 x 92.857 + 50 x 50 + 20 x 80) / 120 = (4642.857 + 2500 + 1600) / 120 = 72.857.
    assert scores_of(score_peers(card, values))["3202"] == pytest.approx(72.857142857)


def test_pmk_97_2023_rejects_an_unknown_normalisation():
    with pytest.raises(ValueError, match="spending_normalisation"):
        pmk_97_2023(spending_normalisation="median")


# --- The local agency preset -----------------------------------------------------------------


def test_local_agency_scorecard_hand_worked():
    values = {
        "dinsos": {"output": 45, "budget": 800, "report_q1": True, "report_q2": True,
                   "report_q3": True, "report_q4": False, "target_group": 90, "desil_1_2": 60},
        "dinkes": {"output": 60, "budget": 1000, "report_q1": True, "report_q2": True,
                   "report_q3": True, "report_q4": True, "target_group": 50, "desil_1_2": 30},
        "dpmd": {"output": None, "budget": 500, "report_q1": True, "report_q2": True,
                 "target_group": 100, "desil_1_2": 100},
    }
    common = {"output": 50, "budget": 1000, "target_group": 100, "desil_1_2": 100}
    targets = {peer: common for peer in values}
    rows = score_peers(local_agency_scorecard(), values, targets=targets,
                       names={"dinsos": "Dinas Sosial", "dinkes": "Dinas Kesehatan",
                              "dpmd": "Dinas PMD"})
    # Weights K 30, Rp 20, reports 20, target group 15, desil 1-2 15.
    # dinsos: K 45/50 = 90; Rp 80; reports 3 of 4 = 75; target group 90; desil 60
    #         0.3x90 + 0.2x80 + 0.2x75 + 0.15x90 + 0.15x60 = 27 + 16 + 15 + 13.5 + 9 = 80.5
    # dinkes: K 60/50 = 120 capped at 100; Rp 100; reports 100; target group 50; desil 30
    #         30 + 20 + 20 + 7.5 + 4.5 = 82
    # dpmd:   K missing = 0; Rp 50; reports 2 of 4 = 50; 100; 100
    #         0 + 10 + 10 + 15 + 15 = 50
    assert [(row.peer, row.rank) for row in rows] == [("dinkes", 1), ("dinsos", 2), ("dpmd", 3)]
    assert scores_of(rows) == pytest.approx({"dinkes": 82.0, "dinsos": 80.5, "dpmd": 50.0})
    by_peer = {row.peer: row for row in rows}
    assert by_peer["dinkes"].criteria["output"] == CriterionScore(
        raw=60.0, score=100.0, missing=False, target=50.0)
    assert by_peer["dinsos"].criteria["reports"].score == 75.0
    assert by_peer["dpmd"].missing == ("output", "report_q3", "report_q4")


def test_local_agency_scorecard_counts_only_the_quarters_due():
    card = local_agency_scorecard(quarters=2)
    rows = score_peers(card, {"dpmd": {"report_q1": True, "report_q2": True}})
    assert rows[0].criteria["reports"].score == 100.0
    with pytest.raises(ValueError, match="quarters"):
        local_agency_scorecard(quarters=5)


# --- Ranking and awards ----------------------------------------------------------------------


def test_standard_competition_ranking_with_ties():
    rows = score_peers(one(VALUE), {"Garut": {"x": 80}, "Bogor": {"x": 90},
                                    "Cianjur": {"x": 80}, "Depok": {"x": 70}})
    # 90, 80, 80, 70 -> 1, 2, 2, 4; the tied pair listed by name.
    assert [(row.peer, row.rank) for row in rows] == [
        ("Bogor", 1), ("Cianjur", 2), ("Garut", 2), ("Depok", 4)]


def test_equal_scores_tie_despite_float_noise():
    assert 0.1 + 0.2 != 0.3
    assert competition_ranks({"a": 0.1 + 0.2, "b": 0.3, "c": 0.2}) == {"a": 1, "b": 1, "c": 3}


def test_ties_are_ordered_by_name_not_by_id():
    names = {"3273": "Kota Bandung", "3201": "Kab. Bogor"}
    rows = score_peers(one(VALUE), {"3273": {"x": 50}, "3201": {"x": 50}}, names=names)
    assert [(row.name, row.rank) for row in rows] == [("Kab. Bogor", 1), ("Kota Bandung", 1)]


def test_a_peer_without_data_is_never_ranked_above_one_with_data():
    card = Scorecard("t", "T", (Criterion("a", "A", VALUE, 1), Criterion("b", "B", VALUE, 1)))
    rows = score_peers(card, {"Sumedang": {"a": 10.0, "b": None}}, peers=["Anyer", "Sumedang"])
    # Anyer is listed but has no values: 0, all flagged; Sumedang (10 + 0) / 2 = 5.
    assert [(row.peer, row.score, row.rank, row.has_data) for row in rows] == [
        ("Sumedang", 5.0, 1, True), ("Anyer", 0.0, 2, False)]
    assert rows[1].missing == ("a", "b")


def test_rankings_per_group():
    values = {"Dinsos": {"x": 90}, "Dinkes": {"x": 70}, "Disdik": {"x": 80},
              "Bappeda": {"x": 60}, "DPMD": {"x": 95}}
    strategy = {"Dinsos": "reduce burden", "Dinkes": "reduce burden", "Disdik": "reduce burden",
                "Bappeda": "raise income", "DPMD": "raise income"}
    rows = score_peers(one(VALUE), values, groups=strategy)
    assert [(row.group, row.peer, row.rank) for row in rows] == [
        ("raise income", "DPMD", 1), ("raise income", "Bappeda", 2),
        ("reduce burden", "Dinsos", 1), ("reduce burden", "Disdik", 2),
        ("reduce burden", "Dinkes", 3)]


def test_awards_top_n_per_group_with_shared_places():
    values = {"A": {"x": 90}, "B": {"x": 80}, "C": {"x": 80}, "D": {"x": 70}, "E": {"x": 60},
              "F": {"x": 50}, "G": {"x": 40}}
    groups = {"A": "kabupaten", "B": "kabupaten", "C": "kabupaten", "D": "kabupaten",
              "E": "kota", "F": "kota", "G": "kota"}
    rows = score_peers(one(VALUE), values, groups=groups)
    won = awards(rows, top=2)
    # Kabupaten 90, 80, 80, 70 -> ranks 1, 2, 2, 4: the two at rank 2 share the 2nd place.
    assert [(row.peer, row.rank, row.score) for row in won["kabupaten"]] == [
        ("A", 1, 90.0), ("B", 2, 80.0), ("C", 2, 80.0)]
    assert [row.peer for row in won["kota"]] == ["E", "F"]
    # A number per group (PMK 97/2023 awards a different number of kota and kabupaten).
    won = awards(rows, top=3, top_by_group={"kota": 1})
    assert [row.peer for row in won["kota"]] == ["E"]
    assert [row.peer for row in won["kabupaten"]] == ["A", "B", "C"]


def test_awards_default_to_three_and_skip_peers_without_data():
    rows = score_peers(one(VALUE), {"A": {"x": 10}, "B": {"x": 0}},
                       peers=["A", "B", "C", "D", "E"])
    won = awards(rows)
    # B has data (a real 0) and ties with C, D, E (no data) at rank 2: only B is awarded.
    assert [(row.peer, row.rank) for row in won[None]] == [("A", 1), ("B", 2)]
    with pytest.raises(ValueError, match="at least 0"):
        awards(rows, top=-1)


# --- Validation ------------------------------------------------------------------------------


@pytest.mark.parametrize(("build", "message"), [
    (lambda: Scorecard("x", "Empty", ()), engine.ERR_EMPTY_SCORECARD),
    (lambda: Criterion("k", "K", VALUE, -5), "a weight must be a finite number of at least 0"),
    (lambda: Criterion("k", "K", VALUE, math.nan), "a weight must be a finite number"),
    (lambda: Criterion("k", "K", VALUE, True), "a weight must be a finite number"),
    (lambda: Scorecard("x", "Zero", (Criterion("k", "K", VALUE, 0),)), "add up to 0"),
    (lambda: Criterion("g", "G", GROUP, 1), "needs at least one sub-criterion"),
    (lambda: Criterion("g", "G", GROUP, 1, children=(Criterion("k", "K", VALUE, 0),)),
     "add up to 0"),
    (lambda: Criterion("g", "G", RATIO, 1, children=(Criterion("k", "K", VALUE, 1),)),
     "with sub-criteria must use one of"),
    (lambda: Criterion("k", "K", "median", 1), "unknown rule 'median'"),
    (lambda: Criterion("k", "K", ACHIEVEMENT, 1), "needs a polarity"),
    (lambda: Criterion("k", "K", ACHIEVEMENT, 1, polarity="up"), "unknown polarity"),
    (lambda: Criterion("k", "K", TO_BEST, 1, polarity="lower"), "use minmax"),
    (lambda: Criterion("k", "K", RATIO, 1, polarity="lower"), "takes no polarity"),
    (lambda: Criterion("k", "K", ON_TIME, 1, cap=100), "takes no cap"),
    (lambda: Criterion("k", "K", RATIO, 1, cap=0), "a cap must be a positive number"),
    (lambda: Scorecard("x", "Twice", (Criterion("k", "K", VALUE, 1),
                                      Criterion("g", "G", GROUP, 1, children=(
                                          Criterion("k", "K again", VALUE, 1),)))),
     "'k' is used more than once"),
    (lambda: reweight(local_agency_scorecard(), {"outputs": 10}), "no criterion 'outputs'"),
    (lambda: reweight(local_agency_scorecard(), {"output": -1}), "at least 0"),
])
def test_invalid_definitions_are_refused(build, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        build()


@pytest.mark.parametrize(("card", "values", "kwargs", "message"), [
    (one(VALUE), {"A": {"y": 1.0}}, {}, "has no criterion 'y' that takes a value"),
    (one(VALUE), {"A": {"x": 1.0}}, {"targets": {"A": {"x": 2.0}}},
     "has no criterion 'x' that takes a target"),
    (one(VALUE), {"A": {"x": 1.0}, "B": {"x": 2.0}}, {"peers": ["A"]},
     "peer 'B', which is not among the peers"),
    (one(VALUE), {"A": {"x": 1.0}}, {"groups": {}}, "peer 'A' has no group"),
    (one(RATIO), {"A": {"x": True}}, {"targets": {"A": {"x": 1.0}}}, "expected a number"),
    (one(VALUE), {"A": {"x": "12"}}, {}, "expected a number"),
    (one(VALUE), {"A": {"x": math.inf}}, {}, "expected a number"),
    (one(ON_TIME), {"A": {"x": "ya"}}, {}, "expected yes/no"),
    (one(ON_TIME), {"A": {"x": 2}}, {}, "expected yes/no"),
    (one(TO_BEST), {"A": {"x": -1.0}}, {}, "to_best needs values of at least 0"),
])
def test_invalid_inputs_are_refused(card, values, kwargs, message):
    with pytest.raises(ValueError, match=message):
        score_peers(card, values, **kwargs)


def test_reweight_changes_nested_weights_and_keeps_the_original():
    original = local_agency_scorecard()
    changed = reweight(original, {"report_q4": 0, "budget": 25})
    assert [c.weight for c in changed.criteria[2].children] == [1.0, 1.0, 1.0, 0.0]
    assert changed.criteria[1].weight == 25.0 and original.criteria[1].weight == 20.0
