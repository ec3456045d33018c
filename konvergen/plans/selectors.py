"""Reads for the plans pages, exports and later consumers (meeting pack, scorecards, LP2KD).

Every function works on sets: a plan's items, realisations and reports in a few queries,
a region's plans and reports in two, programme reach in one aggregate.
"""

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Q
from django.utils import timezone

from konvergen.accounts import access
from konvergen.organisations.models import Organisation, OrganisationKind
from konvergen.plans import e81
from konvergen.plans.models import (
    ActionPlan,
    Deadline,
    Evidence,
    ItemUpload,
    PlanItem,
    QuarterReport,
    Realisation,
    SignoffEvent,
    State,
    default_due_date,
)
from konvergen.programs.models import Intervention, Programme
from konvergen.regions.models import Level, Region

ON_TIME, LATE, OPEN = "on_time", "late", "open"


def plans_for(user, *, year: int | None = None, region_code: str = ""):
    """Plans the user may read, newest year first, with their item counts."""
    plans = (ActionPlan.objects.filter(access.plans_q(user))
             .select_related("organisation", "region")
             .annotate(n_items=Count("items", distinct=True)))
    if year:
        plans = plans.filter(year=year)
    if region_code:
        plans = plans.filter(region_id=region_code)
    return plans.order_by("-year", "region_id", "organisation__name")


def items_of(plan: ActionPlan) -> list[PlanItem]:
    return list(PlanItem.objects.filter(plan=plan).select_related("programme"))


def programme_reach(programme_ids, year: int) -> dict[int, dict]:
    """Interventions and distinct families of each programme in ``year`` (cancelled and
    stopped ones left out), in one aggregate query."""
    ids = {i for i in programme_ids if i}
    if not ids:
        return {}
    rows = (Intervention.objects.filter(programme_id__in=ids, year=year)
            .exclude(status__in=[Intervention.Status.CANCELLED, Intervention.Status.STOPPED])
            .values("programme_id")
            .annotate(n=Count("id"), families=Count("family_id", distinct=True)))
    return {r["programme_id"]: {"interventions": r["n"], "families": r["families"]}
            for r in rows}


def due_dates(region_code: str, year: int) -> dict[int, dt.date]:
    """Each quarter's due date in the region and year: the secretariat's setting, else the
    default (the 10th day after the quarter ends)."""
    set_ = dict(Deadline.objects.filter(region_id=region_code, year=year).values_list(
        "quarter", "due_on"))
    return {q: set_.get(q) or default_due_date(year, q) for q in e81.QUARTERS}


def timeliness(first_submitted_at, due_on: dt.date, today: dt.date | None = None) -> str:
    """``late`` when submitted after the due date or not submitted by it; ``on_time`` when
    submitted by it; ``open`` while not submitted and not yet due."""
    today = today or timezone.localdate()
    if first_submitted_at is not None:
        submitted_on = timezone.localdate(first_submitted_at)
        return LATE if submitted_on > due_on else ON_TIME
    return LATE if today > due_on else OPEN


def _figures(item: PlanItem, real: dict[int, tuple], prior_zero: bool) -> e81.Figures:
    real_k = [real.get(q, (None, None))[0] for q in e81.QUARTERS]
    real_rp = [real.get(q, (None, None))[1] for q in e81.QUARTERS]
    prior_k, prior_rp = item.prior_k, item.prior_rp
    if prior_zero:
        prior_k = Decimal(0) if prior_k is None else prior_k
        prior_rp = Decimal(0) if prior_rp is None else prior_rp
    return e81.Figures(
        target_k=item.target_k, target_rp=item.target_rp, real_k=real_k, real_rp=real_rp,
        q_target_k=item.quarter_targets_k(), q_target_rp=item.quarter_targets_rp(),
        period_target_k=item.period_target_k, period_target_rp=item.period_target_rp,
        prior_k=prior_k, prior_rp=prior_rp)


@dataclass
class E81Table:
    plan: ActionPlan
    quarter: int
    lines: list[tuple[PlanItem, e81.Row]] = field(default_factory=list)
    totals: e81.Totals = field(default_factory=e81.Totals)
    reports: dict[int, QuarterReport] = field(default_factory=dict)


def e81_tables(plans: list[ActionPlan], quarter: int = 4) -> list[E81Table]:
    """The E.81 columns of every item of ``plans`` up to ``quarter`` (three queries)."""
    plan_ids = [p.pk for p in plans]
    items: dict[int, list[PlanItem]] = {pk: [] for pk in plan_ids}
    for item in PlanItem.objects.filter(plan_id__in=plan_ids).select_related("programme"):
        items[item.plan_id].append(item)
    real: dict[int, dict[int, tuple]] = {}
    for r in Realisation.objects.filter(report__plan_id__in=plan_ids).values(
            "item_id", "report__quarter", "k", "rp"):
        real.setdefault(r["item_id"], {})[r["report__quarter"]] = (r["k"], r["rp"])
    reports: dict[int, dict[int, QuarterReport]] = {pk: {} for pk in plan_ids}
    for report in QuarterReport.objects.filter(plan_id__in=plan_ids):
        reports[report.plan_id][report.quarter] = report
    out = []
    for plan in plans:
        # In the first year of a plan period nothing was realised in earlier years.
        prior_zero = plan.period_start is not None and plan.year == plan.period_start
        lines = [(item, e81.compute(_figures(item, real.get(item.pk, {}), prior_zero),
                                    quarter)) for item in items[plan.pk]]
        out.append(E81Table(plan=plan, quarter=quarter, lines=lines,
                            totals=e81.totals(row for _i, row in lines),
                            reports=reports[plan.pk]))
    return out


def e81_table(plan: ActionPlan, quarter: int = 4) -> E81Table:
    return e81_tables([plan], quarter)[0]


def report_of(plan: ActionPlan, quarter: int) -> QuarterReport | None:
    return QuarterReport.objects.filter(plan=plan, quarter=quarter).prefetch_related(
        "evidence").first()


def realisation_of(report: QuarterReport | None) -> dict[int, tuple]:
    if report is None:
        return {}
    return {r.item_id: (r.k, r.rp) for r in Realisation.objects.filter(report=report)}


def history(plan: ActionPlan, report: QuarterReport | None = None, *,
            plan_only: bool = False) -> list[SignoffEvent]:
    """The sign-off steps of the plan (and of ``report``), oldest first."""
    events = SignoffEvent.objects.filter(plan=plan).select_related("actor", "report")
    if report is not None:
        events = events.filter(Q(report=report) | Q(report__isnull=True))
    elif plan_only:
        events = events.filter(report__isnull=True)
    labels = dict(State.choices)
    out = list(events)
    for e in out:
        e.state_label = labels.get(e.to_state, e.to_state)  # type: ignore[attr-defined]
    return out


def region_organisations(region_code: str):
    """Organisations of the region that keep plans: agencies and partners (not the
    secretariat itself, not vertical ministries)."""
    return Organisation.objects.filter(region_id=region_code, is_active=True).exclude(
        kind__in=[OrganisationKind.SECRETARIAT, OrganisationKind.VERTICAL]).order_by("name")


@dataclass
class OverviewRow:
    organisation: Organisation
    plan: ActionPlan | None
    cells: list[dict]


def region_overview(region_code: str, year: int, *, today: dt.date | None = None,
                    item_counts: bool = True
                    ) -> tuple[list[OverviewRow], dict[int, dt.date], dict]:
    """Every organisation of the region × quarter: the plan's and reports' states, due
    dates and lateness, and counts per quarter (submitted, verified, approved, late).
    ``item_counts`` annotates each plan with ``n_items`` (callers that count items
    themselves leave it out)."""
    due = due_dates(region_code, year)
    today = today or timezone.localdate()
    plans_qs = ActionPlan.objects.filter(region_id=region_code, year=year)
    if item_counts:
        plans_qs = plans_qs.annotate(n_items=Count("items"))
    plans = {p.organisation_id: p for p in plans_qs}
    reports: dict[tuple[int, int], QuarterReport] = {
        (r.plan_id, r.quarter): r
        for r in QuarterReport.objects.filter(plan__in=list(plans.values()))}
    orgs = list(region_organisations(region_code))
    known = {o.pk for o in orgs}
    orgs += [p.organisation for p in ActionPlan.objects.filter(
        region_id=region_code, year=year).exclude(organisation_id__in=known).select_related(
        "organisation")]
    counts = {q: {"submitted": 0, "verified": 0, "approved": 0, "late": 0, "missing": 0}
              for q in e81.QUARTERS}
    rows = []
    for org in orgs:
        plan = plans.get(org.pk)
        cells = []
        for q in e81.QUARTERS:
            report = reports.get((plan.pk, q)) if plan else None
            state = report.state if report else ""
            when = timeliness(report.first_submitted_at if report else None, due[q], today)
            cells.append({"quarter": q, "report": report, "state": state, "late": when == LATE,
                          "timeliness": when, "due": due[q]})
            c = counts[q]
            if report and report.first_submitted_at:
                c["submitted"] += 1
            if state in (State.VERIFIED, State.APPROVED):
                c["verified"] += 1
            if state == State.APPROVED:
                c["approved"] += 1
            if when == LATE:
                c["late"] += 1
            if when != ON_TIME and not (report and report.first_submitted_at):
                c["missing"] += 1
        rows.append(OverviewRow(organisation=org, plan=plan, cells=cells))
    return rows, due, counts


def plan_for(user, plan_id, *, edit: bool = False):
    """An action plan the user may read (``access.plans_q``), or with ``edit`` change (its
    own organisation's). Http404 otherwise, the same as for a plan that does not exist."""
    return access.get_visible(
        ActionPlan.objects.select_related("organisation", "region"),
        access.plans_q(user, feature="plans_edit" if edit else "plans"), plan_id)


def may_on_plan(user, plan, feature: str) -> bool:
    """May the user do ``feature`` (plans_edit, plans_submit, plans_verify, plans_approve)
    on ``plan``? Services ask this too, so a crafted request cannot act on another plan."""
    return ActionPlan.objects.filter(access.plans_q(user, feature=feature),
                                     pk=plan.pk).exists()


# --- reads of the plan pages (lists, forms, files) -------------------------------------------

def editable_organisations(user):
    """Organisations the user may make plans for (their own; any for administrators)."""
    orgs = Organisation.objects.filter(region__level=Level.KABKOTA, is_active=True).exclude(
        kind__in=[OrganisationKind.SECRETARIAT, OrganisationKind.VERTICAL])
    if getattr(user, "is_superuser", False):
        return orgs.select_related("region")
    ids = {a.organisation_id for a in access.assignments(user)
           if a.role in access.FEATURES["plans_edit"] and a.organisation_id}
    return orgs.filter(pk__in=ids).select_related("region")


def has_editable_organisations(user) -> bool:
    """Whether the user may make a plan for some organisation."""
    return editable_organisations(user).exists()


def overview_regions(user, year: int) -> list[Region]:
    """The kab/kota whose overview the user may open: those of their assignments, and
    (for province-wide or national scopes) those with plans of the year."""
    roles = access.FEATURES["plans"] - {"agency", "agency_head", "partner"}
    if not access.has_scope(user, roles=roles):
        return []
    with_plans = set(ActionPlan.objects.filter(year=year).values_list("region_id", flat=True))
    regions = access.visible(user, Region.objects.filter(level=Level.KABKOTA), roles=roles)
    own = set(access.display_scopes(user, roles=roles))
    return [r for r in regions.filter(code__in=with_plans | own).order_by("code")]


def plan_programmes(plan):
    """The programmes of the plan's organisation and region (an item's choices)."""
    return Programme.objects.filter(organisation_id=plan.organisation_id,
                                    region_id=plan.region_id).order_by("code")


def plan_item(plan, item_id: int) -> PlanItem | None:
    return PlanItem.objects.filter(plan=plan, pk=item_id).first()


def recent_item_uploads(plan, limit: int = 10):
    """The plan's latest item uploads."""
    return ItemUpload.objects.filter(plan=plan)[:limit]


def item_upload(plan, upload_id: int) -> ItemUpload | None:
    return ItemUpload.objects.filter(plan=plan, pk=upload_id).first()


def plan_evidence(plan, evidence_id: int) -> Evidence | None:
    """One evidence file of the plan's quarterly reports, or ``None``."""
    return Evidence.objects.filter(report__plan=plan, pk=evidence_id).first()


def region_plans(region, year: int) -> list[ActionPlan]:
    """The kab/kota's plans of the year with their organisations, by organisation name."""
    return list(ActionPlan.objects.filter(region=region, year=year).select_related(
        "organisation", "region").order_by("organisation__name"))
