"""Data several generators read, loaded once per generation through the apps' selectors.

Each loader takes the :class:`~konvergen.reports.generators.base.Context` and caches its
result there. Counts of families come from the stored welfare summaries and convergence
runs (sums and one ``GROUP BY`` over the stored per-family convergence rows), never from a
loop over families.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Max, Q, Sum
from django.utils.translation import gettext as _

from konvergen.regions.filters import within_q
from konvergen.reports.generators.base import Context, konvergen_source, latest, local_date

#: The quarter whose realisation an annual report shows: everything reported for the year.
YEAR_QUARTER = 4


# --- Regions ------------------------------------------------------------------------------


def children(ctx: Context, level: int) -> list:
    """Active regions of ``level`` below the report's region, by code."""
    from konvergen.regions.models import Region

    def load():
        return list(Region.objects.filter(code__startswith=ctx.region.code + ".", level=level,
                                          is_active=True).order_by("code"))

    return ctx.once(f"children:{level}", load)


def names(ctx: Context) -> dict[str, str]:
    """Names of the kecamatan and desa/kelurahan of the region."""
    from konvergen.regions.models import Level

    return ctx.once("names", lambda: {r.code: r.name for level in (Level.KECAMATAN, Level.DESA)
                                      for r in children(ctx, level)})


# --- Indicators (targets app) -------------------------------------------------------------


def indicator_series(ctx: Context) -> dict:
    """{indicator code: (Indicator, targets Series)} of every active indicator."""
    from konvergen.targets import selectors

    def load():
        inds = selectors.indicators()
        series = selectors.series_for(ctx.region, inds)
        return {ind.code: (ind, series[ind.pk]) for ind in inds}

    return ctx.once("indicators", load)


_PERIOD_END = {"maret": (3, 31), "september": (9, 30), "": (12, 31)}


def value_as_of(row) -> dt.date | None:
    """The as-of date of a realised value: as stored, else the end of its BPS period."""
    if row is None or row.realised is None:
        return None
    if row.as_of:
        return local_date(row.as_of)
    month, day = _PERIOD_END.get(row.period or "", (12, 31))
    return dt.date(row.year, month, day)


def value_source(row) -> str:
    """Who published a realised value: "BPS (file)", "Dinas …", "Data sasaran (Konvergen)"."""
    from konvergen.targets.models import SourceKind

    if row is None or row.realised is None:
        return ""
    if row.source_kind == SourceKind.COMPUTED:
        return konvergen_source(_("Target register"))
    label = "BPS" if row.source_kind == SourceKind.BPS else str(SourceKind(
        row.source_kind).label) if row.source_kind in SourceKind.values else ""
    detail = (row.source or "").strip()
    if label and detail:
        # A description often names the publisher already ("BPS: P0 kab/kota 2021").
        named = detail[:len(label)].upper() == label.upper() and detail[len(label):][:1] in (
            " ", ":")
        return detail if named else f"{label} ({detail})"
    return label or detail


def latest_row(series, year: int):
    """The latest year row with a realised value up to ``year``."""
    rows = [r for r in series.rows if r.year <= year and r.realised is not None]
    return rows[-1] if rows else None


# --- Register and welfare -----------------------------------------------------------------


def welfare(ctx: Context, level: int) -> dict | None:
    """The welfare dashboard's figures of the region and its children of ``level``, as an
    anonymous reader sees them (small cells suppressed: the report is published)."""
    from konvergen.welfare import selectors

    def load():
        data = selectors.dashboard(None, ctx.region, children(ctx, level), {}, full=False)
        return data["welfare"]

    return ctx.once(f"welfare:{level}", load)


@dataclass
class Register:
    label: str
    as_of: dt.date
    sources: list[str]


def register(ctx: Context) -> Register | None:
    """Which register the welfare and convergence figures stand on: its sources and the
    date of its latest snapshot."""
    from konvergen.convergence.services import datasets_touching
    from konvergen.registry.models import Snapshot

    def load():
        snapshots = list(Snapshot.objects.filter(dataset__in=datasets_touching(
            ctx.region.code)).values("source", "snapshot_date").order_by("snapshot_date"))
        if not snapshots:
            return None
        sources = list(dict.fromkeys(str(s["source"]).upper() for s in snapshots))
        label = konvergen_source(_("Target register %(sources)s") % {
            "sources": ", ".join(sources)})
        return Register(label=label, as_of=snapshots[-1]["snapshot_date"], sources=sources)

    return ctx.once("register", load)


def small_cell_k(ctx: Context) -> int:
    from konvergen.welfare.services import small_cell_k as k

    return ctx.once("k", lambda: k(ctx.region.code, ctx.year))


def suppressed(value: int | None, k: int) -> int | None:
    """A count as published: None for 1 … k-1 (a small cell could name a family)."""
    if value is None or 0 < value < k:
        return None
    return value


# --- Convergence --------------------------------------------------------------------------


def convergence(ctx: Context) -> dict | None:
    """The stored convergence figures of the region and year (``region_figures``), labelled,
    with their as-of date (when they were computed); None when nothing was computed."""
    from konvergen.convergence import selectors

    def load():
        data = selectors.region_figures(ctx.region.code, ctx.year)
        if not data["runs"]:
            return None
        data["labels"] = selectors.indicator_labels_for(data["runs"])
        data["as_of"] = latest(*(r.computed_at for r in data["runs"]))
        data["source"] = _("Convergence of the target register and the programmes' "
                           "interventions (Konvergen)")
        return data

    return ctx.once("convergence", load)


def desil_counts(ctx: Context) -> dict[int | None, tuple[int, int, int]]:
    """{desil: (families, target families, target families reached)} of the year's
    convergence runs: one GROUP BY over the stored per-family rows, in the database."""
    from konvergen.convergence.models import FamilyConvergence

    def load():
        data = convergence(ctx)
        if data is None:
            return {}
        rows = (FamilyConvergence.objects.filter(run__in=data["runs"])
                .filter(within_q(ctx.region.code, "region_code"))
                .values("desil")
                .annotate(n=Count("id"), n_target=Count("id", filter=Q(target=True)),
                          n_reached=Count("id", filter=Q(target=True, programmes__gt=0))))
        return {r["desil"]: (r["n"], r["n_target"], r["n_reached"]) for r in rows}

    return ctx.once("desil", load)


# --- Action plans -------------------------------------------------------------------------


def plan_rows(ctx: Context) -> list[tuple]:
    """``meeting.plan_aggregates`` of the year, realised up to the fourth quarter."""
    from konvergen.plans import meeting

    return ctx.once("plan_rows", lambda: meeting.plan_aggregates(
        ctx.region.code, ctx.year, YEAR_QUARTER))


def plans(ctx: Context) -> dict[int, Any]:
    """{plan id: ActionPlan with its organisation} of the region and year."""
    from konvergen.plans.models import ActionPlan

    return ctx.once("plans", lambda: {p.pk: p for p in ActionPlan.objects.filter(
        region_id=ctx.region.code, year=ctx.year).select_related("organisation")})


def plans_as_of(ctx: Context) -> dt.date | None:
    """The date of the latest change to the year's plans or quarterly reports."""
    from konvergen.plans.models import ActionPlan, QuarterReport

    def load():
        reports = QuarterReport.objects.filter(
            plan__region_id=ctx.region.code, plan__year=ctx.year).aggregate(
            at=Max("updated_at"))
        plan = ActionPlan.objects.filter(region_id=ctx.region.code, year=ctx.year).aggregate(
            at=Max("updated_at"))
        return latest(reports["at"], plan["at"])

    return ctx.once("plans_as_of", load)


def plans_source() -> str:
    return konvergen_source(_("Annual action plans (RAT) and quarterly reports of the "
                              "agencies and partners, up to quarter IV"))


def overview(ctx: Context):
    """``plans.selectors.region_overview`` of the year: organisations × quarters."""
    from konvergen.plans import selectors

    return ctx.once("overview", lambda: selectors.region_overview(
        ctx.region.code, ctx.year, today=ctx.today, item_counts=False))


def funding_sums(ctx: Context) -> dict[str, tuple[int, float, float]]:
    """{funding source: (items, budget, realised to quarter IV)} of the year's plan items
    (two aggregate queries)."""
    from konvergen.plans.models import PlanItem, Realisation

    def load():
        where = {"plan__region_id": ctx.region.code, "plan__year": ctx.year}
        out = {r["funding_source"]: [r["n"], float(r["budget"] or 0), 0.0]
               for r in PlanItem.objects.filter(**where).values("funding_source")
               .annotate(n=Count("id"), budget=Sum("target_rp"))}
        for r in (Realisation.objects.filter(**{f"item__{k}": v for k, v in where.items()},
                                             report__quarter__lte=YEAR_QUARTER)
                  .values("item__funding_source").annotate(rp=Sum("rp"))):
            out.setdefault(r["item__funding_source"], [0, 0.0, 0.0])[2] = float(r["rp"] or 0)
        return {k: (int(n), b, real) for k, (n, b, real) in out.items()}

    return ctx.once("funding", load)
