"""The arithmetic of Form E.81 (Permendagri 86/2017, evaluation of the Renja's results):
realisation per quarter, cumulative to a quarter, achievement against the annual target,
and the multi-year columns. Plain Python on ``Decimal``; no Django.

Columns (K = kinerja/output, Rp = budget), as :class:`Row` names them::

    6   target at the end of the plan period            period_target_k / _rp
    7   realisation up to last year                      prior_k / prior_rp
    8   target of the year                               target_k / target_rp
    9-12 realisation in triwulan I..IV                   real_k[i] / real_rp[i]
    13  realisation of the year = sum of 9-12            cum_k / cum_rp
    14  achievement of the year (%) = 13 / 8 x 100       pct_k / pct_rp
    15  realisation up to this year = 7 + 13             total_k / total_rp
    16  achievement of the period (%) = 15 / 6 x 100     total_pct_k / total_pct_rp

Conventions:

* A quarter's realisation is what was achieved **in** that quarter (not cumulative), so
  column 13 is their sum. Quarters after the one reported on are left empty.
* Missing values stay missing (``None``): a sum of nothing is ``None``, a sum with some
  values counts only those. A percentage is ``None`` when its numerator is missing or its
  denominator is missing or zero (never a division by zero, never a made-up 0 %).
* Column 15 needs column 7: when the realisation up to last year is unknown, 15 and 16 are
  empty (callers pass 0 for the first year of a plan period).
* Percentages are rounded half-up to two decimals; sums are exact.

Quarterly targets are per quarter too; :func:`check_quarter_targets` says whether they add
up to the annual target.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

QUARTERS = (1, 2, 3, 4)
HUNDRED = Decimal(100)
CENT = Decimal("0.01")
#: Output sums may differ by this much from the annual target (two-decimal inputs).
K_TOLERANCE = Decimal("0.01")

Number = Decimal | None


def dec(value) -> Number:
    """``value`` as a Decimal (``None`` and blank stay ``None``)."""
    if value is None or value == "":
        return None
    if isinstance(value, Decimal):
        return value
    if isinstance(value, float):
        return Decimal(repr(value))
    return Decimal(value)


def add(*values: Number) -> Number:
    """The sum of the values that are present; ``None`` when none is.

    >>> add(Decimal("1.5"), None, Decimal(2)), add(None, None)
    (Decimal('3.5'), None)
    """
    present = [Decimal(v) for v in values if v is not None]
    return sum(present, Decimal(0)) if present else None


def percent(numerator: Number, denominator: Number) -> Number:
    """``numerator / denominator x 100`` rounded to two decimals, or ``None`` when either is
    missing or the denominator is zero.

    >>> percent(Decimal(1), Decimal(3)), percent(Decimal(5), Decimal(0)), percent(None, 1)
    (Decimal('33.33'), None, None)
    """
    if numerator is None or denominator is None or Decimal(denominator) == 0:
        return None
    return (Decimal(numerator) * HUNDRED / Decimal(denominator)).quantize(CENT, ROUND_HALF_UP)


@dataclass(frozen=True)
class Figures:
    """One item's inputs: targets, realisation per quarter (index 0 = triwulan I)."""

    target_k: Number
    target_rp: Number
    real_k: Sequence[Number] = (None, None, None, None)
    real_rp: Sequence[Number] = (None, None, None, None)
    q_target_k: Sequence[Number] = (None, None, None, None)
    q_target_rp: Sequence[Number] = (None, None, None, None)
    period_target_k: Number = None
    period_target_rp: Number = None
    prior_k: Number = None
    prior_rp: Number = None


@dataclass
class Row:
    """The computed E.81 columns of one item up to ``quarter``."""

    quarter: int
    target_k: Number
    target_rp: Number
    period_target_k: Number
    period_target_rp: Number
    prior_k: Number
    prior_rp: Number
    real_k: list[Number] = field(default_factory=list)
    real_rp: list[Number] = field(default_factory=list)
    cum_k: Number = None
    cum_rp: Number = None
    pct_k: Number = None
    pct_rp: Number = None
    total_k: Number = None
    total_rp: Number = None
    total_pct_k: Number = None
    total_pct_rp: Number = None
    #: The quarterly targets summed up to ``quarter`` and the realisation against them.
    q_target_cum_k: Number = None
    q_target_cum_rp: Number = None
    q_pct_k: Number = None
    q_pct_rp: Number = None


def compute(figures: Figures, quarter: int = 4) -> Row:
    """The E.81 columns of one item, counting the realisation of triwulan I..``quarter``.

    Target 100 (output) and Rp 1,000,000 for the year; 20 and 30 realised in triwulan I and
    II; 150 realised in the earlier years of a 500 plan period. Up to triwulan II:

    >>> row = compute(Figures(target_k=100, target_rp=1_000_000, real_k=(20, 30, 40, None),
    ...                       real_rp=(100_000, 250_000, None, None), period_target_k=500,
    ...                       prior_k=150), quarter=2)
    >>> row.real_k, row.cum_k, row.pct_k  # triwulan III is after the quarter: left out
    ([Decimal('20'), Decimal('30'), None, None], Decimal('50'), Decimal('50.00'))
    >>> row.pct_rp, row.total_k, row.total_pct_k
    (Decimal('35.00'), Decimal('200'), Decimal('40.00'))
    >>> row.total_rp is None  # no budget realisation up to last year given
    True
    """
    if quarter not in QUARTERS:
        raise ValueError(f"quarter must be 1-4, got {quarter!r}")
    real_k = [dec(v) if i < quarter else None for i, v in enumerate(figures.real_k)]
    real_rp = [dec(v) if i < quarter else None for i, v in enumerate(figures.real_rp)]
    row = Row(
        quarter=quarter, target_k=dec(figures.target_k), target_rp=dec(figures.target_rp),
        period_target_k=dec(figures.period_target_k),
        period_target_rp=dec(figures.period_target_rp),
        prior_k=dec(figures.prior_k), prior_rp=dec(figures.prior_rp),
        real_k=real_k, real_rp=real_rp,
    )
    row.cum_k, row.cum_rp = add(*real_k), add(*real_rp)
    row.pct_k, row.pct_rp = percent(row.cum_k, row.target_k), percent(row.cum_rp,
                                                                        row.target_rp)
    if row.prior_k is not None and row.cum_k is not None:
        row.total_k = row.prior_k + row.cum_k
    if row.prior_rp is not None and row.cum_rp is not None:
        row.total_rp = row.prior_rp + row.cum_rp
    row.total_pct_k = percent(row.total_k, row.period_target_k)
    row.total_pct_rp = percent(row.total_rp, row.period_target_rp)
    row.q_target_cum_k = add(*figures.q_target_k[:quarter])
    row.q_target_cum_rp = add(*figures.q_target_rp[:quarter])
    row.q_pct_k = percent(row.cum_k, row.q_target_cum_k)
    row.q_pct_rp = percent(row.cum_rp, row.q_target_cum_rp)
    return row


@dataclass
class Totals:
    """Budget columns summed over items (outputs have different units: not summed)."""

    target_rp: Number = None
    period_target_rp: Number = None
    prior_rp: Number = None
    real_rp: list[Number] = field(default_factory=lambda: [None] * 4)
    cum_rp: Number = None
    pct_rp: Number = None
    total_rp: Number = None
    total_pct_rp: Number = None


def totals(rows: Iterable[Row]) -> Totals:
    rows = list(rows)
    out = Totals(
        target_rp=add(*(r.target_rp for r in rows)),
        period_target_rp=add(*(r.period_target_rp for r in rows)),
        prior_rp=add(*(r.prior_rp for r in rows)),
        real_rp=[add(*(r.real_rp[i] for r in rows)) for i in range(4)],
        cum_rp=add(*(r.cum_rp for r in rows)),
        total_rp=add(*(r.total_rp for r in rows)),
    )
    out.pct_rp = percent(out.cum_rp, out.target_rp)
    out.total_pct_rp = percent(out.total_rp, out.period_target_rp)
    return out


def check_quarter_targets(annual: Number, quarters: Sequence[Number], *,
                          tolerance: Decimal = Decimal(0)) -> Decimal | None:
    """``None`` when the quarterly targets are fine, else their sum (which differs from the
    annual target). Fine means: no quarterly target at all (the year is not split), or the
    given ones (blank counts as 0) add up to ``annual`` within ``tolerance``.

    >>> check_quarter_targets(Decimal(100), [25, 25, 25, 25]) is None
    True
    >>> check_quarter_targets(Decimal(100), [25, 25, None, 25])
    Decimal('75')
    """
    given = [Decimal(q) for q in quarters if q is not None]
    if not given:
        return None
    total = sum(given, Decimal(0))
    if annual is None or abs(total - Decimal(annual)) > tolerance:
        return total
    return None
