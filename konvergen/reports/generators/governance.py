"""Chapters I and VI: the data the report stands on, and how the TKPK works — its
stakeholders, the meetings it held, the village deliberations (musdes) that verify the
register, the agencies' reporting against the deadlines and the coordination meetings, and
the agency scorecard."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.db.models import Count, Max, Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from konvergen.reports.document import Block, Cell, Column, Note, Table, format_date
from konvergen.reports.generators import data
from konvergen.reports.generators.base import (
    Context,
    generator,
    konvergen_source,
    latest,
    local_date,
    no_data,
)
from konvergen.reports.models import BlockKind

ROMAN_QUARTERS = {1: "I", 2: "II", 3: "III", 4: "IV"}


def _date(value) -> str:
    day = local_date(value)
    return format_date(day) if day else "–"


@generator("data_sources", BlockKind.TABLE, gettext_lazy("Data sources of this report"))
def data_sources(ctx: Context, params: dict) -> list[Block]:
    from konvergen.meetings.models import Meeting
    from konvergen.targets.models import IndicatorValue, SourceKind
    from konvergen.verification.models import Musdes

    rows = []
    register = data.register(ctx)
    if register is not None:
        rows.append([_("Target register"), ", ".join(register.sources),
                     format_date(register.as_of)])
    official = IndicatorValue.objects.filter(
        region_code=ctx.region.code, source_kind=SourceKind.BPS).aggregate(
        n=Count("id"), year=Max("year"), at=Max("updated_at"))
    if official["n"]:
        rows.append([_("Official figures (BPS)"),
                     _("%(n)s values, latest year %(year)s") % official, _date(official["at"])])
    conv = data.convergence(ctx)
    if conv is not None:
        t = conv["total"]
        rows.append([_("Convergence of programmes"),
                     _("%(families)s families, %(interventions)s interventions") % {
                         "families": t["families"], "interventions": t["interventions"]},
                     format_date(conv["as_of"])])
    plans = data.plans(ctx)
    if plans:
        rows.append([_("Action plans and quarterly reports"),
                     _("%(n)s organisations") % {"n": len(plans)}, _date(data.plans_as_of(ctx))])
    musdes = Musdes.objects.filter(Q(region_code__startswith=ctx.region.code + ".")).aggregate(
        n=Count("id"), last=Max("held_on"))
    if musdes["n"]:
        rows.append([_("Village deliberations (musdes)"),
                     _("%(n)s deliberations") % {"n": musdes["n"]}, _date(musdes["last"])])
    meetings = Meeting.objects.filter(region=ctx.region, held_on__year=ctx.year).aggregate(
        n=Count("id"), last=Max("updated_at"))
    if meetings["n"]:
        rows.append([_("TKPK meetings"), ngettext("%(n)s meeting", "%(n)s meetings",
                                                 meetings["n"]) % {"n": meetings["n"]},
                     _date(meetings["last"])])
    if not rows:
        return no_data(_("No data has been loaded for %(region)s yet.") % {
            "region": ctx.region.name})
    return [Table(
        caption=_("Data this report is generated from"),
        columns=[Column(title=_("Data")), Column(title=_("Content")),
                 Column(title=_("As of"))],
        rows=rows, source="Konvergen", as_of=ctx.today)]


@generator("stakeholders", BlockKind.TABLE, gettext_lazy("Stakeholders by type"))
def stakeholders(ctx: Context, params: dict) -> list[Block]:
    from konvergen.organisations.models import Organisation, OrganisationKind, Pentahelix

    counts = list(Organisation.objects.filter(region=ctx.region, is_active=True).values(
        "kind", "pentahelix").annotate(n=Count("id")).order_by("kind", "pentahelix"))
    if not counts:
        return no_data(_("The stakeholder directory of %(region)s is empty.") % {
            "region": ctx.region.name})
    with_plans: defaultdict[str, int] = defaultdict(int)
    for plan in data.plans(ctx).values():
        with_plans[plan.organisation.kind] += 1
    kinds, categories = dict(OrganisationKind.choices), dict(Pentahelix.choices)
    by_kind: dict[str, list] = {}
    for row in counts:
        entry = by_kind.setdefault(row["kind"], [str(kinds.get(row["kind"], row["kind"])),
                                                 str(categories.get(row["pentahelix"], "")),
                                                 0, with_plans.get(row["kind"], 0)])
        entry[2] += row["n"]
    rows = list(by_kind.values())
    rows.append([_("Total"), "", sum(r[2] for r in rows), sum(r[3] for r in rows)])
    return [Table(
        caption=_("Members of the poverty alleviation coordination by type"),
        columns=[Column(title=_("Type")), Column(title=_("Pentahelix")),
                 Column(title=_("Organisations"), kind="number"),
                 Column(title=_("With an action plan %(year)s") % {"year": ctx.year},
                        kind="number")],
        rows=rows, total_row=True,
        source=konvergen_source(_("Stakeholder directory")), as_of=ctx.today)]


@generator("reporting_compliance", BlockKind.TABLE,
           gettext_lazy("Quarterly reporting and coordination meetings"))
def reporting_compliance(ctx: Context, params: dict) -> list[Block]:
    from konvergen.audit.models import AuditEntry

    overview, due, counts = data.overview(ctx)
    if not overview:
        return no_data(_("No organisation of %(region)s keeps an action plan yet.") % {
            "region": ctx.region.name})
    packs: dict[int, Any] = {}
    for entry in AuditEntry.objects.filter(action="plans.export_meeting_pack",
                                           region_code=ctx.region.code).order_by("at"):
        if entry.changes.get("year") == ctx.year:
            packs.setdefault(entry.changes.get("quarter"), entry.at)
    rows = []
    for quarter, c in counts.items():
        rows.append([ROMAN_QUARTERS[quarter], format_date(due[quarter]), len(overview),
                     c["submitted"], c["approved"], c["late"], c["missing"],
                     _date(packs.get(quarter)) if quarter in packs else _("not prepared")])
    return [Table(
        caption=_("Quarterly reports of the organisations against the deadlines, %(year)s")
        % {"year": ctx.year},
        columns=[Column(title=_("Quarter")), Column(title=_("Due")),
                 Column(title=_("Organisations"), kind="number"),
                 Column(title=_("Submitted"), kind="number"),
                 Column(title=_("Approved"), kind="number"),
                 Column(title=_("Late"), kind="number"),
                 Column(title=_("Not submitted"), kind="number"),
                 Column(title=_("Meeting pack prepared"))],
        rows=rows, source=data.plans_source(),
        as_of=latest(data.plans_as_of(ctx), *packs.values()) or ctx.today)]


#: Characters of a meeting's decisions shown in the report's table.
DECISIONS_SUMMARY = 300


def _summary(text: str, limit: int = DECISIONS_SUMMARY) -> str:
    """A meeting's decisions on one line ("; " between them), shortened to ``limit``."""
    lines = [line.strip().lstrip("-•*").strip() for line in text.splitlines()]
    joined = "; ".join(line for line in lines if line)
    return joined if len(joined) <= limit else joined[: limit - 1].rstrip() + "…"


@generator("meetings_held", BlockKind.TABLE, gettext_lazy("TKPK meetings held"))
def meetings_held(ctx: Context, params: dict) -> list[Block]:
    from konvergen.meetings import selectors
    from konvergen.meetings.models import Kind

    meetings = selectors.meetings_of_year(ctx.region, ctx.year)
    if not meetings:
        return no_data(_("No meeting of the TKPK of %(region)s held in %(year)s has been "
                         "recorded.") % {"region": ctx.region.name, "year": ctx.year})
    kinds = dict(Kind.choices)
    rows: list[list[Cell]] = [
        [format_date(m.held_on), str(kinds.get(m.kind, m.kind)), m.title,
         _summary(m.decisions) or "–", m.attendees] for m in meetings]
    counts = {k: sum(m.kind == k for m in meetings) for k in Kind.values}
    summary = ", ".join(f"{str(label).lower()} {counts[k]}" for k, label in Kind.choices
                        if counts[k])
    source = konvergen_source(_("TKPK meeting records"))
    as_of = latest(*(m.updated_at for m in meetings)) or ctx.today
    return [Table(
        caption=_("Meetings of the TKPK of %(region)s, %(year)s") % {
            "region": ctx.region.name, "year": ctx.year},
        columns=[Column(title=_("Date")), Column(title=_("Kind of meeting")),
                 Column(title=_("Meeting")), Column(title=_("Decisions")),
                 Column(title=_("Attendees"), kind="number")],
        rows=rows, source=source, as_of=as_of),
        Note(text=ngettext("%(n)s meeting held in %(year)s: %(kinds)s.",
                           "%(n)s meetings held in %(year)s: %(kinds)s.", len(meetings)) % {
            "n": len(meetings), "year": ctx.year, "kinds": summary},
            source=source, as_of=as_of)]


@generator("musdes_cycles", BlockKind.TABLE,
           gettext_lazy("Village deliberations and data verification"))
def musdes_cycles(ctx: Context, params: dict) -> list[Block]:
    from konvergen.verification import selectors
    from konvergen.verification.models import Proposal

    desa = selectors.progress(ctx.region)
    if not desa:
        return no_data(_("No desa/kelurahan of %(region)s is loaded.") % {
            "region": ctx.region.name})
    ratified = Proposal.State.values.index(Proposal.State.RATIFIED)
    names = data.names(ctx)
    per: dict[str, list] = {}
    last = None
    for row in desa:
        code = row["code"][:8]
        entry = per.setdefault(code, [names.get(code, code), 0, 0, 0, 0, 0, 0])
        entry[1] += 1
        entry[2] += 1 if row["musdes"] else 0
        entry[3] += row["musdes"]
        entry[4] += row["total"]
        entry[5] += row["states"][ratified]
        entry[6] += row["agreed"]
        last = latest(last, row["last_musdes"])
    rows = list(per.values())
    rows.append([_("Total"), *(sum(r[i] for r in rows) for i in range(1, 7))])
    blocks: list[Block] = [Table(
        caption=_("Village deliberations (musdes/muskel) and proposals by kecamatan"),
        columns=[Column(title=_("Kecamatan")),
                 Column(title=_("Desa/kelurahan"), kind="number"),
                 Column(title=_("Held a deliberation"), kind="number"),
                 Column(title=_("Deliberations"), kind="number"),
                 Column(title=_("Proposals"), kind="number"),
                 Column(title=_("Ratified"), kind="number"),
                 Column(title=_("Agreed by national data"), kind="number")],
        rows=rows, total_row=True,
        source=konvergen_source(_("Village verification records")), as_of=last or ctx.today)]
    if last is None:
        blocks.append(Note(text=_("No village deliberation has been recorded yet.")))
    return blocks


@generator("agency_scorecard", BlockKind.TABLE, gettext_lazy("Agency scorecard"))
def agency_scorecard(ctx: Context, params: dict) -> list[Block]:
    from konvergen.scorecards import selectors

    result = ctx.once("scorecard", lambda: selectors.agency_scorecard(
        ctx.region, ctx.year, data.YEAR_QUARTER, today=ctx.today))
    if not result.rows:
        return no_data(_("No organisation to score yet."))
    rows = [[r.rank, r.name, r.score, *(r.criteria[key].score for key, _l in result.columns)]
            for r in result.rows]
    blocks: list[Block] = [Table(
        caption=_("Scorecard of the organisations, %(year)s") % {"year": ctx.year},
        columns=[Column(title=_("Rank"), kind="number"), Column(title=_("Organisation")),
                 Column(title=_("Score"), kind="number", decimals=2),
                 *(Column(title=str(label), kind="number", decimals=1)
                   for _k, label in result.columns)],
        rows=rows,
        source=konvergen_source(_("Agency scorecard from the action plans, reports and "
                                  "convergence")),
        as_of=latest(result.sources.convergence_as_of, data.plans_as_of(ctx)) or ctx.today)]
    if result.awards:
        winners = "; ".join(f"{label}: {', '.join(w.name for w in won)}"
                            for _s, label, won in result.awards)
        blocks.append(Note(text=_("Best per strategy: %(winners)s.") % {"winners": winners}))
    return blocks
