"""Writes of the targets app: the indicator catalogue, official figures imports, indicators
computed from the register, plan documents, baselines, targets (versioned) and status bands.

Every function runs in one transaction with its audit row. Who may write where is asked of
``accounts.access`` here too, so a script or a crafted request cannot write outside the
acting user's area.
"""

import datetime as dt
import hashlib
import logging
from dataclasses import dataclass
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils.translation import gettext_lazy as _

from konvergen.accounts import access
from konvergen.audit.services import audit_record
from konvergen.regions.models import Region
from konvergen.registry.ingest.headers import unknown_targets
from konvergen.registry.ingest.readers import IngestFileError
from konvergen.registry.models import Dataset, Family, FamilyRecord, PersonRecord, Snapshot
from konvergen.targets import catalogue, official
from konvergen.targets.engine import Bands
from konvergen.targets.models import (
    Baseline,
    ImportRejection,
    Indicator,
    IndicatorValue,
    OfficialImport,
    PlanDocument,
    SourceKind,
    StatusBands,
    Target,
    TargetRevision,
)
from konvergen.welfare.models import FamilyWelfare, WelfareRun

log = logging.getLogger(__name__)

NOT_YOURS = _("You may not change targets of this region.")
ERR_YEAR_OUTSIDE = _("The year %(year)s lies outside the document's period %(start)s–%(end)s.")
ERR_BASELINE_YEAR = _("The baseline year must not lie after the document's last year.")
ERR_DOCUMENT_REGION = _("The plan document belongs to another region.")
ERR_DOCUMENT_YEARS = _("The last year must not come before the first year.")
ERR_BANDS = _("The 'needs attention' threshold must not exceed the 'on track' threshold.")
ERR_INFORMATIONAL = _("This indicator is informational: it takes no targets.")
ERR_MAPPING = _("Unknown field in the column mapping: %(fields)s.")
ERR_NUMBER = _("Enter a number.")


class TargetsError(ValidationError):
    """A refused write; its message is translated when shown."""


# --- Catalogue ------------------------------------------------------------------------------

_CATALOGUE_FIELDS = ("name_id", "name_en", "unit", "polarity", "informational", "definition",
                     "decimals", "source_kind")


def indicator_catalogue_load(*, acting_user=None) -> dict:
    """Create or bring up to date the standard indicators (idempotent: a second run
    changes nothing). A region's own edits to names survive only through the admin."""
    counts = {"created": 0, "updated": 0, "unchanged": 0}
    with transaction.atomic():
        existing = {i.code: i for i in Indicator.objects.filter(
            code__in=[e.code for e in catalogue.CATALOGUE])}
        for position, entry in enumerate(catalogue.CATALOGUE, start=1):
            wanted = {f: getattr(entry, f) for f in _CATALOGUE_FIELDS}
            wanted["position"] = position * 10
            ind = existing.get(entry.code)
            if ind is None:
                Indicator.objects.create(code=entry.code, external_code=entry.external_code,
                                         **wanted)
                counts["created"] += 1
            elif any(getattr(ind, k) != v for k, v in wanted.items()):
                for k, v in wanted.items():
                    setattr(ind, k, v)
                ind.save()
                counts["updated"] += 1
            else:
                counts["unchanged"] += 1
        if counts["created"] or counts["updated"]:
            audit_record(actor=acting_user, action="targets.catalogue_load",
                         object_type="targets.indicator", changes=counts)
    return counts


def indicator_specs() -> list[official.IndicatorSpec]:
    """What the importer needs to know of every active indicator: the catalogue's header
    synonyms and plausible ranges, and the code of indicators outside the catalogue."""
    out = []
    for ind in Indicator.objects.filter(active=True).exclude(source_kind=SourceKind.COMPUTED):
        entry = catalogue.BY_CODE.get(ind.code)
        out.append(official.IndicatorSpec(
            ind.code, ind.name_id, entry.synonyms if entry else (),
            entry.low if entry else None, entry.high if entry else None))
    return out


# --- Official figures -----------------------------------------------------------------------


def region_resolver() -> official.RegionResolver:
    rows = Region.objects.filter(level__lte=2).values_list("code", "name", "bps_code")
    return official.RegionResolver(official.RegionRow(c, n, b or "") for c, n, b in rows)


def import_scope(user):
    """(a test of the region codes the user may import figures for, the region to file the
    import under: ``""`` for the whole country). Figures of the regions above (the province,
    the country) may come with a region's: they sit beside its own."""
    if user is None:  # the command line: trusted, like every other command
        return (lambda code: True), ""
    if not access.has_scope(user, feature="targets_manage"):
        raise TargetsError(NOT_YOURS)
    return (access.in_or_above_scope_test(user, feature="targets_manage"),
            access.home_scope(user, feature="targets_manage"))


@dataclass
class ImportResult:
    batch: OfficialImport
    counts: dict


def official_import(
    *,
    path: Path | str,
    file_name: str = "",
    mapping: dict | None = None,
    default_year: int | None = None,
    default_period: str = "",
    acting_user,
) -> ImportResult:
    """Import an official figures file: accepted values are upserted in one transaction with
    the import record, its rejected rows and the audit row; the same file again changes
    nothing. Raises ``TargetsError`` for a file that cannot be read at all."""
    path = Path(path)
    may_write_figure, scope_code = import_scope(acting_user)
    mapping = dict(mapping or {})
    specs = indicator_specs()
    if not specs:
        indicator_catalogue_load(acting_user=acting_user)
        specs = indicator_specs()
    fields = [*official.STRUCTURE, *(s.code for s in specs)]
    wrong = unknown_targets(mapping, fields)
    if wrong:
        raise TargetsError(ERR_MAPPING % {"fields": ", ".join(wrong)})
    try:
        outcome = official.read_official(
            path, indicators=specs, resolver=region_resolver(),
            allowed=may_write_figure, user_mapping=mapping,
            default_year=default_year, default_period=default_period or "")
    except IngestFileError as exc:
        raise TargetsError(str(exc)) from exc
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    indicators = {i.code: i for i in Indicator.objects.filter(
        code__in={v.indicator for v in outcome.values})}
    with transaction.atomic():
        batch = OfficialImport.objects.create(
            file_name=file_name or path.name, file_path=str(path), sha256=digest,
            region_code=scope_code, mapping=mapping,
            options={"default_year": default_year, "default_period": default_period or ""},
            headers=outcome.headers, unknown_columns=outcome.unknown,
            created_by=acting_user if getattr(acting_user, "pk", None) else None)
        written = _upsert_values(outcome.values, indicators, batch)
        ImportRejection.objects.bulk_create([
            ImportRejection(batch=batch, row_number=r.row_number, column=r.column[:200],
                            value=r.value, reason=r.reason, message_id=r.message_id,
                            message_en=r.message_en) for r in outcome.rejections
        ], batch_size=1000)
        reasons: dict[str, int] = {}
        for r in outcome.rejections:
            reasons[r.reason] = reasons.get(r.reason, 0) + 1
        counts = {"rows": outcome.rows, "accepted": len(outcome.values), **written,
                  "rejected": len(outcome.rejections), "rejected_by_reason": reasons,
                  "empty_cells": outcome.empty_cells,
                  "value_columns": sorted(outcome.value_columns), "unknown": outcome.unknown}
        batch.counts = counts
        batch.save(update_fields=["counts"])
        audit_record(actor=acting_user, action="targets.official_import", obj=batch,
                     region_code=scope_code,
                     changes={k: v for k, v in counts.items() if k != "value_columns"}
                     | {"file": batch.file_name, "sha256": digest})
    return ImportResult(batch, counts)


def _upsert_values(values: list[official.Value], indicators: dict, batch) -> dict:
    """Create new values, update changed ones, leave equal ones: set-wise (one read of the
    existing values, bulk writes)."""
    counts = {"created": 0, "updated": 0, "unchanged": 0}
    if not values:
        return counts
    existing = {
        (v.indicator.code, v.region_code, v.year, v.period): v
        for v in IndicatorValue.objects.select_related("indicator").filter(
            indicator__code__in={v.indicator for v in values},
            region_code__in={v.region_code for v in values},
            year__in={v.year for v in values})
    }
    create, update = [], []
    source = f"{batch.file_name}"[:255]
    for v in values:
        key = (v.indicator, v.region_code, v.year, v.period)
        row = existing.get(key)
        if row is None:
            create.append(IndicatorValue(
                indicator=indicators[v.indicator], region_code=v.region_code, year=v.year,
                period=v.period, value=v.value, source_kind=indicators[v.indicator].source_kind,
                source=source, batch=batch))
        elif row.value != v.value:
            row.value, row.batch, row.source = v.value, batch, source
            update.append(row)
        else:
            counts["unchanged"] += 1
    IndicatorValue.objects.bulk_create(create, batch_size=1000)
    IndicatorValue.objects.bulk_update(update, ["value", "batch", "source", "updated_at"],
                                       batch_size=1000)
    counts["created"], counts["updated"] = len(create), len(update)
    return counts


# --- Indicators computed from the register --------------------------------------------------


def _latest_classified(dataset: Dataset) -> Snapshot | None:
    done = WelfareRun.objects.filter(snapshot__dataset=dataset).values("snapshot_id")
    return (Snapshot.objects.filter(dataset=dataset, pk__in=done)
            .order_by("-snapshot_date", "-id").first())


def _child_length(code: str) -> int:
    return len(code) + (5 if code.count(".") == 2 else 3)


def _years_before(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def computed_counts(snapshot: Snapshot, region_code: str) -> dict[str, dict[str, int]]:
    """{indicator code: {region code: count}} for the region and each child region, from
    the snapshot's welfare rows (set-wise SQL, one query per measure)."""
    from konvergen.convergence.services import record_snapshot_column

    run = WelfareRun.objects.get(snapshot=snapshot)
    bits = {ind["code"]: 1 << n for n, ind in enumerate(
        i for i in run.indicators if i.get("active", True))}
    fw, fm = FamilyWelfare._meta.db_table, Family._meta.db_table
    fr, pr = FamilyRecord._meta.db_table, PersonRecord._meta.db_table
    record = record_snapshot_column(snapshot)
    n = _child_length(region_code)
    within = "(w.region_code = %s OR w.region_code LIKE %s)"
    scope = [region_code, region_code + ".%"]
    out: dict[str, dict[str, int]] = {}

    def run_sql(sql: str, params: list) -> dict[str, int]:
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            rows = cursor.fetchall()
        by_child = {child: int(count or 0) for child, count in rows if len(child or "") == n}
        by_child[region_code] = sum(int(count or 0) for _, count in rows)
        return by_child

    for entry in catalogue.CATALOGUE:
        if entry.source_kind != catalogue.COMPUTED:
            continue
        if entry.measure == "desil1":
            out[entry.code] = run_sql(
                f"SELECT SUBSTR(w.region_code, 1, %s), SUM(CASE WHEN r.desil = 1 THEN 1 ELSE 0"
                f" END) FROM {fw} w JOIN {fm} f ON f.id = w.family_id JOIN {fr} r"
                f" ON r.snapshot_id = {record} AND r.family_id = w.family_id"
                f" WHERE w.snapshot_id = %s AND {within} GROUP BY SUBSTR(w.region_code, 1, %s)",
                [n, snapshot.pk, *scope, n])
        elif entry.measure.startswith("need:"):
            bit = bits.get(entry.measure.split(":", 1)[1])
            if bit is None:
                continue  # the region's welfare rules do not have this need
            out[entry.code] = run_sql(
                f"SELECT SUBSTR(w.region_code, 1, %s), SUM(CASE WHEN (w.needs & %s) <> 0"
                f" THEN 1 ELSE 0 END) FROM {fw} w WHERE w.snapshot_id = %s AND {within}"
                f" GROUP BY SUBSTR(w.region_code, 1, %s)",
                [n, bit, snapshot.pk, *scope, n])
        elif entry.measure == "out_of_school":
            rule = next((i for i in run.indicators if i["code"] == "school_attendance"), None)
            params = (rule or {}).get("params") or {
                "codes": ["tidak_belum_pernah", "tidak_sekolah_lagi"], "min_age": 7,
                "max_age": 18}
            codes = list(params.get("codes") or [])
            if not codes:
                continue
            day = snapshot.snapshot_date
            oldest = _years_before(day, int(params.get("max_age", 18)) + 1)
            youngest = _years_before(day, int(params.get("min_age", 7)))
            marks = ", ".join(["%s"] * len(codes))
            out[entry.code] = run_sql(
                f"SELECT SUBSTR(w.region_code, 1, %s), COUNT(p.id) FROM {fw} w"
                f" JOIN {fm} f ON f.id = w.family_id JOIN {pr} p"
                f" ON p.snapshot_id = {record}"
                f" AND p.family_id = w.family_id"
                f" WHERE w.snapshot_id = %s AND {within} AND p.school_participation IN ({marks})"
                f" AND p.birth_date > %s AND p.birth_date <= %s"
                f" GROUP BY SUBSTR(w.region_code, 1, %s)",
                [n, snapshot.pk, *scope, *codes, oldest, youngest, n])
            # Regions with classified families but no such child count zero.
            families = run_sql(
                f"SELECT SUBSTR(w.region_code, 1, %s), COUNT(*) FROM {fw} w"
                f" WHERE w.snapshot_id = %s AND {within} GROUP BY SUBSTR(w.region_code, 1, %s)",
                [n, snapshot.pk, *scope, n])
            out[entry.code] = {code: out[entry.code].get(code, 0) for code in families}
    return out


def computed_values_refresh(*, dataset: Dataset, acting_user=None) -> dict:
    """Store the computed indicators of the dataset's region and its child regions from its
    latest classified snapshot, dated by the snapshot date (one value per year: a later
    snapshot of the same year replaces it)."""
    indicator_catalogue_load(acting_user=acting_user)
    snapshot = _latest_classified(dataset)
    if snapshot is None:
        return {"snapshot": None}
    counts = computed_counts(snapshot, dataset.region_id)
    indicators = {i.code: i for i in Indicator.objects.filter(code__in=counts)}
    year = snapshot.snapshot_date.year
    written = {"created": 0, "updated": 0, "unchanged": 0}
    label = f"{snapshot.get_source_display()} {snapshot.snapshot_date.isoformat()}"[:255]
    with transaction.atomic():
        existing = {(v.indicator_id, v.region_code): v for v in IndicatorValue.objects.filter(
            indicator__in=indicators.values(), year=year, period="")}
        create, update = [], []
        for code, by_region in counts.items():
            ind = indicators[code]
            for region_code, value in by_region.items():
                row = existing.get((ind.pk, region_code))
                if row is None:
                    create.append(IndicatorValue(
                        indicator=ind, region_code=region_code, year=year, period="",
                        value=float(value), source_kind=SourceKind.COMPUTED, source=label,
                        as_of=snapshot.snapshot_date, snapshot=snapshot))
                elif (row.value, row.snapshot_id, row.as_of) != (
                        float(value), snapshot.pk, snapshot.snapshot_date):
                    row.value, row.snapshot, row.as_of, row.source = (
                        float(value), snapshot, snapshot.snapshot_date, label)
                    update.append(row)
                else:
                    written["unchanged"] += 1
        IndicatorValue.objects.bulk_create(create, batch_size=1000)
        IndicatorValue.objects.bulk_update(
            update, ["value", "snapshot", "as_of", "source", "updated_at"], batch_size=1000)
        written["created"], written["updated"] = len(create), len(update)
        audit_record(actor=acting_user, action="targets.computed_refresh", obj=snapshot,
                     region_code=dataset.region_id,
                     changes={**written, "year": year,
                              "region": {c: v.get(dataset.region_id) for c, v in
                                         counts.items()}})
    return {"snapshot": snapshot.pk, **written}


def computed_values_refresh_region(*, region: Region, acting_user=None) -> list[dict]:
    """Refresh the computed indicators of every register at or below ``region``."""
    datasets = Dataset.objects.filter(region_id__in=Region.objects.filter(
        code__startswith=region.code + ".").values("code")) | Dataset.objects.filter(
        region=region)
    return [computed_values_refresh(dataset=d, acting_user=acting_user) for d in datasets]


def computed_values_after_import(*, snapshot: Snapshot, acting_user=None) -> None:
    """Registry after-import hook (``hooks.SNAPSHOT_STORED``, after the welfare figures). A
    failure is recorded (``core.hooks``), never undoes the import."""
    computed_values_refresh(dataset=snapshot.dataset, acting_user=acting_user)


# --- Plan documents, baselines, targets -----------------------------------------------------


def _require_manage(user, region_code: str) -> None:
    """Refuse a user who does not set targets in ``region_code`` (``None``, the command
    line, is trusted like every other command)."""
    if user is None:
        return
    if not access.in_scope(user, region_code, feature="targets_manage"):
        raise TargetsError(NOT_YOURS)


def _user(acting_user):
    return acting_user if getattr(acting_user, "pk", None) else None


_DOCUMENT_FIELDS = ("kind", "number", "title", "year_start", "year_end", "issued_on")


def plan_document_save(*, region: Region, data: dict, document: PlanDocument | None = None,
                       acting_user) -> PlanDocument:
    """Create a plan document of ``region`` or change one (audited with the changes)."""
    _require_manage(acting_user, region.code)
    if document is not None and document.region_id != region.code:
        raise TargetsError(ERR_DOCUMENT_REGION)
    if int(data["year_end"]) < int(data["year_start"]):
        raise TargetsError(ERR_DOCUMENT_YEARS)
    with transaction.atomic():
        created = document is None
        document = document or PlanDocument(region=region, created_by=_user(acting_user))
        changes = {f: [getattr(document, f, None) if not created else None, data.get(f)]
                   for f in _DOCUMENT_FIELDS
                   if created or getattr(document, f) != data.get(f)}
        for f in _DOCUMENT_FIELDS:
            setattr(document, f, (data.get(f) or "") if f == "number" else data.get(f))
        document.save()
        audit_record(actor=acting_user, action="targets.document_" + (
            "create" if created else "update"), obj=document, region_code=region.code,
            changes=changes)
    return document


def _check_target_input(indicator: Indicator, region: Region, document: PlanDocument) -> None:
    if indicator.informational:
        raise TargetsError(ERR_INFORMATIONAL)
    if not document.region.covers(region.code):
        raise TargetsError(ERR_DOCUMENT_REGION)


def target_set(*, indicator: Indicator, region: Region, year: int, value: float,
               document: PlanDocument, note: str = "", acting_user) -> Target:
    """Set the target of ``indicator`` in ``region`` for ``year``. Changing it keeps the
    earlier value (a :class:`TargetRevision` with who and when) and is audited; setting the
    same value from the same document changes nothing."""
    _require_manage(acting_user, region.code)
    _check_target_input(indicator, region, document)
    if not document.covers(year):
        raise TargetsError(ERR_YEAR_OUTSIDE % {"year": year, "start": document.year_start,
                                               "end": document.year_end})
    value = float(value)
    with transaction.atomic():
        target = Target.objects.select_for_update().filter(
            indicator=indicator, region=region, year=year).first()
        if target is not None and target.value == value and \
                target.document_id == document.pk and target.note == note:
            return target
        old_value = target.value if target else None
        old_document = target.document if target else None
        target = target or Target(indicator=indicator, region=region, year=year)
        target.value, target.document, target.note = value, document, note
        target.updated_by = _user(acting_user)
        target.save()
        TargetRevision.objects.create(
            kind=TargetRevision.Kind.TARGET, indicator=indicator, region=region, year=year,
            document=document, old_value=old_value, new_value=value,
            old_document=old_document, note=note, changed_by=_user(acting_user))
        audit_record(actor=acting_user, action="targets.target_set", obj=target,
                     region_code=region.code,
                     changes={"indicator": indicator.code, "year": year,
                              "value": [old_value, value],
                              "document": [old_document.pk if old_document else None,
                                           document.pk], "note": note})
    return target


def baseline_set(*, indicator: Indicator, region: Region, document: PlanDocument, year: int,
                 value: float, acting_user) -> Baseline:
    """Set the baseline (year and value) of a document's targets; versioned like a target."""
    _require_manage(acting_user, region.code)
    _check_target_input(indicator, region, document)
    if year > document.year_end:
        raise TargetsError(ERR_BASELINE_YEAR)
    value = float(value)
    with transaction.atomic():
        baseline = Baseline.objects.select_for_update().filter(
            indicator=indicator, region=region, document=document).first()
        if baseline is not None and (baseline.year, baseline.value) == (year, value):
            return baseline
        old = (baseline.year, baseline.value) if baseline else (None, None)
        baseline = baseline or Baseline(indicator=indicator, region=region, document=document)
        baseline.year, baseline.value, baseline.updated_by = year, value, _user(acting_user)
        baseline.save()
        TargetRevision.objects.create(
            kind=TargetRevision.Kind.BASELINE, indicator=indicator, region=region, year=year,
            document=document, old_value=old[1], new_value=value,
            note=f"{old[0]} → {year}" if old[0] not in (None, year) else "",
            changed_by=_user(acting_user))
        audit_record(actor=acting_user, action="targets.baseline_set", obj=baseline,
                     region_code=region.code,
                     changes={"indicator": indicator.code, "document": document.pk,
                              "year": [old[0], year], "value": [old[1], value]})
    return baseline


def status_bands_set(*, region: Region, on_track: float, attention: float,
                     acting_user) -> StatusBands:
    """Set the region's on-track thresholds (audited)."""
    _require_manage(acting_user, region.code)
    try:
        Bands(float(on_track), float(attention))
    except ValueError as exc:
        raise TargetsError(ERR_BANDS) from exc
    with transaction.atomic():
        bands = StatusBands.objects.select_for_update().filter(region=region).first()
        old = (bands.on_track, bands.attention) if bands else (None, None)
        bands = bands or StatusBands(region=region)
        bands.on_track, bands.attention = float(on_track), float(attention)
        bands.updated_by = _user(acting_user)
        bands.save()
        audit_record(actor=acting_user, action="targets.bands_set", obj=bands,
                     region_code=region.code,
                     changes={"on_track": [old[0], bands.on_track],
                              "attention": [old[1], bands.attention]})
    return bands
