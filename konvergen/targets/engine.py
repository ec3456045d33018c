"""Target arithmetic: achievement, trajectories, on-track bands and reading numbers.

Plain Python, no Django: the services and selectors hand in numbers and get numbers back,
so every formula here can be checked by hand (see ``docs/targets.md``).

Achievement of a realised value R against a target T, polarity-aware:

* higher is better (IPM, ...): ``R / T × 100``
* lower is better (P0, TPT, ...): ``(2T − R) / T × 100`` — reaching exactly T is 100 %, each
  point above T costs as much as a point below T would have earned.

>>> round(achievement(6.5, 6.0, "lower"), 2)
91.67
>>> achievement(72.0, 75.0, "higher")
96.0

A trajectory interpolates linearly between anchor years (the baseline and the target
years); years outside the anchors have no trajectory value:

>>> trajectory({2024: 6.71, 2029: 5.0}, range(2024, 2030))[2026]
6.026
>>> status(93.0, Bands())
'attention'
"""

import itertools
import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

HIGHER, LOWER = "higher", "lower"
ON_TRACK, ATTENTION, OFF_TRACK = "on_track", "attention", "off_track"

#: When a year has several BPS periods, the value that stands for the year: the annual
#: figure, else March (the kab/kota figures are March), else September.
PERIOD_PREFERENCE = ("", "maret", "september")


def achievement(realised: float | None, target: float | None, polarity: str) -> float | None:
    """Achievement in percent of ``realised`` against ``target``.

    A target of zero (e.g. 0 % extreme poverty) cannot be divided by: for lower-is-better
    the target counts as reached (100) when the realised value is at or below zero and as
    not reached (0) otherwise; for higher-is-better a zero target is always reached.

    >>> achievement(5.0, 5.0, "lower"), achievement(5.5, 5.0, "lower")
    (100.0, 90.0)
    >>> achievement(0.4, 0.0, "lower"), achievement(0.0, 0.0, "lower")
    (0.0, 100.0)
    >>> achievement(None, 5.0, "lower") is None
    True
    """
    if realised is None or target is None:
        return None
    if polarity not in (HIGHER, LOWER):
        raise ValueError(f"unknown polarity {polarity!r}")
    if target == 0:
        if polarity == LOWER:
            return 100.0 if realised <= 0 else 0.0
        return 100.0
    if polarity == HIGHER:
        return realised / target * 100
    return (2 * target - realised) / target * 100


def trajectory(anchors: Mapping[int, float], years: Iterable[int]) -> dict[int, float | None]:
    """The trajectory value of each of ``years``: an anchor's own value at its year, the
    straight line between the two nearest anchors in between, ``None`` outside them.

    >>> t = trajectory({2024: 10.0, 2026: 8.0, 2029: 5.0}, [2023, 2024, 2025, 2027, 2029, 2030])
    >>> [t[y] for y in (2023, 2024, 2025, 2027, 2029, 2030)]
    [None, 10.0, 9.0, 7.0, 5.0, None]
    """
    points = sorted((int(y), float(v)) for y, v in anchors.items() if v is not None)
    out: dict[int, float | None] = {}
    for year in years:
        out[year] = _interpolate(points, year)
    return out


def _interpolate(points: list[tuple[int, float]], year: int) -> float | None:
    if not points or year < points[0][0] or year > points[-1][0]:
        return None
    for (y0, v0), (y1, v1) in itertools.pairwise(points):
        if y0 <= year <= y1:
            if year == y0:
                return v0
            if year == y1:
                return v1
            return round(v0 + (v1 - v0) * (year - y0) / (y1 - y0), 10)
    return points[-1][1] if year == points[-1][0] else None


@dataclass(frozen=True)
class Bands:
    """Achievement thresholds in percent: at or above ``on_track`` the region is on track,
    at or above ``attention`` it needs attention, below it is off track."""

    on_track: float = 100.0
    attention: float = 90.0

    def __post_init__(self):
        if not (math.isfinite(self.on_track) and math.isfinite(self.attention)):
            raise ValueError("band thresholds must be numbers")
        if self.attention > self.on_track:
            raise ValueError("the attention threshold must not exceed the on-track one")


def status(achieved: float | None, bands: Bands) -> str | None:
    """The band of an achievement (``None`` when there is nothing to compare).

    >>> [status(a, Bands(100, 90)) for a in (100.0, 99.9, 90.0, 89.99, None)]
    ['on_track', 'attention', 'attention', 'off_track', None]
    """
    if achieved is None:
        return None
    if achieved >= bands.on_track:
        return ON_TRACK
    if achieved >= bands.attention:
        return ATTENTION
    return OFF_TRACK


def year_value(by_period: Mapping[str, float]) -> tuple[str, float] | None:
    """The (period, value) that stands for a year among its BPS periods.

    >>> year_value({"september": 7.1, "maret": 7.3})
    ('maret', 7.3)
    """
    for period in PERIOD_PREFERENCE:
        if period in by_period:
            return period, by_period[period]
    for period in sorted(by_period):
        return period, by_period[period]
    return None


# --- Numbers as written in official tables -------------------------------------------------

#: Cells meaning "not available" in BPS tables (left out, not rejected).
NOT_AVAILABLE = {"", "-", "--", "...", "…", "..", "na", "n/a", "nan", "null", "tidak ada data"}
_NUMBER = re.compile(r"^[+-]?\d+(\.\d+)?$")


def is_blank(text: object) -> bool:
    return text is None or str(text).strip().lower() in NOT_AVAILABLE


def parse_number(text: object) -> float:
    """A number written the Indonesian or the English way; ``ValueError`` if it is none.

    A lone comma is a decimal comma; with both separators the last one is the decimal mark;
    several equal separators are thousands separators. Currency and percent signs and
    spaces are dropped.

    >>> [parse_number(t) for t in ("18,98", "6.71", "1.234.567", "1.234,5", "Rp 589.165,00")]
    [18.98, 6.71, 1234567.0, 1234.5, 589165.0]
    >>> parse_number("12 %")
    12.0
    """
    raw = str(text).strip()
    s = re.sub(r"(?i)^rp\.?", "", raw).replace("%", "").replace("\u00a0", "").replace(" ", "")
    if not s:
        raise ValueError(raw)
    commas, dots = s.count(","), s.count(".")
    if commas and dots:
        decimal = "," if s.rfind(",") > s.rfind(".") else "."
        thousands = "." if decimal == "," else ","
        s = s.replace(thousands, "").replace(decimal, ".")
    elif commas == 1:
        s = s.replace(",", ".")
    elif commas > 1:
        s = s.replace(",", "")
    elif dots > 1:
        s = s.replace(".", "")
    if not _NUMBER.match(s):
        raise ValueError(raw)
    value = float(s)
    if not math.isfinite(value):
        raise ValueError(raw)
    return value
