"""Chapter II: the region, its poverty indicators against targets, province and country,
and the target register by welfare status, desil, kecamatan and desa, with a map."""

from __future__ import annotations

import json
import math

from django.db.models import Count
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

from konvergen.reports.document import (
    Block,
    Chart,
    Column,
    Legend,
    Map,
    MapFeature,
    Note,
    Series,
    Table,
    format_number,
    geometry_from_geojson,
)
from konvergen.reports.generators import data
from konvergen.reports.generators.base import (
    Context,
    generator,
    join_sources,
    latest,
    local_date,
    no_data,
    share,
)
from konvergen.reports.models import BlockKind

#: The headline poverty indicators (targets app catalogue codes).
POVERTY_CODES = ["p0", "p1", "p2", "poor_persons", "poverty_line", "extreme_poverty"]

STATUS_LABELS = {"on_track": gettext_lazy("On track"),
                 "attention": gettext_lazy("Needs attention"),
                 "off_track": gettext_lazy("Off track")}


def _fmt(value, decimals: int, ctx: Context) -> str | None:
    if value is None:
        return None
    return format_number(value, decimals=decimals, language=ctx.language)  # type: ignore[arg-type]


@generator("region_profile", BlockKind.TABLE, gettext_lazy("Region at a glance"))
def region_profile(ctx: Context, params: dict) -> list[Block]:
    from konvergen.regions.models import Kind, Level

    region = ctx.region
    below = dict(
        ((r["level"], r["kind"]), r["n"]) for r in
        type(region).objects.filter(code__startswith=region.code + ".", is_active=True)
        .values("level", "kind").annotate(n=Count("code")))
    kecamatan = sum(n for (level, _k), n in below.items() if level == Level.KECAMATAN)
    kelurahan = below.get((Level.DESA, Kind.KELURAHAN), 0)
    desa = sum(n for (level, _k), n in below.items() if level == Level.DESA) - kelurahan
    rows: list[list] = [[_("Kecamatan"), kecamatan], [_("Desa"), desa],
                        [_("Kelurahan"), kelurahan]]
    if region.population:
        rows.append([_("Population (persons)"), region.population])
    if region.area_km2:
        rows.append([_("Area (km²)"), round(region.area_km2)])
    version = region.version
    source = _("Kemendagri region codes and data")
    if version is not None:
        source = f"{source} ({version.label})"
    return [Table(
        caption=_("Administrative regions of %(region)s") % {"region": region.name},
        columns=[Column(title=pgettext("lp2kd", "Item")),
                 Column(title=pgettext("lp2kd", "Number"), kind="number")],
        rows=rows, source=source,
        as_of=(local_date(version.loaded_at) if version else None) or ctx.today)]


@generator("indicators", BlockKind.INDICATOR_TABLE, gettext_lazy("Indicators against targets"),
           codes=POVERTY_CODES)
def indicators(ctx: Context, params: dict) -> list[Block]:
    series = data.indicator_series(ctx)
    codes = [c for c in params.get("codes") or POVERTY_CODES if c in series]
    rows, sources, dates = [], [], []
    interpolated = False
    for code in codes:
        ind, s = series[code]
        real = data.latest_row(s, ctx.year)
        goal = s.row(ctx.year)
        # The year's own target, else the trajectory between the plan's anchors.
        target = goal.target if goal and goal.target is not None else (
            goal.trajectory if goal else None)
        if real is None and target is None:
            continue
        interpolated |= target is not None and goal.target is None
        decimals = ind.decimals
        rows.append([
            ind.name(ctx.language), ind.unit, str(real.year) if real else None,
            _fmt(real.realised if real else None, decimals, ctx),
            _fmt(target, decimals, ctx),
            real.achievement if real else None,
            str(STATUS_LABELS[real.status]) if real and real.status else None,
            _fmt(real.province if real else None, decimals, ctx),
            _fmt(real.national if real else None, decimals, ctx),
        ])
        sources.append(data.value_source(real))
        dates.append(data.value_as_of(real))
        if target is not None:
            for document in {r.target_document for r in s.rows if r.target_document}:
                sources.append(str(document.title))
                dates.append(document.issued_on)
    if not rows:
        return no_data(_("No official figures or targets of these indicators have been "
                         "recorded for %(region)s yet.") % {"region": ctx.region.name})
    blocks: list[Block] = [Table(
        caption=_("Poverty indicators of %(region)s against the %(year)s targets") % {
            "region": ctx.region.name, "year": ctx.year},
        columns=[Column(title=_("Indicator")), Column(title=_("Unit")),
                 Column(title=_("Year")), Column(title=_("Realised")),
                 Column(title=_("Target %(year)s") % {"year": ctx.year}),
                 Column(title=_("Achievement"), kind="percent", decimals=1),
                 Column(title=_("Status")), Column(title=_("Province")),
                 Column(title=_("National"))],
        rows=rows, source=join_sources(sources), as_of=latest(*dates) or ctx.today)]
    if interpolated:
        blocks.append(Note(text=_("Where no target is set for %(year)s, the value on the "
                                  "trajectory between the plan's baseline and targets is "
                                  "shown.") % {"year": ctx.year}))
    return blocks


def _series_window(s, year: int) -> list:
    """Rows of a series from six years before the report's year to the last target."""
    return [r for r in s.rows if year - 6 <= r.year]


@generator("indicator_trend", BlockKind.CHART, gettext_lazy("Indicator trend"), code="p0")
def indicator_trend(ctx: Context, params: dict) -> list[Block]:
    series = data.indicator_series(ctx)
    code = params.get("code") or "p0"
    if code not in series:
        return no_data(_("Unknown indicator: %(code)s.") % {"code": code})
    ind, s = series[code]
    rows = _series_window(s, ctx.year)
    realised = [r for r in rows if r.realised is not None]
    if not realised:
        return no_data(_("No realised values of %(indicator)s have been recorded yet.") % {
            "indicator": ind.name(ctx.language)})
    candidates = [
        (_("Realised"), [r.realised for r in rows]),
        (_("Target"), [r.target for r in rows]),
        (_("Trajectory"), [r.trajectory for r in rows]),
        (_("Province"), [r.province for r in rows]),
        (_("National"), [r.national for r in rows]),
    ]
    chart_series = [Series(name=name, values=values) for name, values in candidates
                    if any(v is not None for v in values)]
    return [Chart(
        caption=_("%(indicator)s of %(region)s, %(first)s–%(last)s") % {
            "indicator": ind.name(ctx.language), "region": ctx.region.name,
            "first": rows[0].year, "last": rows[-1].year},
        kind="line", categories=[str(r.year) for r in rows], series=chart_series,
        y_label=ind.unit, decimals=min(ind.decimals, 2),
        source=join_sources([data.value_source(r) for r in realised]),
        as_of=latest(*(data.value_as_of(r) for r in realised)) or ctx.today)]


@generator("target_trajectory", BlockKind.TABLE, gettext_lazy("Targets and trajectory"),
           code="p0")
def target_trajectory(ctx: Context, params: dict) -> list[Block]:
    series = data.indicator_series(ctx)
    code = params.get("code") or "p0"
    if code not in series:
        return no_data(_("Unknown indicator: %(code)s.") % {"code": code})
    ind, s = series[code]
    rows = _series_window(s, ctx.year)
    if not any(r.target is not None or r.baseline is not None for r in rows):
        return no_data(_("No baseline or target of %(indicator)s has been set yet.") % {
            "indicator": ind.name(ctx.language)})
    columns = [Column(title=_("Year")),
               *(Column(title=t, kind="number", decimals=ind.decimals) for t in (
                   _("Baseline"), _("Target"), _("Trajectory"), _("Realised"))),
               Column(title=_("Achievement against the trajectory"), kind="percent",
                      decimals=1),
               Column(title=_("Status"))]
    table_rows = [[str(r.year), r.baseline, r.target, r.trajectory, r.realised, r.on_track,
                   str(STATUS_LABELS[r.status]) if r.status else None] for r in rows]
    documents = {r.target_document.pk: r.target_document for r in rows if r.target_document}
    sources = [data.value_source(r) for r in rows] + [d.title for d in documents.values()]
    dates = [data.value_as_of(r) for r in rows] + [d.issued_on for d in documents.values()]
    return [Table(
        caption=_("%(indicator)s: baseline, targets, trajectory and realisation") % {
            "indicator": ind.name(ctx.language)},
        columns=columns, rows=table_rows, source=join_sources(sources),
        as_of=latest(*dates) or ctx.today)]


@generator("indicator_comparison", BlockKind.CHART,
           gettext_lazy("Comparison with the province and the country"),
           codes=["p0", "extreme_poverty"])
def indicator_comparison(ctx: Context, params: dict) -> list[Block]:
    series = data.indicator_series(ctx)
    picked = []
    for code in params.get("codes") or ["p0", "extreme_poverty"]:
        if code in series:
            ind, s = series[code]
            row = data.latest_row(s, ctx.year)
            if row is not None:
                picked.append((ind, row))
    if not picked:
        return no_data(_("No realised values to compare have been recorded yet."))
    categories = [f"{ind.name(ctx.language)} ({row.year})" for ind, row in picked]
    chart_series = [Series(name=ctx.region.name, values=[r.realised for _i, r in picked])]
    for name, key in ((_("Province"), "province"), (_("National"), "national")):
        values = [getattr(r, key) for _i, r in picked]
        if any(v is not None for v in values):
            chart_series.append(Series(name=name, values=values))
    return [Chart(
        caption=_("%(region)s compared with the province and the country") % {
            "region": ctx.region.name},
        kind="bar", categories=categories, series=chart_series, y_label="%", decimals=2,
        source=join_sources([data.value_source(r) for _i, r in picked]),
        as_of=latest(*(data.value_as_of(r) for _i, r in picked)) or ctx.today)]


# --- The register -----------------------------------------------------------------------------

_STATUSES = [("extreme", gettext_lazy("Extreme poor")), ("poor", gettext_lazy("Poor")),
             ("vulnerable", gettext_lazy("Vulnerable")), ("not_poor", gettext_lazy("Not poor")),
             ("unknown", gettext_lazy("Unknown"))]


def _register_missing(ctx: Context) -> list[Block]:
    return no_data(_("No target register of %(region)s has been classified yet.") % {
        "region": ctx.region.name})


@generator("register_by_status", BlockKind.TABLE,
           gettext_lazy("Register by welfare status"))
def register_by_status(ctx: Context, params: dict) -> list[Block]:
    from konvergen.regions.models import Level

    figures = data.welfare(ctx, Level.KECAMATAN)
    register = data.register(ctx)
    if figures is None or register is None:
        return _register_missing(ctx)
    total, k = figures["total"], figures["k"]
    families, persons = total.get("families"), total.get("persons")
    rows = []
    for key, label in _STATUSES:
        f = total.count(f"families_{key}", k, False)
        p = total.count(f"persons_{key}", k, False)
        rows.append([str(label), f, share(f, families), p, share(p, persons)])
    rows.append([_("Total"), families, 100.0 if families else None, persons,
                 100.0 if persons else None])
    return [Table(
        caption=_("Families and persons of the target register by welfare status"),
        columns=[Column(title=_("Welfare status")),
                 Column(title=_("Families"), kind="number"),
                 Column(title=_("% of families"), kind="percent", decimals=1),
                 Column(title=_("Persons"), kind="number"),
                 Column(title=_("% of persons"), kind="percent", decimals=1)],
        rows=rows, total_row=True, source=register.label, as_of=figures["as_of"])]


def _desil_rows(ctx: Context) -> list[tuple]:
    counts = data.desil_counts(ctx)
    k = data.small_cell_k(ctx)
    order = sorted(d for d in counts if d is not None) + ([None] if None in counts else [])
    return [(str(d) if d is not None else _("No desil"),
             *(data.suppressed(v, k) for v in counts[d])) for d in order]


@generator("register_by_desil", BlockKind.TABLE, gettext_lazy("Register by desil"))
def register_by_desil(ctx: Context, params: dict) -> list[Block]:
    conv, register = data.convergence(ctx), data.register(ctx)
    rows = _desil_rows(ctx)
    if conv is None or register is None or not rows:
        return _register_missing(ctx)
    counts = data.desil_counts(ctx)
    total = sum(n for n, _t, _r in counts.values())
    target = sum(t for _n, t, _r in counts.values())
    reached = sum(r for _n, _t, r in counts.values())
    table = [[d, n, share(n, total), t, r, share(r, t)] for d, n, t, r in rows]
    table.append([_("Total"), total, 100.0 if total else None, target, reached,
                  share(reached, target)])
    return [Table(
        caption=_("Families of the target register by welfare desil, %(year)s") % {
            "year": ctx.year},
        columns=[Column(title=_("Desil")), Column(title=_("Families"), kind="number"),
                 Column(title=_("% of families"), kind="percent", decimals=1),
                 Column(title=_("Target families"), kind="number"),
                 Column(title=_("Target families reached"), kind="number"),
                 Column(title=_("% reached"), kind="percent", decimals=1)],
        rows=table, total_row=True, source=register.label, as_of=register.as_of)]


@generator("desil_chart", BlockKind.CHART, gettext_lazy("Chart: families by desil"))
def desil_chart(ctx: Context, params: dict) -> list[Block]:
    register = data.register(ctx)
    rows = [r for r in _desil_rows(ctx) if r[0].isdigit()]
    if register is None or not rows:
        return _register_missing(ctx)
    return [Chart(
        caption=_("Families of the target register by desil"), kind="bar",
        categories=[r[0] for r in rows],
        series=[Series(name=_("Families"), values=[r[1] for r in rows]),
                Series(name=_("Target families reached"), values=[r[3] for r in rows])],
        y_label=_("families"), source=register.label, as_of=register.as_of)]


def _area_rows(ctx: Context, level: int) -> list[list] | None:
    from konvergen.regions.models import Level

    figures = data.welfare(ctx, level)
    if figures is None:
        return None
    k = figures["k"]
    kecamatan = data.names(ctx)
    rows = []
    for f in [*figures["children"], figures["total"]]:
        is_total = f is figures["total"]
        name = _("Total") if is_total else f.name
        counts = [f.count(f"families_{key}", k, False) for key, _l in _STATUSES[:4]]
        poor = f.metrics["poor_share"]
        row = [name, f.count("families", k, False), *counts,
               None if poor is None else poor * 100]
        if level == Level.DESA:
            row.insert(0, "" if is_total else kecamatan.get(f.code[:8], ""))
        rows.append(row)
    return rows


def _area_table(ctx: Context, level: int, caption: str, first: str) -> list[Block]:
    from konvergen.regions.models import Level

    rows = _area_rows(ctx, level)
    figures, register = data.welfare(ctx, level), data.register(ctx)
    if rows is None or figures is None or register is None:
        return _register_missing(ctx)
    columns = [Column(title=first), Column(title=_("Families"), kind="number"),
               *(Column(title=str(label), kind="number") for _k, label in _STATUSES[:4]),
               Column(title=_("% extreme poor and poor"), kind="percent", decimals=1)]
    if level == Level.DESA:
        columns.insert(0, Column(title=_("Kecamatan")))
    return [Table(caption=caption, columns=columns, rows=rows, total_row=True,
                  source=register.label, as_of=figures["as_of"])]


@generator("register_by_kecamatan", BlockKind.TABLE,
           gettext_lazy("Register by kecamatan"))
def register_by_kecamatan(ctx: Context, params: dict) -> list[Block]:
    from konvergen.regions.models import Level

    return _area_table(ctx, Level.KECAMATAN, _("Families by welfare status and kecamatan"),
                       _("Kecamatan"))


@generator("register_by_desa", BlockKind.TABLE, gettext_lazy("Register by desa/kelurahan"))
def register_by_desa(ctx: Context, params: dict) -> list[Block]:
    from konvergen.regions.models import Level

    return _area_table(ctx, Level.DESA, _("Families by welfare status and desa/kelurahan"),
                       _("Desa/kelurahan"))


def _breaks(values: list[float]) -> list[float]:
    """Up to four ascending class breaks at the quartiles, rounded to one decimal."""
    ordered = sorted(values)
    if len(ordered) < 2:
        return []
    picks = [ordered[min(len(ordered) - 1, math.floor(len(ordered) * q))] for q in
             (0.25, 0.5, 0.75)]
    return sorted({round(p, 1) for p in picks if p > 0})


@generator("poverty_map", BlockKind.MAP, gettext_lazy("Map: extreme poor and poor by kecamatan"))
def poverty_map(ctx: Context, params: dict) -> list[Block]:
    from konvergen.regions.models import Level

    figures = data.welfare(ctx, Level.KECAMATAN)
    register = data.register(ctx)
    if figures is None or register is None:
        return _register_missing(ctx)
    values = {f.code: f.metrics["poor_share"] for f in figures["children"]}
    features = []
    for region in data.children(ctx, Level.KECAMATAN):
        geometry = None
        if region.geometry:
            try:
                geometry = geometry_from_geojson(json.loads(region.geometry))
            except (ValueError, KeyError, TypeError):
                geometry = None
        if geometry is None and region.longitude is not None and region.latitude is not None:
            geometry = geometry_from_geojson({"type": "Point", "coordinates": (
                region.longitude, region.latitude)})
        if geometry is not None:
            share_ = values.get(region.code)
            features.append(MapFeature(geometry=geometry, label=region.name,
                                       value=None if share_ is None else share_ * 100))
    if not features:
        return no_data(_("The map cannot be drawn: no boundaries or centre points of the "
                         "kecamatan have been loaded (konvergen regions import-boundaries)."))
    known = [f.value for f in features if f.value is not None]
    return [Map(
        caption=_("Share of extreme poor and poor families by kecamatan"), features=features,
        legend=Legend(title=_("% of families"), breaks=_breaks(known), decimals=1),
        show_labels=len(features) <= 40, source=register.label, as_of=figures["as_of"])]
