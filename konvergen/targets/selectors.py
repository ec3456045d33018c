"""Reads of the targets app for pages, exports and (later) scorecards and the annual report.

Everything a region's indicator needs comes in a handful of queries per page (values,
targets and baselines of the region, the province and the country, read set-wise); the
arithmetic is ``engine``'s.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from django.db.models import Q
from django.utils.translation import get_language

from konvergen.accounts import access
from konvergen.regions.codes import lineage, province_of
from konvergen.regions.models import Region
from konvergen.targets import engine
from konvergen.targets.models import (
    NATIONAL,
    Baseline,
    ImportRejection,
    Indicator,
    IndicatorValue,
    OfficialImport,
    PlanDocument,
    StatusBands,
    Target,
    TargetRevision,
)


def province_code(region_code: str) -> str | None:
    """The province above a region (None for a province itself)."""
    return province_of(region_code) if "." in region_code else None


def bands_for(region_code: str) -> tuple[engine.Bands, str]:
    """The status bands in force for a region and the region that set them ("" = the
    defaults): its own, else the nearest region above with bands."""
    codes = lineage(region_code, nearest_first=True)
    rows = {b.region_id: b for b in StatusBands.objects.filter(region_id__in=codes)}
    for code in codes:
        if code in rows:
            return engine.Bands(rows[code].on_track, rows[code].attention), code
    return engine.Bands(), ""


def indicators() -> list[Indicator]:
    return list(Indicator.objects.filter(active=True))


def indicator_by_code(code: str) -> Indicator | None:
    return Indicator.objects.filter(code=code, active=True).first()


@dataclass
class YearRow:
    """One year of one indicator in one region."""

    year: int
    realised: float | None = None
    period: str = ""
    source: str = ""
    source_kind: str = ""
    as_of: date | None = None
    target: float | None = None
    target_document: PlanDocument | None = None
    baseline: float | None = None
    trajectory: float | None = None
    achievement: float | None = None
    on_track: float | None = None  # achievement against the trajectory
    status: str | None = None
    province: float | None = None
    national: float | None = None


@dataclass
class Series:
    indicator: Indicator
    region: Region
    rows: list[YearRow] = field(default_factory=list)
    bands: engine.Bands = field(default_factory=engine.Bands)

    def row(self, year: int) -> YearRow | None:
        return next((r for r in self.rows if r.year == year), None)

    @property
    def latest(self) -> YearRow | None:
        """The latest year with a realised value."""
        return next((r for r in reversed(self.rows) if r.realised is not None), None)


def _values(indicator_ids, codes) -> dict:
    """{(region code, indicator id): {year: {period: value row}}}"""
    out: dict = defaultdict(lambda: defaultdict(dict))
    for v in IndicatorValue.objects.filter(indicator_id__in=indicator_ids,
                                           region_code__in=codes):
        out[(v.region_code, v.indicator_id)][v.year][v.period] = v
    return out


def _year_value(by_period: dict):
    picked = engine.year_value(by_period)
    return picked[1] if picked else None


def series_for(region: Region, inds: list[Indicator]) -> dict[int, Series]:
    """{indicator id: Series} for a region: every year with a value, a target or a
    baseline, with the trajectory, achievement, status and the province's and country's
    values of the same years."""
    many = series_many([region], inds)
    return {ind.pk: many[(region.code, ind.pk)] for ind in inds}


def _all_bands(codes: set[str]) -> dict[str, engine.Bands]:
    wanted = {a for c in codes for a in lineage(c, nearest_first=True)}
    rows = {b.region_id: b for b in StatusBands.objects.filter(region_id__in=wanted)}
    out = {}
    for code in codes:
        owner = next((a for a in lineage(code, nearest_first=True) if a in rows), None)
        out[code] = engine.Bands(rows[owner].on_track, rows[owner].attention) if owner \
            else engine.Bands()
    return out


def series_many(regions: list[Region], inds: list[Indicator]) -> dict[tuple, Series]:
    """{(region code, indicator id): Series} for several regions at once (set-wise: one
    query each for values, targets, baselines and bands, whatever the number of regions)."""
    ids = [i.pk for i in inds]
    own_codes = {r.code for r in regions}
    provinces = {c for c in (province_code(r.code) for r in regions) if c}
    values = _values(ids, own_codes | provinces | {NATIONAL})
    targets: dict = defaultdict(dict)
    for t in Target.objects.filter(indicator_id__in=ids, region_id__in=own_codes
                                   ).select_related("document"):
        targets[(t.region_id, t.indicator_id)][t.year] = t
    baselines: dict = defaultdict(dict)
    for b in Baseline.objects.filter(indicator_id__in=ids, region_id__in=own_codes).order_by(
            "document__year_start", "document_id"):
        baselines[(b.region_id, b.indicator_id)][b.year] = b.value
    bands = _all_bands(own_codes)
    out = {}
    for region in regions:
        province = province_code(region.code)
        for ind in inds:
            key = (region.code, ind.pk)
            out[key] = _series(region, ind, values.get(key, {}), targets.get(key, {}),
                               baselines.get(key, {}), bands[region.code],
                               values.get((province, ind.pk), {}) if province else None,
                               values.get((NATIONAL, ind.pk), {}))
    return out


def _series(region, ind, own, tgt, base, bands, province_values, national_values) -> Series:
    known = set(own) | set(tgt) | set(base)
    # Every year from the first to the last, so the trajectory shows in between.
    years = list(range(min(known), max(known) + 1)) if known else []
    # Anchors: the baselines and the targets (a target wins in its own year).
    anchors = {**base, **{y: t.value for y, t in tgt.items()}}
    path = engine.trajectory(anchors, years)
    series = Series(ind, region, bands=bands)
    for year in years:
        row = YearRow(year=year, baseline=base.get(year), trajectory=path.get(year))
        picked = engine.year_value({p: v.value for p, v in own[year].items()}) \
            if own.get(year) else None
        if picked is not None:
            period, value = picked
            source_row = own[year][period]
            row.realised, row.period = value, period
            row.source, row.source_kind = source_row.source, source_row.source_kind
            row.as_of = source_row.as_of
        if year in tgt:
            row.target, row.target_document = tgt[year].value, tgt[year].document
        if not ind.informational:
            goal = row.target if row.target is not None else row.trajectory
            row.achievement = engine.achievement(row.realised, goal, ind.polarity)
            row.on_track = engine.achievement(row.realised, row.trajectory, ind.polarity)
            row.status = engine.status(row.on_track, bands)
        if province_values is not None:
            row.province = _year_value({p: v.value for p, v in
                                        province_values.get(year, {}).items()})
        row.national = _year_value({p: v.value for p, v in
                                    national_values.get(year, {}).items()})
        series.rows.append(row)
    return series


@dataclass
class TableRow:
    indicator: Indicator
    name: str
    row: YearRow | None
    latest_year: int | None


def indicator_table(region: Region, year: int | None = None) -> list[TableRow]:
    """The indicators page: each indicator's latest value (or the value of ``year``), the
    target of that year, achievement and status, source and as-of date."""
    inds = indicators()
    series = series_for(region, inds)
    language = get_language() or "id"
    rows = []
    for ind in inds:
        s = series[ind.pk]
        row = s.row(year) if year is not None else s.latest
        rows.append(TableRow(ind, ind.name(language), row, s.latest.year if s.latest else None))
    return rows


def target_history(indicator: Indicator, region: Region) -> list[TargetRevision]:
    return list(TargetRevision.objects.filter(indicator=indicator, region=region)
                .select_related("document", "old_document", "changed_by")
                .order_by("-changed_at", "-id"))


def documents_for(region: Region) -> list[PlanDocument]:
    """Plan documents of the region and of the regions above it."""
    return list(PlanDocument.objects.filter(region_id__in=lineage(region.code))
                .select_related("region").order_by("-year_start", "kind", "id"))


def region_documents(region: Region) -> list[PlanDocument]:
    return list(PlanDocument.objects.filter(region=region).order_by("-year_start", "id"))


def index_regions(user) -> list[Region]:
    """The regions the user reads indicators of: kab/kota and provinces within the scope
    (a village operator or a kecamatan scope: the scope region itself)."""
    if not access.has_feature(user, "targets"):
        return []
    if access.is_country_wide(user, feature="targets"):
        with_data = set(IndicatorValue.objects.exclude(region_code=NATIONAL).values_list(
            "region_code", flat=True).distinct()[:2000])
        with_data |= set(Target.objects.values_list("region_id", flat=True).distinct())
        return list(Region.objects.filter(Q(level=1) | Q(code__in=with_data, level__lte=2))
                    .order_by("code"))
    scopes = access.display_scopes(user, feature="targets")
    q = Q(code__in=scopes)
    for scope in scopes:
        if scope.count(".") < 1:
            q |= Q(code__startswith=scope + ".", level=2)
    return list(Region.objects.filter(q).order_by("code"))


def index_overview(regions: list[Region], code: str = "p0") -> dict[str, YearRow | None]:
    """{region code: the latest row of one indicator} for the comparison on the index."""
    ind = indicator_by_code(code)
    if ind is None or not regions:
        return {}
    many = series_many(regions, [ind])
    return {r.code: many[(r.code, ind.pk)].latest for r in regions}


def imports_for(user) -> list[OfficialImport]:
    return list(imports_q(user)[:20])


def imports_q(user):
    qs = OfficialImport.objects.select_related("created_by")
    if access.is_country_wide(user, feature="targets_manage"):
        return qs
    if not access.has_feature(user, "targets_manage"):
        return qs.none()
    return access.visible(user, qs, feature="targets_manage", region_field="region_code")


def plan_document_for(user, document_id, *, manage: bool = False):
    """A plan document (RPJMD/RPKD/RKPD/RAT) of a region the user reads indicators of, or
    with ``manage`` sets targets for (the secretariat). Http404 otherwise."""
    document = access.get_visible(PlanDocument.objects.select_related("region"), None,
                                  document_id)
    access.require_in_scope(user, document.region_id,
                            feature="targets_manage" if manage else "targets")
    return document


def official_import_for(user, batch_id):
    """An official figures import filed under a region the user manages targets of (an
    administrator's country-wide import: administrators only). Http404 otherwise."""
    batch = access.get_visible(OfficialImport.objects.select_related("created_by"), None,
                               batch_id)
    access.require_in_scope(user, batch.region_code or "", feature="targets_manage")
    return batch


# --- reads of the target form and the official import pages ---------------------------------

def current_targets(indicator, region) -> dict[int, object]:
    """The indicator's current target of the region per year (year → value)."""
    return dict(Target.objects.filter(indicator=indicator, region=region).values_list(
        "year", "value"))


def document_baseline(indicator, region, document) -> Baseline | None:
    """The indicator's baseline of the region in the plan document, or ``None``."""
    return Baseline.objects.filter(indicator=indicator, region=region,
                                   document=document).first()


def import_rejections(batch) -> list[ImportRejection]:
    """The first rows an official import rejected (the result page)."""
    return list(batch.rejections.all()[:200])


def import_rejection_rows(batch):
    """Every row an official import rejected, in file order (the download)."""
    return ImportRejection.objects.filter(batch=batch).order_by("row_number", "id")
