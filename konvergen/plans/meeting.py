"""The coordination-meeting pack (rakor) of a kab/kota for one quarter: every organisation's
plan against its realisation to the quarter, sign-off state and lateness, totals by strategy
and by expenditure tag, the region's headline indicators and its convergence figures.

Aggregates are computed in SQL over all the region's plan items at once (a fixed number of
queries, whatever the number of agencies or items); nothing here names a person.
"""

import datetime as dt
from dataclasses import dataclass, field

from django.db import connection

from konvergen.plans import selectors
from konvergen.plans.models import (
    ActionPlan,
    ExpenditureTag,
    PlanItem,
    QuarterReport,
    Realisation,
)
from konvergen.programs.models import Strategy

#: Per plan (or per strategy / tag): items, annual budget, budget realised to the quarter,
#: and the mean of the items' output achievement (K realised to the quarter ÷ annual K).
_AGGREGATE_SQL = """
SELECT {key}, COUNT(*), SUM(i.target_rp), SUM(COALESCE(r.rp, 0)),
       AVG(CASE WHEN i.target_k > 0 THEN COALESCE(r.k, 0) * 100.0 / i.target_k END)
FROM {items} i
JOIN {plans} p ON p.id = i.plan_id
LEFT JOIN (
    SELECT x.item_id AS item_id, SUM(x.k) AS k, SUM(x.rp) AS rp
    FROM {realisation} x JOIN {reports} q ON q.id = x.report_id
    JOIN {items} xi ON xi.id = x.item_id JOIN {plans} xp ON xp.id = xi.plan_id
    WHERE q.quarter <= %s AND xp.region_id = %s AND xp.year = %s
    GROUP BY x.item_id
) r ON r.item_id = i.id
WHERE p.region_id = %s AND p.year = %s
GROUP BY {key}
"""


@dataclass
class Figures:
    items: int = 0
    budget: float = 0.0
    realised: float = 0.0
    k_achievement: float | None = None

    @property
    def budget_pct(self) -> float | None:
        return round(self.realised * 100 / self.budget, 2) if self.budget else None


@dataclass
class Pack:
    region: object
    year: int
    quarter: int
    due: dt.date
    rows: list[dict] = field(default_factory=list)
    late: list[dict] = field(default_factory=list)
    total: Figures = field(default_factory=Figures)
    by_strategy: list[tuple[object, Figures]] = field(default_factory=list)
    by_tag: list[tuple[object, Figures]] = field(default_factory=list)
    counts: dict = field(default_factory=dict)


def _aggregate(key: str, region_code: str, year: int, quarter: int) -> dict[object, Figures]:
    sql = _AGGREGATE_SQL.format(
        key=key, items=PlanItem._meta.db_table, plans=ActionPlan._meta.db_table,
        realisation=Realisation._meta.db_table, reports=QuarterReport._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(sql, [quarter, region_code, year, region_code, year])
        rows = cursor.fetchall()
    return {k: Figures(items=int(n), budget=float(budget or 0), realised=float(real or 0),
                       k_achievement=None if ach is None else round(float(ach), 2))
            for k, n, budget, real, ach in rows}


def _sum(parts) -> Figures:
    parts = list(parts)
    total = Figures(items=sum(p.items for p in parts), budget=sum(p.budget for p in parts),
                    realised=sum(p.realised for p in parts))
    weighted = [(p.k_achievement, p.items) for p in parts if p.k_achievement is not None]
    if weighted:
        total.k_achievement = round(sum(a * n for a, n in weighted)
                                    / sum(n for _a, n in weighted), 2)
    return total


def meeting_pack(region, year: int, quarter: int, *, today: dt.date | None = None) -> Pack:
    """The pack of ``region`` (a kab/kota) for ``year`` and ``quarter`` (1–4)."""
    overview, due, counts = selectors.region_overview(region.code, year, today=today)
    per_plan = _aggregate("i.plan_id", region.code, year, quarter)
    pack = Pack(region=region, year=year, quarter=quarter, due=due[quarter],
                counts=counts[quarter])
    for row in overview:
        cell = row.cells[quarter - 1]
        figures = per_plan.get(row.plan.pk, Figures()) if row.plan else Figures()
        entry = {"organisation": row.organisation, "plan": row.plan, "figures": figures,
                 "plan_state": row.plan.state if row.plan else "", "report": cell["report"],
                 "state": cell["state"], "timeliness": cell["timeliness"],
                 "late": cell["late"]}
        pack.rows.append(entry)
        if cell["late"]:
            pack.late.append(entry)
    pack.total = _sum(per_plan.values())
    strategies = _aggregate("i.strategy", region.code, year, quarter)
    pack.by_strategy = [(label, strategies[value]) for value, label in Strategy.choices
                        if value in strategies]
    tags = _aggregate("i.expenditure_tag", region.code, year, quarter)
    pack.by_tag = [(label, tags[value]) for value, label in ExpenditureTag.choices
                   if value in tags]
    return pack


def headline_indicators(region, year: int) -> list:
    """The region's indicators that have a value or a target for ``year`` (targets app)."""
    from konvergen.targets.selectors import indicator_table

    return [r for r in indicator_table(region, year)
            if r.row is not None and (r.row.realised is not None or r.row.target is not None)]


def convergence_figures(region, year: int) -> dict | None:
    """Target families, reached, unreached and overlaps of ``year`` with their as-of time
    (the stored convergence runs), or None when nothing was computed."""
    from konvergen.convergence.selectors import region_figures

    figures = region_figures(region.code, year)
    if not figures["runs"]:
        return None
    return {**figures["total"],
            "as_of": max(r.computed_at for r in figures["runs"])}
