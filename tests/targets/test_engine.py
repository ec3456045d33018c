"""The formulas against hand-worked cases (and the modules' own docstring examples)."""

import doctest

import pytest

from konvergen.targets import engine, official
from konvergen.targets.engine import Bands, achievement, parse_number, status, trajectory


@pytest.mark.parametrize("module", [engine, official])
def test_docstring_examples(module):
    result = doctest.testmod(module)
    assert result.attempted > 0 and result.failed == 0


@pytest.mark.parametrize(("realised", "target", "polarity", "expected"), [
    # Lower is better: (2T - R) / T x 100.
    (6.0, 6.0, "lower", 100.0),          # exactly on target
    (5.4, 6.0, "lower", 110.0),          # (12 - 5.4) / 6 = 1.10
    (6.6, 6.0, "lower", 90.0),           # (12 - 6.6) / 6 = 0.90
    (13.0, 6.0, "lower", -16.666666666666664),  # more than twice the target: below zero
    (0.5, 0.0, "lower", 0.0),            # a zero target not reached
    # Higher is better: R / T x 100.
    (72.0, 80.0, "higher", 90.0),
    (84.0, 80.0, "higher", 105.0),
])
def test_achievement(realised, target, polarity, expected):
    assert achievement(realised, target, polarity) == pytest.approx(expected)


def test_achievement_needs_both_numbers_and_a_polarity():
    assert achievement(None, 5, "lower") is None and achievement(5, None, "higher") is None
    with pytest.raises(ValueError):
        achievement(1, 1, "sideways")


def test_trajectory_from_baseline_through_targets():
    # P0 6.71 in 2024 (baseline) -> 5.00 in 2029: 0.342 points a year.
    path = trajectory({2024: 6.71, 2029: 5.0}, range(2023, 2031))
    assert path[2023] is None and path[2030] is None
    assert [round(path[y], 3) for y in range(2024, 2030)] == [
        6.71, 6.368, 6.026, 5.684, 5.342, 5.0]
    # An intermediate target bends the line: 2024 10 -> 2026 9 -> 2029 6.
    bent = trajectory({2029: 6.0, 2024: 10.0, 2026: 9.0}, [2025, 2027, 2028])
    assert bent == {2025: 9.5, 2027: 8.0, 2028: 7.0}
    assert trajectory({}, [2024]) == {2024: None}


def test_status_bands():
    bands = Bands(on_track=100, attention=90)
    assert status(100.0, bands) == "on_track"
    assert status(95.0, bands) == "attention"
    assert status(89.9, bands) == "off_track"
    assert status(None, bands) is None
    assert status(96.0, Bands(on_track=95, attention=80)) == "on_track"
    with pytest.raises(ValueError):
        Bands(on_track=90, attention=95)


def test_worked_example_of_the_docs():
    """docs/targets.md: P0 6.71 (2024) -> 5.00 (2029); in 2026 BPS reports 6.20."""
    path = trajectory({2024: 6.71, 2029: 5.0}, [2026])
    assert path[2026] == pytest.approx(6.026)
    on_track = achievement(6.20, path[2026], "lower")
    assert on_track == pytest.approx((2 * 6.026 - 6.20) / 6.026 * 100)
    assert round(on_track, 1) == 97.1
    assert status(on_track, Bands()) == "attention"


@pytest.mark.parametrize(("text", "number"), [
    ("18,98", 18.98), ("6.71", 6.71), ("589165", 589165.0), ("1.234.567", 1234567.0),
    ("1,234,567", 1234567.0), ("1.234,5", 1234.5), ("1,234.5", 1234.5), ("-0,5", -0.5),
    ("Rp 589.165,00", 589165.0), ("12 %", 12.0),
])
def test_numbers_as_written(text, number):
    assert parse_number(text) == number


@pytest.mark.parametrize("text", ["tujuh", "", "1,2,3.4.5", "7.15a", "inf"])
def test_not_numbers(text):
    with pytest.raises(ValueError):
        parse_number(text)
