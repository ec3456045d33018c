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

#: Each item of the chosen plans with its K and Rp realised to the quarter: the item's
#: reports up to the quarter (index on plan) and its realisation in each (the unique
#: (report, item) index). Joined row by row rather than to a pre-aggregated table, so the
#: plan stays index lookups even where the planner has no statistics yet (a fresh bulk load
#: made PostgreSQL nest-loop over the aggregated table: seconds instead of milliseconds).
_ITEMS_REALISED_SQL = """
SELECT i.id, i.plan_id, p.region_id, i.strategy, i.expenditure_tag, i.target_rp, i.target_k,
       COALESCE(SUM(x.k), 0) AS k, COALESCE(SUM(x.rp), 0) AS rp
FROM {items} i
JOIN {plans} p ON p.id = i.plan_id
LEFT JOIN {reports} q ON q.plan_id = i.plan_id AND q.quarter <= %s
LEFT JOIN {realisation} x ON x.report_id = q.id AND x.item_id = i.id
WHERE p.year = %s AND p.region_id IN ({codes})
GROUP BY i.id, i.plan_id, p.region_id, i.strategy, i.expenditure_tag, i.target_rp, i.target_k
"""

#: Per plan × strategy × tag (at most plans × 5 × 3 rows): items, annual budget, budget
#: realised to the quarter, and the sum and count of the items' output achievement (K
#: realised to the quarter ÷ annual K, items with a K target only). One query; the page's
#: three groupings are summed from it exactly.
_AGGREGATE_SQL = """
SELECT t.plan_id, t.strategy, t.expenditure_tag, COUNT(*), SUM(t.target_rp), SUM(t.rp),
       SUM(CASE WHEN t.target_k > 0 THEN t.k * 100.0 / t.target_k END),
       SUM(CASE WHEN t.target_k > 0 THEN 1 ELSE 0 END)
FROM ({realised}) t
GROUP BY t.plan_id, t.strategy, t.expenditure_tag
"""

def _items_realised_sql(regions: int) -> str:
    return _ITEMS_REALISED_SQL.format(
        items=PlanItem._meta.db_table, plans=ActionPlan._meta.db_table,
        realisation=Realisation._meta.db_table, reports=QuarterReport._meta.db_table,
        codes=", ".join(["%s"] * regions))


@dataclass
class Figures:
    items: int = 0
    budget: float = 0.0
    realised: float = 0.0
    k_sum: float = 0.0
    k_items: int = 0

    def add(self, other: "Figures") -> None:
        self.items += other.items
        self.budget += other.budget
        self.realised += other.realised
        self.k_sum += other.k_sum
        self.k_items += other.k_items

    @property
    def k_achievement(self) -> float | None:
        """Mean output achievement (%) of the items with a K target."""
        return round(self.k_sum / self.k_items, 2) if self.k_items else None

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


def plan_aggregates(region_code: str, year: int, quarter: int) -> list[tuple]:
    """``(plan id, strategy, tag, Figures)`` rows of the region's plans of ``year``, with
    realisation to ``quarter`` (one query; also read by the scorecards)."""
    sql = _AGGREGATE_SQL.format(realised=_items_realised_sql(1))
    with connection.cursor() as cursor:
        cursor.execute(sql, [quarter, year, region_code])
        return _figures(cursor.fetchall())


def grouped(rows: list[tuple], position: int) -> dict:
    """Figures of ``plan_aggregates`` rows summed by the field at ``position`` (0 plan,
    1 strategy, 2 tag)."""
    out: dict = {}
    for row in rows:
        out.setdefault(row[position], Figures()).add(row[3])
    return out


def meeting_pack(region, year: int, quarter: int, *, today: dt.date | None = None) -> Pack:
    """The pack of ``region`` (a kab/kota) for ``year`` and ``quarter`` (1–4)."""
    overview, due, counts = selectors.region_overview(region.code, year, today=today,
                                                        item_counts=False)
    rows = plan_aggregates(region.code, year, quarter)
    per_plan = grouped(rows, 0)
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
    for figures in per_plan.values():
        pack.total.add(figures)
    strategies = grouped(rows, 1)
    pack.by_strategy = [(label, strategies[value]) for value, label in Strategy.choices
                        if value in strategies]
    tags = grouped(rows, 2)
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
    from konvergen.convergence.selectors import region_totals

    figures = region_totals(region.code, year)
    if not figures["runs"]:
        return None
    return {**figures["total"],
            "as_of": max(r.computed_at for r in figures["runs"])}


#: Per kab/kota × strategy × tag over the plans of several kab/kota: the same figures as
#: ``_AGGREGATE_SQL``, for comparing regions (provinces, scorecards).
_REGION_AGGREGATE_SQL = """
SELECT t.region_id, t.strategy, t.expenditure_tag, COUNT(*), SUM(t.target_rp), SUM(t.rp),
       SUM(CASE WHEN t.target_k > 0 THEN t.k * 100.0 / t.target_k END),
       SUM(CASE WHEN t.target_k > 0 THEN 1 ELSE 0 END)
FROM ({realised}) t
GROUP BY t.region_id, t.strategy, t.expenditure_tag
"""


def _figures(rows) -> list[tuple]:
    return [(key, strategy, tag,
             Figures(items=int(n), budget=float(budget or 0), realised=float(real or 0),
                     k_sum=float(k_sum or 0), k_items=int(k_items or 0)))
            for key, strategy, tag, n, budget, real, k_sum, k_items in rows]


def region_aggregates(region_codes: list[str], year: int, quarter: int = 4) -> list[tuple]:
    """``(kab/kota code, strategy, tag, Figures)`` rows over the plans of several kab/kota
    at once, realised to ``quarter`` (one query)."""
    if not region_codes:
        return []
    sql = _REGION_AGGREGATE_SQL.format(realised=_items_realised_sql(len(region_codes)))
    with connection.cursor() as cursor:
        cursor.execute(sql, [quarter, year, *region_codes])
        return _figures(cursor.fetchall())


def tag_spending(region_codes: list[str], year: int, quarter: int = 4
                 ) -> dict[str, dict[str, tuple[float, float]]]:
    """``{kab/kota: {expenditure tag: (budget, realised to quarter)}}`` over the plans of
    several kab/kota at once (one query): what a province compares under PMK 97/2023."""
    out: dict[str, dict[str, Figures]] = {}
    for code, _strategy, tag, figures in region_aggregates(region_codes, year, quarter):
        out.setdefault(code, {}).setdefault(tag, Figures()).add(figures)
    return {code: {tag: (f.budget, f.realised) for tag, f in tags.items()}
            for code, tags in out.items()}
