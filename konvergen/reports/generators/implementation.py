"""Chapters III, IV and VII: plan documents, the action plans' budget and realisation by
strategy, agency, expenditure tag and funding source, the partners outside the APBD, and
the obstacles the agencies reported. Sums come from ``plans.meeting.plan_aggregates`` (one
query over every item of the year) and a few aggregate queries."""

from __future__ import annotations

from django.db.models import Count, Sum
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

from konvergen.reports.document import Block, Chart, Column, Series, Table
from konvergen.reports.generators import data
from konvergen.reports.generators.base import (
    Context,
    generator,
    join_sources,
    konvergen_source,
    latest,
    no_data,
    share,
)
from konvergen.reports.models import BlockKind

#: Million rupiah: the unit of budget charts.
MILLION = 1_000_000


def _no_plans(ctx: Context) -> list[Block]:
    return no_data(_("No action plan of %(year)s has been recorded for %(region)s yet.") % {
        "year": ctx.year, "region": ctx.region.name})


def _money_columns() -> list[Column]:
    return [Column(title=pgettext("lp2kd", "Items"), kind="number"),
            Column(title=_("Budget (Rp)"), kind="number"),
            Column(title=_("Realised (Rp)"), kind="number"),
            Column(title=_("Budget realised"), kind="percent", decimals=1)]


def _money(figures) -> list:
    return [figures.items, figures.budget, figures.realised, figures.budget_pct]


def _plans_table(ctx: Context, caption: str, first: list[Column], rows: list[list],
                 total) -> list[Block]:
    rows = [*rows, [_("Total"), *[""] * (len(first) - 1), *_money(total)]]
    return [Table(caption=caption, columns=[*first, *_money_columns()], rows=rows,
                  total_row=True, source=data.plans_source(),
                  as_of=data.plans_as_of(ctx) or ctx.today)]


def _total(rows: list[tuple]):
    from konvergen.plans.meeting import Figures

    total = Figures()
    for row in rows:
        total.add(row[3])
    return total


@generator("plan_documents", BlockKind.TABLE, gettext_lazy("Plan documents and targets"))
def plan_documents(ctx: Context, params: dict) -> list[Block]:
    from konvergen.targets import selectors
    from konvergen.targets.models import PlanDocument, Target

    documents = [d for d in selectors.documents_for(ctx.region)
                 if d.year_start <= ctx.year <= d.year_end or d.year_end >= ctx.year - 5]
    if not documents:
        return no_data(_("No plan document (RPJMD, RPKD, RKPD) has been recorded yet."))
    targets = dict(Target.objects.filter(document__in=documents, region=ctx.region).values(
        "document_id").annotate(n=Count("id")).values_list("document_id", "n"))
    kinds = dict(PlanDocument.Kind.choices)
    rows = [[str(kinds.get(d.kind, d.kind)).split(" (")[0], d.number, d.title,
             f"{d.year_start}–{d.year_end}", targets.get(d.pk, 0)] for d in documents]
    return [Table(
        caption=_("Plan documents of %(region)s and the targets they set") % {
            "region": ctx.region.name},
        columns=[Column(title=_("Kind")), Column(title=_("Number")), Column(title=_("Title")),
                 Column(title=_("Period")), Column(title=_("Targets set"), kind="number")],
        rows=rows, source=konvergen_source(_("Plan documents of the region")),
        as_of=latest(*(d.issued_on or d.updated_at for d in documents)) or ctx.today)]


@generator("strategy_budget", BlockKind.TABLE, gettext_lazy("Budget by strategy"))
def strategy_budget(ctx: Context, params: dict) -> list[Block]:
    from konvergen.plans.meeting import grouped
    from konvergen.programs.models import Strategy

    rows = data.plan_rows(ctx)
    if not rows:
        return _no_plans(ctx)
    by = grouped(rows, 1)
    total = _total(rows)
    table = [[str(label), by[value].items, by[value].budget, share(by[value].budget, total.budget)]
             for value, label in Strategy.choices if value in by]
    table.append([_("Total"), total.items, total.budget, 100.0 if total.budget else None])
    return [Table(
        caption=_("Action plan budget of %(year)s by national strategy") % {"year": ctx.year},
        columns=[Column(title=_("Strategy")),
                 Column(title=pgettext("lp2kd", "Items"), kind="number"),
                 Column(title=_("Budget (Rp)"), kind="number"),
                 Column(title=_("Share of the budget"), kind="percent", decimals=1)],
        rows=table, total_row=True, source=data.plans_source(),
        as_of=data.plans_as_of(ctx) or ctx.today)]


@generator("plans_by_strategy_and_agency", BlockKind.TABLE,
           gettext_lazy("Plan and realisation by strategy and agency"))
def plans_by_strategy_and_agency(ctx: Context, params: dict) -> list[Block]:
    from konvergen.plans.meeting import Figures
    from konvergen.programs.models import Strategy

    rows = data.plan_rows(ctx)
    if not rows:
        return _no_plans(ctx)
    plans = data.plans(ctx)
    cells: dict[tuple[str, int], Figures] = {}
    for plan_id, strategy, _tag, figures in rows:
        cells.setdefault((strategy, plan_id), Figures()).add(figures)
    table = []
    for value, label in Strategy.choices:
        keyed = sorted((str(plans[p].organisation), f) for (s, p), f in cells.items()
                       if s == value)
        for name, figures in keyed:
            table.append([str(label), name, *_money(figures),
                          figures.k_achievement])
    total = _total(rows)
    table.append([_("Total"), "", *_money(total), total.k_achievement])
    return [Table(
        caption=_("Action plans of %(year)s: budget and realisation by strategy and "
                  "organisation") % {"year": ctx.year},
        columns=[Column(title=_("Strategy")), Column(title=_("Organisation")),
                 *_money_columns(),
                 Column(title=_("Output achievement"), kind="percent", decimals=1)],
        rows=table, total_row=True, source=data.plans_source(),
        as_of=data.plans_as_of(ctx) or ctx.today)]


@generator("strategy_chart", BlockKind.CHART,
           gettext_lazy("Chart: budget and realisation by strategy"))
def strategy_chart(ctx: Context, params: dict) -> list[Block]:
    from konvergen.plans.meeting import grouped
    from konvergen.programs.models import Strategy

    rows = data.plan_rows(ctx)
    if not rows:
        return _no_plans(ctx)
    by = grouped(rows, 1)
    picked = [(str(label), by[value]) for value, label in Strategy.choices if value in by]
    return [Chart(
        caption=_("Budget and realisation by strategy, %(year)s (million Rp)") % {
            "year": ctx.year},
        kind="bar", categories=[label for label, _f in picked],
        series=[Series(name=_("Budget"), values=[f.budget / MILLION for _l, f in picked]),
                Series(name=_("Realised"), values=[f.realised / MILLION for _l, f in picked])],
        y_label=_("million Rp"), source=data.plans_source(),
        as_of=data.plans_as_of(ctx) or ctx.today)]


@generator("plans_by_expenditure_tag", BlockKind.TABLE,
           gettext_lazy("Plan and realisation by expenditure tag"))
def plans_by_expenditure_tag(ctx: Context, params: dict) -> list[Block]:
    from konvergen.plans.meeting import grouped
    from konvergen.plans.models import ExpenditureTag

    rows = data.plan_rows(ctx)
    if not rows:
        return _no_plans(ctx)
    by = grouped(rows, 2)
    table = [[str(label), *_money(by[value])] for value, label in ExpenditureTag.choices
             if value in by]
    return _plans_table(ctx, _("Extreme-poverty spending by tag, %(year)s") % {
        "year": ctx.year}, [Column(title=_("Expenditure tag"))], table, _total(rows))


@generator("plans_by_funding_source", BlockKind.TABLE,
           gettext_lazy("Plan and realisation by funding source"))
def plans_by_funding_source(ctx: Context, params: dict) -> list[Block]:
    from konvergen.plans.meeting import Figures
    from konvergen.programs.models import Funding

    sums = data.funding_sums(ctx)
    if not sums:
        return _no_plans(ctx)
    table, total = [], Figures()
    for value, label in Funding.choices:
        if value in sums:
            items, budget, realised = sums[value]
            figures = Figures(items=items, budget=budget, realised=realised)
            total.add(figures)
            table.append([str(label), *_money(figures)])
    return _plans_table(ctx, _("Action plan budget and realisation by funding source, "
                               "%(year)s") % {"year": ctx.year},
                        [Column(title=_("Funding source"))], table, total)


#: Organisation kinds outside the regional government budget (pentahelix partners).
PARTNER_KINDS = ("bumd", "csr", "zakat", "university", "community", "media", "cooperative")


@generator("partners_non_apbd", BlockKind.TABLE, gettext_lazy("Partners outside the APBD"))
def partners_non_apbd(ctx: Context, params: dict) -> list[Block]:
    from konvergen.organisations.models import Organisation, OrganisationKind
    from konvergen.plans.meeting import grouped
    from konvergen.programs.models import Programme

    partners = list(Organisation.objects.filter(region=ctx.region, is_active=True,
                                                kind__in=PARTNER_KINDS).order_by("kind", "name"))
    if not partners:
        return no_data(_("No partner outside the regional government is recorded in the "
                         "stakeholder directory yet."))
    ids = [p.pk for p in partners]
    programmes = {r["organisation_id"]: r for r in Programme.objects.filter(
        organisation_id__in=ids, year_start__lte=ctx.year, year_end__gte=ctx.year).values(
        "organisation_id").annotate(n=Count("id"), budget=Sum("budget"))}
    conv = data.convergence(ctx)
    reached = {}
    if conv is not None:
        reached = {int(r["key"]): r for r in conv["budget"]
                   if r["dimension"] == "organisation_id" and r["key"]}
    per_plan = grouped(data.plan_rows(ctx), 0)
    plans = data.plans(ctx)
    realised = {plans[p].organisation_id: f.realised for p, f in per_plan.items() if p in plans}
    kinds = dict(OrganisationKind.choices)
    k = data.small_cell_k(ctx)
    rows = []
    for org in partners:
        prog = programmes.get(org.pk, {})
        rows.append([org.name, str(kinds.get(org.kind, org.kind)), prog.get("n", 0),
                     float(prog.get("budget") or 0),
                     data.suppressed(reached.get(org.pk, {}).get("families"), k),
                     reached.get(org.pk, {}).get("value"), realised.get(org.pk)])
    sources = [_("Stakeholder directory and programmes (Konvergen)")]
    if conv is not None:
        sources.append(conv["source"])
    return [Table(
        caption=_("Partners outside the APBD and their programmes, %(year)s") % {
            "year": ctx.year},
        columns=[Column(title=_("Partner")), Column(title=_("Type")),
                 Column(title=_("Programmes"), kind="number"),
                 Column(title=_("Programme budget (Rp)"), kind="number"),
                 Column(title=_("Families reached"), kind="number"),
                 Column(title=_("Value delivered (Rp)"), kind="number"),
                 Column(title=_("Action plan realised (Rp)"), kind="number")],
        rows=rows, source=join_sources(sources),
        as_of=latest(conv["as_of"] if conv else None, data.plans_as_of(ctx)) or ctx.today)]


@generator("plans_obstacles", BlockKind.TABLE,
           gettext_lazy("Obstacles and follow-up reported by the agencies"))
def plans_obstacles(ctx: Context, params: dict) -> list[Block]:
    from konvergen.plans.models import QuarterReport

    reports = list(QuarterReport.objects.filter(
        plan__region_id=ctx.region.code, plan__year=ctx.year).exclude(obstacles="", follow_up="")
        .select_related("plan__organisation").order_by("plan__organisation__name", "-quarter"))
    latest_of: dict[int, QuarterReport] = {}
    for report in reports:
        latest_of.setdefault(report.plan_id, report)
    if not latest_of:
        return no_data(_("No agency has reported obstacles or follow-up for %(year)s yet.") % {
            "year": ctx.year})
    rows = [[str(r.plan.organisation), str(r.quarter), r.obstacles, r.follow_up]
            for r in latest_of.values()]
    return [Table(
        caption=_("Obstacles and follow-up in the agencies' latest quarterly reports"),
        columns=[Column(title=_("Organisation")), Column(title=_("Quarter")),
                 Column(title=_("Obstacles")), Column(title=_("Follow-up"))],
        rows=rows, source=data.plans_source(),
        as_of=latest(*(r.updated_at for r in latest_of.values())) or ctx.today)]


@generator("plans_by_agency", BlockKind.TABLE, gettext_lazy("Action plans by organisation"))
def plans_by_agency(ctx: Context, params: dict) -> list[Block]:
    from konvergen.plans.meeting import Figures, grouped
    from konvergen.plans.models import State

    overview, _due, _counts = data.overview(ctx)
    if not overview:
        return _no_plans(ctx)
    per_plan = grouped(data.plan_rows(ctx), 0)
    states = dict(State.choices)
    rows, total = [], Figures()
    for row in overview:
        figures = per_plan.get(row.plan.pk, Figures()) if row.plan else Figures()
        total.add(figures)
        last = row.cells[-1]
        rows.append([str(row.organisation),
                     str(states[row.plan.state]) if row.plan else _("No plan"),
                     *_money(figures), figures.k_achievement,
                     str(states[last["state"]]) if last["state"] else _("Not submitted")])
    rows.append([_("Total"), "", *_money(total), total.k_achievement, ""])
    return [Table(
        caption=_("Action plans of %(year)s by organisation") % {"year": ctx.year},
        columns=[Column(title=_("Organisation")), Column(title=_("Plan")),
                 *_money_columns(),
                 Column(title=_("Output achievement"), kind="percent", decimals=1),
                 Column(title=_("Quarter IV report"))],
        rows=rows, total_row=True, source=data.plans_source(),
        as_of=data.plans_as_of(ctx) or ctx.today)]
