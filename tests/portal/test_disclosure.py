"""Small-cell protection (``portal/disclosure.py``) against hand-worked tables, and a
brute-force check that no hidden count of a small table can be worked out from what is
shown: every hidden count that was small can take more than one value consistent with the
shown cells and the totals."""

import itertools
import random

import pytest

from konvergen.portal import disclosure
from konvergen.portal.selectors import protect


def test_a_lone_small_count_takes_the_smallest_other_member_with_it():
    values = {"a": 3, "b": 40, "c": 57, "total": 100}
    assert disclosure.suppress(values, 5, [("total", ["a", "b", "c"])]) == {"a", "b"}


def test_zero_is_shown_and_a_table_without_small_counts_is_untouched():
    values = {"a": 0, "b": 40, "c": 60, "total": 100}
    assert disclosure.suppress(values, 5, [("total", ["a", "b", "c"])]) == set()


def test_a_hidden_total_takes_a_member_with_it():
    # The total is small; its members are small too, so all hide: nothing to recover.
    assert disclosure.suppress({"a": 1, "b": 2, "t": 3}, 5, [("t", ["a", "b"])]) == {
        "a", "b", "t"}
    # Only the total is hidden by cost: a member must go too, or the total is their sum.
    hidden = disclosure.suppress({"a": 10, "b": 20, "t": 30, "x": 2, "y": 28},
                                 5, [("t", ["a", "b"]), ("t", ["x", "y"])])
    assert {"x", "y"} <= hidden or "t" in hidden
    assert all(len([c for c in group if c in hidden]) != 1
               for group in (["t", "a", "b"], ["t", "x", "y"]))


def test_a_cost_decides_which_cell_goes():
    values = {"fam": 100, "target": 97, "nontarget": 3}
    groups = [("fam", ["target", "nontarget"])]
    default = disclosure.suppress(values, 5, groups)
    assert default == {"nontarget", "target"}
    cheap_families = disclosure.suppress(
        values, 5, groups, cost=lambda key, _v: (0 if key == "fam" else 1,))
    assert cheap_families == {"nontarget", "fam"}


def test_k_of_one_or_less_hides_nothing():
    assert disclosure.suppress({"a": 1, "t": 1}, 1, [("t", ["a"])]) == set()


def _feasible(shown, bound):
    """Every table of 0…bound in the four inner cells that agrees with the shown cells
    (the totals follow from the inner cells)."""
    for r0, r1, u0, u1 in itertools.product(range(bound + 1), repeat=4):
        trial = {"r0": r0, "r1": r1, "u0": u0, "u1": u1, "t0": r0 + u0, "t1": r1 + u1,
                 "R": r0 + r1, "U": u0 + u1, "T": r0 + r1 + u0 + u1}
        if all(trial[c] == v for c, v in shown.items()):
            yield trial


@pytest.mark.parametrize("seed", range(12))
def test_no_hidden_small_count_can_be_recovered(seed):
    """Two desa × (reached, unreached) with their totals: random small tables, all
    assignments of the hidden cells enumerated."""
    rng = random.Random(seed)
    r = [rng.randint(0, 7) for _ in range(2)]
    u = [rng.randint(0, 7) for _ in range(2)]
    values = {"r0": r[0], "r1": r[1], "u0": u[0], "u1": u[1],
              "t0": r[0] + u[0], "t1": r[1] + u[1], "R": sum(r), "U": sum(u)}
    values["T"] = values["R"] + values["U"]
    groups = [("t0", ["r0", "u0"]), ("t1", ["r1", "u1"]), ("R", ["r0", "r1"]),
              ("U", ["u0", "u1"]), ("T", ["t0", "t1"]), ("T", ["R", "U"])]
    k = 3
    hidden = disclosure.suppress(values, k, groups)
    assert disclosure.primary(values, k) <= hidden
    if not hidden:
        return
    shown = {c: v for c, v in values.items() if c not in hidden}
    options = list(_feasible(shown, 14))
    assert values in options  # the truth is one of them
    for cell in disclosure.primary(values, k):
        assert len({o[cell] for o in options}) > 1, (values, hidden, cell)


def test_protect_hides_the_same_cell_in_every_table_it_belongs_to():
    """A kab/kota with one kecamatan of two desa; one desa has 2 target families reached
    by none. The figures are those of ``convergence.selectors.hierarchy_figures``."""
    def row(code, level, families, target, reached):
        return {"region_code": code, "level": level, "families": families,
                "target_families": target, "reached_families": reached,
                "unreached_families": target - reached}

    figures = {"regions": [
        row("32.04", 2, 300, 150, 100), row("32.04.05", 3, 300, 150, 100),
        row("32.04.05.2001", 4, 120, 60, 58), row("32.04.05.2002", 4, 180, 90, 42)],
        "needs": [{"region_code": "32.04", "indicator": "water", "target_deprived": 30,
                   "target_covered": 28}]}
    protected = protect(figures, 5)
    desa = protected["regions"]["32.04.05.2001"]
    assert desa["unreached"] is None and desa["reached_pct"] is None  # 2 < 5
    # Its reached count (or its target) goes too, else 60 − 58 gives the 2 back.
    assert desa["reached"] is None or desa["target"] is None
    # The other desa's unreached goes with it (the kecamatan's total is shown).
    assert protected["regions"]["32.04.05.2002"]["unreached"] is None
    kab = protected["regions"]["32.04"]
    assert kab["target"] == 150 and kab["families"] == 300
    # Needs: 30 lacking water, 28 reached: the 2 uncovered are protected.
    water = protected["needs"]["32.04"]["water"]
    assert water["deprived"] is None or water["covered"] is None
