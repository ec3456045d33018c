"""Writes of the welfare app: recomputing a snapshot, and a region's rules and indicators.

``welfare_recompute`` moves the snapshot's records out of the database set-wise (PostgreSQL
``COPY … TO STDOUT`` straight into Arrow; SQLite one cursor fetch), lets the engine classify
and aggregate in DuckDB, and writes the results back with ``bulk.insert_table`` in one
transaction with one audit row.
"""

import logging
import time
from dataclasses import asdict

import pyarrow as pa
import pyarrow.compute as pc
from django.db import connection, transaction

from konvergen.audit.services import audit_record, model_changes
from konvergen.core import bulk
from konvergen.regions.codes import descendant_prefix, lineage
from konvergen.regions.models import Region
from konvergen.registry.models import Family, FamilyRecord, PersonRecord, Snapshot
from konvergen.registry.selectors import head_snapshot_id
from konvergen.welfare import engine
from konvergen.welfare.models import (
    FamilyWelfare,
    IndicatorSetting,
    NeedSummary,
    RegionSummary,
    RuleSet,
    WelfareRun,
)

log = logging.getLogger(__name__)

RULE_FIELDS = [
    "method",
    "desil_extreme",
    "desil_poor",
    "desil_vulnerable",
    "poverty_line_day",
    "extreme_line_day",
    "vulnerable_factor",
    "mpi_k",
    "small_cell_k",
]
DEFAULT_SMALL_CELL_K = 10


# --- Configuration --------------------------------------------------------------------------


def effective_ruleset(region_code: str, year: int) -> RuleSet | None:
    """The rule set of the nearest region (itself first, then upwards) for ``year``, or for
    the latest earlier year; None when no region above has any."""
    codes = lineage(region_code, nearest_first=True)
    candidates = list(RuleSet.objects.filter(region_id__in=codes, year__lte=year))
    if not candidates:
        return None
    return min(candidates, key=lambda r: (codes.index(r.region_id), -r.year))


def status_rules(ruleset: RuleSet | None) -> engine.StatusRules:
    if ruleset is None:
        return engine.StatusRules()
    return engine.StatusRules(
        method=ruleset.method,
        desil_extreme=ruleset.desil_extreme,
        desil_poor=ruleset.desil_poor,
        desil_vulnerable=ruleset.desil_vulnerable,
        poverty_line_day=ruleset.poverty_line_day,
        extreme_line_day=ruleset.extreme_line_day,
        vulnerable_factor=ruleset.vulnerable_factor,
        mpi_k=ruleset.mpi_k,
    )


def small_cell_k(region_code: str, year: int) -> int:
    ruleset = effective_ruleset(region_code, year)
    return ruleset.small_cell_k if ruleset else DEFAULT_SMALL_CELL_K


def effective_indicators(region_code: str) -> tuple[list[engine.Indicator], str | None]:
    """The indicator set of the nearest region with its own rows, else the defaults
    (then the second value is None)."""
    codes = lineage(region_code, nearest_first=True)
    rows = list(IndicatorSetting.objects.filter(region_id__in=codes))
    if not rows:
        return list(engine.DEFAULT_INDICATORS), None
    owner = min({r.region_id for r in rows}, key=codes.index)
    return [
        engine.Indicator(
            code=r.code,
            name_id=r.name_id,
            name_en=r.name_en,
            dimension=r.dimension,
            rule=r.rule,
            params=r.params,
            weight=r.weight,
            active=r.active,
        )
        for r in sorted(rows, key=lambda r: (r.position, r.pk))
        if r.region_id == owner
    ], owner


# --- Moving the records ---------------------------------------------------------------------


def _fetch(table: str, snapshot_id: int, schema: dict[str, pa.DataType], *,
           register_of: int | None = None) -> pa.Table:
    """The ``schema`` columns of ``table``'s rows of one snapshot, as an Arrow table; with
    ``register_of`` (a dataset id), instead the rows the register's current families take
    their values from (each family's record in its best source's latest snapshot)."""
    if register_of is None:
        source, params = f"{table} r WHERE r.snapshot_id = %s", [snapshot_id]
    else:
        source = (f"{table} r JOIN {Family._meta.db_table} f ON f.id = r.family_id"
                  " AND f.last_snapshot_id = r.snapshot_id"
                  " WHERE f.dataset_id = %s AND f.is_current = %s")
        params = [register_of, True]
    return bulk.fetch_typed(connection, source, params, schema, prefix="r.")


def _q(name: str) -> str:
    return connection.ops.quote_name(name)


def snapshot_tables(snapshot_id: int, *, register_of: int | None = None
                    ) -> tuple[pa.Table, pa.Table]:
    """The family and person records of a snapshot, as the engine reads them; with
    ``register_of``, the register's current families as their best sources hold them (so a
    family several sources hold is counted once, and a family a village decision deactivated
    not at all)."""
    families = _fetch(FamilyRecord._meta.db_table, snapshot_id, dict(engine.FAMILY_INPUT),
                      register_of=register_of)
    persons = _fetch(PersonRecord._meta.db_table, snapshot_id, dict(engine.PERSON_INPUT),
                     register_of=register_of)
    return families, persons


def is_head(snapshot: Snapshot) -> bool:
    """Whether ``snapshot`` is its dataset's latest by date (the one dashboards show)."""
    return head_snapshot_id(snapshot.dataset_id) == snapshot.pk


# --- Recompute ------------------------------------------------------------------------------


def welfare_recompute(*, snapshot: Snapshot, acting_user=None) -> WelfareRun:
    """Classify every family of ``snapshot``, derive its needs and refresh the summaries."""
    started = time.perf_counter()
    region_code = snapshot.dataset.region_id
    ruleset = effective_ruleset(region_code, snapshot.snapshot_date.year)
    rules = status_rules(ruleset)
    indicators, owner = effective_indicators(region_code)
    # The dataset's latest snapshot stands for the register as it is now, across sources;
    # an older one for itself.
    families, persons = snapshot_tables(
        snapshot.pk, register_of=snapshot.dataset_id if is_head(snapshot) else None)
    result = engine.compute(
        families,
        persons,
        rules=rules,
        indicators=indicators,
        reference_date=snapshot.snapshot_date,
    )
    fam = result.families
    fam_rows = pa.table(
        {
            "snapshot_id": bulk.constant_column(snapshot.pk, fam.num_rows),
            "family_id": fam.column("family_id"),
            "region_code": fam.column("region_code"),
            "status": fam.column("status").cast(pa.int16()),
            "needs": fam.column("needs"),
            "score": fam.column("score"),
            "mpi_poor": fam.column("mpi_poor"),
            "persons": fam.column("persons").cast(pa.int32()),
        }
    )

    def with_snapshot(table: pa.Table) -> pa.Table:
        return table.append_column(
            "snapshot_id", bulk.constant_column(snapshot.pk, table.num_rows)
        )

    config = {
        "rules": asdict(rules),
        "ruleset_id": ruleset.pk if ruleset else None,
        "small_cell_k": ruleset.small_cell_k if ruleset else DEFAULT_SMALL_CELL_K,
        "indicators_region": owner,
        "indicators": [i.as_dict() for i in result.indicators],
    }
    with transaction.atomic():
        for model in (FamilyWelfare, RegionSummary, NeedSummary):
            model.objects.filter(snapshot=snapshot)._raw_delete(model.objects.db)
        table = FamilyWelfare._meta.db_table
        with bulk.indexes_deferred(connection, table, fam_rows.num_rows):
            bulk.insert_table(connection, table, fam_rows)
        bulk.insert_table(connection, RegionSummary._meta.db_table, with_snapshot(result.regions))
        bulk.insert_table(connection, NeedSummary._meta.db_table, with_snapshot(result.needs))
        seconds = time.perf_counter() - started
        run, _created = WelfareRun.objects.update_or_create(
            snapshot=snapshot,
            defaults={"config": config, "families": fam.num_rows, "seconds": round(seconds, 2)},
        )
        statuses = pc.value_counts(fam.column("status")).to_pylist() if fam.num_rows else []
        audit_record(
            actor=acting_user,
            action="welfare.recompute",
            obj=run,
            region_code=region_code,
            changes={
                "snapshot": snapshot.pk,
                "families": fam.num_rows,
                "status": {engine.STATUS_KEYS[s["values"]]: s["counts"] for s in statuses},
                "seconds": round(seconds, 2),
            },
        )
    return run


def welfare_recompute_after_import(*, snapshot: Snapshot, acting_user=None) -> None:
    """Registry after-import hook (``hooks.SNAPSHOT_STORED``, ``welfare.recompute``). A
    failure is recorded for the region's pages (``core.hooks``), never undoes the import:
    ``konvergen welfare-recompute --snapshot ID`` repeats it."""
    welfare_recompute(snapshot=snapshot, acting_user=acting_user)
    # A snapshot dated before another source's latest changes the register that the
    # latest stands for: that one is recomputed too.
    head = head_snapshot_id(snapshot.dataset_id)
    if head is not None and head != snapshot.pk and WelfareRun.objects.filter(
            snapshot_id=head).exists():
        welfare_recompute(snapshot=Snapshot.objects.get(pk=head), acting_user=acting_user)


def welfare_recompute_region(*, region_code: str, acting_user=None) -> list[WelfareRun]:
    """Recompute the latest snapshot of every dataset at or below ``region_code`` (after its
    rules changed)."""
    latest: dict[int, Snapshot] = {}
    snapshots = Snapshot.objects.select_related("dataset").order_by("snapshot_date", "id")
    for snap in snapshots.filter(
        dataset__region_id__in=Region.objects.filter(
            code__startswith=descendant_prefix(region_code)
        ).values("code")
    ) | snapshots.filter(dataset__region_id=region_code):
        latest[snap.dataset_id] = snap
    return [welfare_recompute(snapshot=s, acting_user=acting_user) for s in latest.values()]


# --- Settings -------------------------------------------------------------------------------


def welfare_rules_update(
    *, region: Region, year: int, rules: dict, indicators: list[dict], acting_user
) -> RuleSet:
    """Save a region's status rules for ``year`` and its indicator set (replacing the
    previous rows), in one transaction with one audit row. Raises ValueError (with the
    engine's message) on an invalid configuration; nothing is saved then."""
    candidate = engine.StatusRules(
        **{k: rules[k] for k in RULE_FIELDS if k != "small_cell_k" and k in rules}
    )
    candidate.validate()
    parsed = [engine.Indicator(**i) for i in indicators]
    engine.validate_indicators(parsed)
    for i in parsed:
        engine.rule_sql(i.rule, i.code, i.params)
    old_indicators, owner = effective_indicators(region.code)
    with transaction.atomic():
        ruleset = RuleSet.objects.select_for_update().filter(region=region, year=year).first()
        created = ruleset is None
        if ruleset is None:
            ruleset = RuleSet(region=region, year=year)
        changes = {} if created else model_changes(ruleset, RULE_FIELDS, rules)
        for name in RULE_FIELDS:
            if name in rules:
                setattr(ruleset, name, rules[name])
        ruleset.updated_by = acting_user
        ruleset.save()
        new = [i.as_dict() for i in parsed]
        old = [i.as_dict() for i in old_indicators]
        IndicatorSetting.objects.filter(region=region).delete()
        IndicatorSetting.objects.bulk_create(
            IndicatorSetting(region=region, position=n, **i) for n, i in enumerate(new)
        )
        audit_record(
            actor=acting_user,
            action="welfare.rules_update",
            obj=ruleset,
            region_code=region.code,
            changes={
                "year": year,
                "created": created,
                "rules": changes if not created else {k: rules.get(k) for k in RULE_FIELDS},
                "indicators": {"before": old, "after": new} if old != new else "unchanged",
                "indicators_inherited_from": owner if owner != region.code else None,
            },
        )
    return ruleset
