"""The source catalogue of the scorecards a secretariat defines, and the set-wise reads that
fill it.

A source is a named fact about each peer (an organisation of a kab/kota, or a kab/kota of a
province) for a year, read from the other apps: the action plans and their realisation,
report timeliness, the convergence run, the indicators and targets, village verification and
the fiscal-incentive inputs. Each source has a *kind* that decides which scoring rules fit:

* ``percent``: a share on 0–100 (target 100 for ``ratio``/``achievement``);
* ``amount``: a non-negative amount or count, only comparable across peers (``to_best``,
  ``minmax``);
* ``yes_no``: scored with ``on_time``;
* ``indicator``: an indicator's realised value beside its target of the year (the
  indicator's polarity is used for ``achievement`` and by default for ``minmax``).

Facts are read once per page for all peers (a fixed number of queries for the agencies;
per kab/kota only for report timeliness, which is read only when a criterion uses it).
Nothing here names a person.
"""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

from konvergen.plans import meeting
from konvergen.plans import selectors as plan_selectors
from konvergen.programs.models import Strategy
from konvergen.scorecards import engine
from konvergen.scorecards.models import Peers

PERCENT, AMOUNT, YES_NO, INDICATOR = "percent", "amount", "yes_no", "indicator"
RULES = {
    PERCENT: (engine.RATIO, engine.ACHIEVEMENT, engine.VALUE, engine.TO_BEST, engine.MINMAX),
    AMOUNT: (engine.TO_BEST, engine.MINMAX),
    YES_NO: (engine.ON_TIME,),
    INDICATOR: (engine.ACHIEVEMENT, engine.RATIO, engine.TO_BEST, engine.MINMAX),
}
#: What a source's parameter names.
P_INDICATOR, P_QUARTER = "indicator", "quarter"

RULE_LABELS = {
    engine.RATIO: _("Ratio to target (realised ÷ target × 100)"),
    engine.ACHIEVEMENT: _("Achievement of the target (polarity-aware)"),
    engine.VALUE: _("The value itself (0–100)"),
    engine.TO_BEST: _("Against the best peer (X ÷ Xmax × 100)"),
    engine.MINMAX: _("Min–max across peers ((X − Xmin) ÷ (Xmax − Xmin) × 100)"),
    engine.ON_TIME: _("Yes = 100, no = 0"),
}


@dataclass(frozen=True)
class Source:
    key: str
    label: object
    peers: str
    kind: str
    parameter: str = ""
    #: Read from the action plans: restricted to one strategy in the per-strategy ranking.
    plan: bool = False


CATALOGUE: dict[str, Source] = {s.key: s for s in (
    # The organisations of a kab/kota.
    Source("output", _("Output achievement of the action plan (K, %)"), Peers.AGENCIES,
           PERCENT, plan=True),
    Source("budget", _("Budget realisation (Rp, % of the budget)"), Peers.AGENCIES, PERCENT,
           plan=True),
    Source("budget_rp", _("Budget realised (Rp)"), Peers.AGENCIES, AMOUNT, plan=True),
    Source("reports_on_time", _("Quarterly reports on time (% of those due)"),
           Peers.AGENCIES, PERCENT),
    Source("report_on_time", _("One quarter's report on time"), Peers.AGENCIES, YES_NO,
           parameter=P_QUARTER),
    Source("target_group", _("Beneficiaries in the target group (%)"), Peers.AGENCIES,
           PERCENT),
    Source("desil_1_2", _("Beneficiaries in desil 1–2 (%)"), Peers.AGENCIES, PERCENT),
    Source("families_helped", _("Families helped"), Peers.AGENCIES, AMOUNT),
    # The kab/kota of a province.
    Source("region_output", _("Output achievement of the action plans (K, %)"), Peers.REGIONS,
           PERCENT, plan=True),
    Source("region_budget", _("Budget realisation of the action plans (%)"), Peers.REGIONS,
           PERCENT, plan=True),
    Source("region_budget_rp", _("Budget realised (Rp)"), Peers.REGIONS, AMOUNT, plan=True),
    Source("spending_direct", _("Direct (langsung) spending, % of the spending budget"),
           Peers.REGIONS, PERCENT, plan=True),
    Source("spending_indirect",
           _("Indirect (tidak langsung) spending, % of the spending budget"),
           Peers.REGIONS, PERCENT, plan=True),
    Source("spending_support", _("Support (penunjang) spending, % of the spending budget"),
           Peers.REGIONS, PERCENT, plan=True),
    Source("spending_weighted",
           _("Tagged spending, weighted 50/30/20 (% of the spending budget)"),
           Peers.REGIONS, PERCENT, plan=True),
    Source("decree", _("Decree (SK) on the target data issued"), Peers.REGIONS, YES_NO),
    Source("verified_data", _("Annex of verified and validated data"), Peers.REGIONS, YES_NO),
    Source("report_q1", _("Q1 report to the centre submitted"), Peers.REGIONS, YES_NO),
    Source("report_q2", _("Q2 report to the centre submitted"), Peers.REGIONS, YES_NO),
    Source("region_reports_on_time",
           _("Agencies' quarterly reports on time (% of those due)"), Peers.REGIONS, PERCENT),
    Source("indicator_achievement", _("Achievement of an indicator's target (%)"),
           Peers.REGIONS, PERCENT, parameter=P_INDICATOR),
    Source("indicator_value", _("An indicator's value against its target"), Peers.REGIONS,
           INDICATOR, parameter=P_INDICATOR),
    Source("musdes_coverage",
           _("Data verification: desa/kelurahan that held a musdes/muskel (%)"),
           Peers.REGIONS, PERCENT),
    Source("proposals_decided",
           _("Data verification: the year's proposals decided (%)"), Peers.REGIONS, PERCENT),
    Source("target_reached", _("Target families reached by a programme (%)"), Peers.REGIONS,
           PERCENT),
)}


def sources_for(peers: str) -> list[Source]:
    return [s for s in CATALOGUE.values() if s.peers == peers]


# --- Facts -------------------------------------------------------------------------------


@dataclass
class Facts:
    """What the sources read, for every peer at once."""

    peers: list = field(default_factory=list)
    names: dict = field(default_factory=dict)
    #: agencies: the organisation's main strategy; regions: kabupaten / kota.
    groups: dict = field(default_factory=dict)
    #: {peer: {strategy: {tag: meeting.Figures}}}
    plans: dict = field(default_factory=dict)
    #: {peer: [timeliness of each quarter's report, to the chosen quarter]}
    timeliness: dict = field(default_factory=dict)
    other: dict = field(default_factory=dict)
    #: {indicator code: (Indicator, {peer: YearRow or None})}
    indicators: dict = field(default_factory=dict)
    as_of: list = field(default_factory=list)


def _figures(plans: dict, strategy: str | None) -> meeting.Figures:
    total = meeting.Figures()
    for key, tags in plans.items():
        if strategy is None or key == strategy:
            for figures in tags.values():
                total.add(figures)
    return total


def _tag(plans: dict, strategy: str | None, tag: str) -> float:
    return sum(tags[tag].realised for key, tags in plans.items()
               if (strategy is None or key == strategy) and tag in tags)


def _pct(part: float | None, whole: float | None) -> float | None:
    return None if part is None or not whole else part * 100 / whole


def _on_time_pct(cells: list[str]) -> float | None:
    due = [c for c in cells if c in (plan_selectors.ON_TIME, plan_selectors.LATE)]
    return _pct(sum(c == plan_selectors.ON_TIME for c in due), len(due)) if due else None


def _report(cells: list[str], quarter: str) -> bool | None:
    q = int(quarter)
    if q > len(cells):
        return None
    return {plan_selectors.ON_TIME: True, plan_selectors.LATE: False}.get(cells[q - 1])


def _spending(facts: Facts, peer, strategy, tag: str) -> float | None:
    total = facts.other.get(peer, {}).get("spending_budget")
    return _pct(_tag(facts.plans.get(peer, {}), strategy, tag), total)


def _weighted(facts: Facts, peer, strategy) -> float | None:
    parts = [(_spending(facts, peer, strategy, tag), w)
             for tag, w in (("direct", 50), ("indirect", 30), ("support", 20))]
    if any(value is None for value, _w in parts):
        return None
    return sum(value * w for value, w in parts if value is not None) / 100


def _indicator(facts: Facts, peer, code: str, what: str):
    row = facts.indicators.get(code, (None, {}))[1].get(peer)
    return getattr(row, what) if row is not None else None


#: source key -> (facts, peer, parameter, strategy) -> (value, target)
Reader = Callable[[Facts, object, str, str | None], tuple[object, float | None]]


def _plan_figures(what: str) -> Reader:
    def read(facts, peer, _param, strategy):
        figures = _figures(facts.plans.get(peer, {}), strategy)
        if not figures.items:
            return None, None
        value = {"output": figures.k_achievement, "budget": figures.budget_pct,
                 "budget_rp": figures.realised}[what]
        return value, None
    return read


def _other(name: str) -> Reader:
    return lambda facts, peer, _param, _strategy: (facts.other.get(peer, {}).get(name), None)


def _share(part: str) -> Reader:
    def read(facts, peer, _param, _strategy):
        row = facts.other.get(peer, {})
        return _pct(row.get(part), row.get("helped")), None
    return read


READERS: dict[str, Reader] = {
    "output": _plan_figures("output"),
    "budget": _plan_figures("budget"),
    "budget_rp": _plan_figures("budget_rp"),
    "reports_on_time": lambda f, p, _a, _s: (_on_time_pct(f.timeliness.get(p, [])), None),
    "report_on_time": lambda f, p, a, _s: (_report(f.timeliness.get(p, []), a), None),
    "target_group": _share("in_target"),
    "desil_1_2": _share("poorest"),
    "families_helped": _other("helped"),
    "region_output": _plan_figures("output"),
    "region_budget": _plan_figures("budget"),
    "region_budget_rp": _plan_figures("budget_rp"),
    "spending_direct": lambda f, p, _a, s: (_spending(f, p, s, "direct"), None),
    "spending_indirect": lambda f, p, _a, s: (_spending(f, p, s, "indirect"), None),
    "spending_support": lambda f, p, _a, s: (_spending(f, p, s, "support"), None),
    "spending_weighted": lambda f, p, _a, s: (_weighted(f, p, s), None),
    "decree": _other("decree"),
    "verified_data": _other("verified_data"),
    "report_q1": _other("report_q1"),
    "report_q2": _other("report_q2"),
    "region_reports_on_time": lambda f, p, _a, _s: (_on_time_pct(f.timeliness.get(p, [])),
                                                    None),
    "indicator_achievement": lambda f, p, a, _s: (_indicator(f, p, a, "achievement"), None),
    "indicator_value": lambda f, p, a, _s: (_indicator(f, p, a, "realised"),
                                            _indicator(f, p, a, "target")),
    "musdes_coverage": lambda f, p, _a, _s: (_pct(f.other.get(p, {}).get("musdes_desa"),
                                                  f.other.get(p, {}).get("desa")), None),
    "proposals_decided": lambda f, p, _a, _s: (_pct(f.other.get(p, {}).get("decided"),
                                                    f.other.get(p, {}).get("proposals")), None),
    "target_reached": lambda f, p, _a, _s: (_pct(f.other.get(p, {}).get("reached"),
                                                 f.other.get(p, {}).get("target")), None),
}
assert set(READERS) == set(CATALOGUE), "every source needs a reader"


def values(criteria, facts: Facts, strategy: str | None = None) -> tuple[dict, dict]:
    """``(values, targets)`` of every peer for the criteria (``CustomCriterion`` rows),
    plan sources restricted to ``strategy`` when given."""
    out_values: dict = {}
    out_targets: dict = {}
    for peer in facts.peers:
        row, row_targets = {}, {}
        for c in criteria:
            source = CATALOGUE[c.source]
            value, target = READERS[c.source](facts, peer, c.parameter, strategy)
            row[c.key] = value
            if c.rule in engine.TARGET_RULES:
                row_targets[c.key] = target if source.kind == INDICATOR else 100.0
        out_values[peer], out_targets[peer] = row, row_targets
    return out_values, out_targets


def _by_strategy(rows) -> dict:
    """``{peer: {strategy: {tag: Figures}}}`` from ``(peer, strategy, tag, Figures)`` rows."""
    out: dict = {}
    for peer, strategy, tag, figures in rows:
        out.setdefault(peer, {}).setdefault(strategy, {})[tag] = figures
    return out


def _timeliness(region_code: str, year: int, quarter: int, today: dt.date | None
                ) -> dict[int, list[str]]:
    overview, _due, _counts = plan_selectors.region_overview(region_code, year, today=today,
                                                            item_counts=False)
    return {row.organisation.pk: [cell["timeliness"] for cell in row.cells[:quarter]]
            for row in overview}


def agency_facts(region, year: int, quarter: int, sources: set[str], *,
                 today: dt.date | None = None) -> Facts:
    """Facts of the organisations of a kab/kota (the organisations of the plans overview)."""
    from konvergen.scorecards.selectors import agency_sources

    base = agency_sources(region.code, year, quarter, today=today)
    facts = Facts(peers=[o.pk for o in base.organisations],
                  names={o.pk: o.name for o in base.organisations},
                  groups=dict(base.strategy))
    plan_of = {org: plan.pk for org, plan in base.plans.items() if plan is not None}
    per_plan = _by_strategy(base.plan_rows)
    facts.plans = {org: per_plan.get(plan_id, {}) for org, plan_id in plan_of.items()}
    facts.timeliness = base.timeliness
    for org in facts.peers:
        helped, in_target, poorest = base.beneficiaries.get(org, (0, 0, 0))
        facts.other[org] = {"helped": helped, "in_target": in_target, "poorest": poorest}
    if base.convergence_as_of and sources & {"target_group", "desil_1_2", "families_helped"}:
        facts.as_of.append((_("Convergence run"), base.convergence_as_of))
    return facts


def region_facts(province, year: int, quarter: int, sources: set[str], parameters: set[str],
                 *, today: dt.date | None = None) -> Facts:
    """Facts of the kab/kota of a province; each family of facts is read only when a
    criterion uses it."""
    from konvergen.convergence.selectors import totals_many
    from konvergen.regions.models import Level, Region
    from konvergen.scorecards.models import RegionCompliance
    from konvergen.targets.models import Indicator
    from konvergen.targets.selectors import series_many
    from konvergen.verification.selectors import verification_coverage

    regions = list(Region.objects.filter(parent=province, level=Level.KABKOTA).order_by("code"))
    codes = [r.code for r in regions]
    facts = Facts(peers=codes, names={r.code: r.name for r in regions},
                  groups={r.code: r.kind for r in regions})
    facts.other = {code: {} for code in codes}
    if any(CATALOGUE[s].plan for s in sources):
        facts.plans = _by_strategy(meeting.region_aggregates(codes, year, quarter))
    compliance_keys = {"spending_budget", "decree", "verified_data", "report_q1", "report_q2"}
    if sources & (compliance_keys | {"spending_direct", "spending_indirect", "spending_support",
                                     "spending_weighted"}):
        for row in RegionCompliance.objects.filter(region_id__in=codes, year=year):
            facts.other[row.region_id].update({
                "spending_budget": float(row.spending_budget) if row.spending_budget else None,
                **{k: getattr(row, k) for k in compliance_keys - {"spending_budget"}}})
    if "region_reports_on_time" in sources:
        for code in codes:  # one overview per kab/kota: a province has at most ~40
            cells = _timeliness(code, year, quarter, today)
            facts.timeliness[code] = [c for row in cells.values() for c in row]
    if sources & {"musdes_coverage", "proposals_decided"}:
        coverage = verification_coverage(province.code, year)
        for code in codes:
            facts.other[code].update(coverage.get(code, {}))
    if "target_reached" in sources:
        totals = totals_many(province.code, codes, year)
        for code, row in totals["totals"].items():
            facts.other[code].update(target=row["target_families"],
                                     reached=row["reached_families"])
        if totals["runs"]:
            facts.as_of.append((_("Convergence run"),
                                max(r.computed_at for r in totals["runs"])))
    if parameters:
        inds = list(Indicator.objects.filter(code__in=parameters))
        series = series_many(regions, inds)
        for ind in inds:
            facts.indicators[ind.code] = (ind, {
                code: series[(code, ind.pk)].row(year) for code in codes})
    return facts


STRATEGIES = [value for value, _label in Strategy.choices]
