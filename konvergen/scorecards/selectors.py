"""Reads for the scorecard pages: each organisation's source values, gathered set-wise,
scored by the plain engine (``engine.py``) with the region's weights.

Sources of the local agency scorecard, per organisation of a kab/kota and year, realised to
the chosen quarter:

* ``output``: mean output achievement of the action plan's items with a K target (K realised
  to the quarter ÷ annual K × 100, as Form E.81 and the meeting pack compute it);
* ``budget``: Rp realised to the quarter against the annual budget;
* ``report_q1`` … ``report_qN``: whether each quarter's report was submitted by its due date
  (not yet due and not submitted counts as missing, not as late);
* ``target_group`` / ``desil_1_2``: of the distinct families the organisation's programmes
  help in the year (cancelled and stopped help left out), those that are target families /
  in desil 1–2 in the region's current convergence run.

One query each for the plans, the reports and the beneficiaries, whatever the number of
organisations. Nothing here names a person.
"""

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from konvergen.accounts import access
from konvergen.convergence.models import FamilyConvergence
from konvergen.convergence.selectors import runs_for
from konvergen.plans import e81, meeting
from konvergen.plans import selectors as plan_selectors
from konvergen.programs.models import Intervention, Programme, Strategy
from konvergen.regions.models import Level, Region
from konvergen.scorecards import engine
from konvergen.scorecards.models import Preset, RegionCompliance, ScorecardWeights

#: Display names of the local agency scorecard's criteria (the engine's labels are English).
LABELS = {
    "output": _("Output achievement (K)"),
    "budget": _("Budget realisation (Rp)"),
    "reports": _("Reports on time"),
    "target_group": _("Beneficiaries in the target group"),
    "desil_1_2": _("Beneficiaries in desil 1–2"),
}
NO_STRATEGY = ""

_BENEFICIARIES_SQL = """
SELECT p.organisation_id,
       COUNT(DISTINCT i.family_id),
       COUNT(DISTINCT CASE WHEN f.target THEN i.family_id END),
       COUNT(DISTINCT CASE WHEN f.desil BETWEEN 1 AND 2 THEN i.family_id END)
FROM {interventions} i
JOIN {programmes} p ON p.id = i.programme_id
LEFT JOIN {families} f ON f.family_id = i.family_id AND f.run_id IN ({runs})
WHERE i.year = %s AND i.family_id IS NOT NULL AND i.status NOT IN (%s, %s)
  AND p.organisation_id IN ({organisations})
GROUP BY p.organisation_id
"""


def beneficiary_shares(organisation_ids: list[int], region_code: str, year: int
                       ) -> dict[int, tuple[int, int, int]]:
    """``{organisation: (families helped, of them target families, of them desil 1–2)}``
    in one aggregate query."""
    if not organisation_ids:
        return {}
    runs = [r.pk for r in runs_for(region_code, year)] or [0]
    sql = _BENEFICIARIES_SQL.format(
        interventions=Intervention._meta.db_table, programmes=Programme._meta.db_table,
        families=FamilyConvergence._meta.db_table, runs=", ".join(["%s"] * len(runs)),
        organisations=", ".join(["%s"] * len(organisation_ids)))
    params: list[Any] = [*runs, year, Intervention.Status.CANCELLED, Intervention.Status.STOPPED,
              *organisation_ids]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return {org: (int(n), int(target or 0), int(poorest or 0))
                for org, n, target, poorest in cursor.fetchall()}


def default_quarter(region_code: str, year: int, today: dt.date | None = None) -> int:
    """The last quarter whose reports are due by ``today`` (1 before the first is due)."""
    today = today or timezone.localdate()
    due = plan_selectors.due_dates(region_code, year)
    passed = [q for q in e81.QUARTERS if today > due[q]]
    return max(passed, default=1)


def weights_of(region_code: str, preset: str = Preset.LOCAL_AGENCY) -> dict[str, float]:
    row = ScorecardWeights.objects.filter(region_id=region_code, scorecard=preset).first()
    return dict(row.weights) if row else {}


def local_agency_card(region_code: str, quarter: int) -> engine.Scorecard:
    """The local agency scorecard with the region's weights (the preset's where unset)."""
    card = engine.local_agency_scorecard(quarters=quarter)
    weights = weights_of(region_code)
    return engine.reweight(card, weights) if weights else card


@dataclass
class Sources:
    organisations: list = field(default_factory=list)
    values: dict = field(default_factory=dict)
    targets: dict = field(default_factory=dict)
    strategy: dict = field(default_factory=dict)
    plans: dict = field(default_factory=dict)
    beneficiaries: dict = field(default_factory=dict)
    #: {organisation: [each quarter's report timeliness, to the chosen quarter]}
    timeliness: dict = field(default_factory=dict)
    #: ``meeting.plan_aggregates`` rows (plan, strategy, tag, Figures) they were read from.
    plan_rows: list = field(default_factory=list)
    convergence_as_of: dt.datetime | None = None


def agency_sources(region_code: str, year: int, quarter: int, *,
                   today: dt.date | None = None) -> Sources:
    """Every organisation's source values of the local agency scorecard (see the module)."""
    overview, _due, _counts = plan_selectors.region_overview(region_code, year, today=today,
                                                            item_counts=False)
    rows = meeting.plan_aggregates(region_code, year, quarter)
    per_plan = meeting.grouped(rows, 0)
    by_plan_strategy: dict[int, dict[str, float]] = {}
    for plan_id, strategy, _tag, figures in rows:
        budgets = by_plan_strategy.setdefault(plan_id, {})
        budgets[strategy] = budgets.get(strategy, 0.0) + figures.budget
    orgs = [row.organisation for row in overview]
    shares = beneficiary_shares([o.pk for o in orgs], region_code, year)
    out = Sources(organisations=orgs, beneficiaries=shares, plan_rows=rows)
    runs = runs_for(region_code, year)
    out.convergence_as_of = max((r.computed_at for r in runs), default=None)
    for row in overview:
        org = row.organisation.pk
        plan = row.plan
        figures = per_plan.get(plan.pk) if plan else None
        values: dict = {}
        targets: dict = {}
        if figures is not None:
            values["output"] = figures.k_achievement
            targets["output"] = 100.0 if figures.k_items else None
            values["budget"] = figures.realised
            targets["budget"] = figures.budget or None
        out.timeliness[org] = [cell["timeliness"] for cell in row.cells[:quarter]]
        for cell in row.cells[:quarter]:
            answer = {plan_selectors.ON_TIME: True, plan_selectors.LATE: False}.get(
                cell["timeliness"])
            values[f"report_q{cell['quarter']}"] = answer
        helped, in_target, poorest = shares.get(org, (0, 0, 0))
        if helped:
            values["target_group"], values["desil_1_2"] = in_target, poorest
            targets["target_group"] = targets["desil_1_2"] = helped
        out.values[org], out.targets[org] = values, targets
        out.plans[org] = plan
        budgets = by_plan_strategy.get(plan.pk, {}) if plan else {}
        # The strategy most of the plan's budget serves (ties: the national order).
        order = [value for value, _label in Strategy.choices]
        out.strategy[org] = (max(budgets, key=lambda s: (budgets[s], -order.index(s)))
                             if budgets else NO_STRATEGY)
    return out


@dataclass
class AgencyScorecard:
    region: object
    year: int
    quarter: int
    card: engine.Scorecard
    sources: Sources
    rows: list[engine.PeerScore]
    by_strategy: list[tuple[str, str, list[engine.PeerScore]]]
    awards: list[tuple[str, str, list[engine.PeerScore]]]
    columns: list[tuple[str, str]]


def agency_scorecard(region, year: int, quarter: int, *, today: dt.date | None = None,
                     top: int = 3) -> AgencyScorecard:
    """Scores and ranks of the region's organisations: overall, per strategy (the strategy
    most of an organisation's planned budget serves) and the award winners per strategy."""
    sources = agency_sources(region.code, year, quarter, today=today)
    card = local_agency_card(region.code, quarter)
    peers = [o.pk for o in sources.organisations]
    names = {o.pk: o.name for o in sources.organisations}
    rows = engine.score_peers(card, sources.values, targets=sources.targets, peers=peers,
                              names=names)
    grouped = engine.score_peers(card, sources.values, targets=sources.targets, peers=peers,
                                 names=names, groups=sources.strategy)
    labels = dict(Strategy.choices)
    by_strategy: dict[str, list[engine.PeerScore]] = {}
    for row in grouped:
        by_strategy.setdefault(row.group or NO_STRATEGY, []).append(row)
    order = [value for value, _label in Strategy.choices] + [NO_STRATEGY]
    strategies = [(s, str(labels.get(s, _("No action plan"))), by_strategy[s])
                  for s in order if s in by_strategy]
    won = engine.awards(grouped, top)
    winners = [(s, label, won.get(s, [])) for s, label, _rows in strategies
               if s != NO_STRATEGY and won.get(s)]
    columns = [(c.key, str(LABELS.get(c.key, c.label))) for c in card.criteria]
    return AgencyScorecard(region=region, year=year, quarter=quarter, card=card,
                           sources=sources, rows=rows, by_strategy=strategies,
                           awards=winners, columns=columns)


# --- Kab/kota of a province: the PMK 97/2023 fiscal-incentive ranking ---------------------

#: The PMK 97/2023 criteria's display names (the engine's labels are English).
PMK_LABELS = {
    "spending": _("Tagged spending realised"),
    "spending_direct": _("Direct (langsung), share of spending (%)"),
    "spending_indirect": _("Indirect (tidak langsung), share of spending (%)"),
    "spending_support": _("Support (penunjang), share of spending (%)"),
    "compliance": _("Compliance"),
    "decree": _("Decree (SK)"),
    "verified_data": _("Verified data annex"),
    "report_q1": _("Q1 report"),
    "report_q2": _("Q2 report"),
}
_TAG_KEYS = {"direct": "spending_direct", "indirect": "spending_indirect",
             "support": "spending_support"}


@dataclass
class ProvinceScorecard:
    province: object
    year: int
    card: engine.Scorecard
    regions: list
    rows: list[engine.PeerScore]
    spending: dict
    compliance: dict
    awards: dict
    leaves: list[tuple[str, str]]


def province_scorecard(province, year: int, *, quarter: int = 4) -> ProvinceScorecard:
    """Every kab/kota of ``province`` scored on the PMK 97/2023 preset for ``year`` and
    ranked among the kabupaten and among the kota (as the incentive is awarded).

    Tagged spending: the Rp realised to ``quarter`` under each expenditure tag of the
    kab/kota's action plans, as a percentage of the total spending budget it reported
    (``RegionCompliance``); compliance items as reported. Three queries in all."""
    from konvergen.regions.models import Level, Region
    from konvergen.scorecards.models import RegionCompliance

    regions = list(Region.objects.filter(parent=province, level=Level.KABKOTA)
                   .order_by("code"))
    codes = [r.code for r in regions]
    spending = meeting.tag_spending(codes, year, quarter)
    compliance = {c.region_id: c for c in RegionCompliance.objects.filter(
        region_id__in=codes, year=year)}
    values: dict = {}
    for code in codes:
        row = compliance.get(code)
        total = float(row.spending_budget) if row and row.spending_budget else None
        tags = spending.get(code, {})
        values[code] = {
            key: (tags.get(tag, (0.0, 0.0))[1] * 100 / total if total else None)
            for tag, key in _TAG_KEYS.items()}
        for key in ("decree", "verified_data", "report_q1", "report_q2"):
            values[code][key] = getattr(row, key) if row else None
    card = engine.pmk_97_2023()
    rows = engine.score_peers(card, values, peers=codes,
                              names={r.code: r.name for r in regions},
                              groups={r.code: r.kind for r in regions})
    leaves = [(key, str(PMK_LABELS.get(key, key))) for key in card.leaves()]
    return ProvinceScorecard(province=province, year=year, card=card, regions=regions,
                             rows=rows, spending=spending, compliance=compliance,
                             awards=engine.awards(rows, 3), leaves=leaves)


# --- Scorecards a secretariat defines ------------------------------------------------------


def custom_scorecards(region, peers: str | None = None) -> list:
    """The region's own scorecards (not archived), by name."""
    from konvergen.scorecards.models import CustomScorecard

    rows = CustomScorecard.objects.filter(region=region, archived=False)
    if peers:
        rows = rows.filter(peers=peers)
    return list(rows.order_by("name", "pk"))


def engine_card(custom, criteria=None) -> engine.Scorecard:
    """The engine's scorecard of a ``CustomScorecard`` (its criteria in order)."""
    criteria = list(custom.criteria.all()) if criteria is None else criteria
    leaves = []
    for c in criteria:
        polarity = c.polarity or None
        if c.rule == engine.ACHIEVEMENT:
            polarity = polarity or engine.HIGHER
        elif c.rule != engine.MINMAX:
            polarity = None
        cap = c.cap if c.rule in engine.CAPPED_RULES else None
        leaves.append(engine.Criterion(c.key, c.label, c.rule, c.weight, polarity=polarity,
                                       cap=cap))
    return engine.Scorecard(f"custom-{custom.pk}", custom.name, tuple(leaves))


@dataclass
class CustomResult:
    scorecard: object
    year: int
    quarter: int
    card: engine.Scorecard
    columns: list[tuple[str, str]]
    rows: list[engine.PeerScore]
    #: [(strategy, label, rows)] — agencies: grouped by main strategy; regions: each
    #: strategy's plans only (empty when no criterion reads the plans).
    by_strategy: list
    awards: list
    as_of: list
    group_labels: dict


def custom_result(custom, year: int, quarter: int, *, today: dt.date | None = None
                  ) -> CustomResult:
    """Score and rank the peers of a secretariat's own scorecard (see ``sources``)."""
    from konvergen.regions.models import Kind
    from konvergen.scorecards import sources
    from konvergen.scorecards.models import Peers

    criteria = list(custom.criteria.all())
    card = engine_card(custom, criteria)
    used = {c.source for c in criteria}
    strategy_labels = {**dict(Strategy.choices), NO_STRATEGY: _("No action plan")}
    if custom.peers == Peers.AGENCIES:
        facts = sources.agency_facts(custom.region, year, quarter, used, today=today)
    else:
        parameters = {c.parameter for c in criteria if sources.CATALOGUE[c.source].parameter
                      == sources.P_INDICATOR and c.parameter}
        facts = sources.region_facts(custom.region, year, quarter, used, parameters,
                                     today=today)
    values, targets = sources.values(criteria, facts)
    kinds = {k: str(label) for k, label in Kind.choices}
    region_groups = facts.groups if (custom.peers == Peers.REGIONS
                                     and custom.separate_kinds) else None
    rows = engine.score_peers(card, values, targets=targets, peers=facts.peers,
                              names=facts.names, groups=region_groups)
    by_strategy: list = []
    awards: list = []
    order = [*sources.STRATEGIES, NO_STRATEGY]
    if custom.peers == Peers.AGENCIES:
        grouped = engine.score_peers(card, values, targets=targets, peers=facts.peers,
                                     names=facts.names, groups=facts.groups)
        per: dict = {}
        for row in grouped:
            per.setdefault(row.group or NO_STRATEGY, []).append(row)
        by_strategy = [(s, str(strategy_labels[s]), per[s]) for s in order if s in per]
        won = engine.awards(grouped, custom.top)
        awards = [(s, label, won.get(s, [])) for s, label, _r in by_strategy
                  if s != NO_STRATEGY and won.get(s)]
    else:
        won = engine.awards(rows, custom.top)
        awards = [(g, kinds.get(g or "", str(g or _("All"))), won[g]) for g in sorted(
            won, key=lambda g: str(g)) if won[g]]
        if any(sources.CATALOGUE[c.source].plan for c in criteria):
            present = {s for tags in facts.plans.values() for s in tags}
            for s in sources.STRATEGIES:
                if s not in present:
                    continue
                s_values, s_targets = sources.values(criteria, facts, strategy=s)
                s_rows = engine.score_peers(card, s_values, targets=s_targets,
                                            peers=facts.peers, names=facts.names,
                                            groups=region_groups)
                by_strategy.append((s, str(strategy_labels[s]), s_rows))
                s_won = engine.awards(s_rows, custom.top)
                winners = [row for g in sorted(s_won, key=str) for row in s_won[g]]
                if winners:
                    awards.append((s, str(strategy_labels[s]), winners))
    columns = [(c.key, c.label) for c in criteria]
    return CustomResult(scorecard=custom, year=year, quarter=quarter, card=card,
                        columns=columns, rows=rows, by_strategy=by_strategy, awards=awards,
                        as_of=facts.as_of, group_labels=kinds)


def custom_scorecard_for(user, scorecard_id, *, manage: bool = False):
    """A scorecard a secretariat defined: read with ``scorecards`` (organisations of a
    kab/kota) or ``scorecards_province`` (kab/kota of a province) over its region, changed
    with ``scorecards_manage``; else Http404."""
    from konvergen.accounts import access
    from konvergen.scorecards.models import CustomScorecard, Peers

    card = access.get_visible(
        CustomScorecard.objects.select_related("region").filter(archived=False), None,
        scorecard_id)
    feature = ("scorecards_manage" if manage else
               "scorecards" if card.peers == Peers.AGENCIES else "scorecards_province")
    access.require_in_scope(user, card.region_id, feature=feature)
    return card


# --- reads of the index and compliance pages -------------------------------------------------

def scorecard_regions(user):
    """The kab/kota whose organisations the user may compare and the provinces whose
    kab/kota the user may rank (querysets by code)."""
    regions = access.visible(user, Region.objects.filter(level=Level.KABKOTA),
                             feature="scorecards").order_by("code")
    provinces = access.visible(user, Region.objects.filter(level=Level.PROVINCE),
                               feature="scorecards_province").order_by("code")
    return regions, provinces


def region_compliance(region, year: int) -> RegionCompliance | None:
    """The kab/kota's PMK 97/2023 inputs of the year, or ``None``."""
    return RegionCompliance.objects.filter(region=region, year=year).first()
