"""Refreshing the stored convergence of a region: the families of each dataset's latest
classified snapshot, the programmes of the region and the interventions of each period go
to the engine set-wise, and its tables are written back with ``bulk.insert_table`` in one
transaction with one audit row per dataset."""

import logging
import time

import pyarrow as pa
import pyarrow.compute as pc
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from konvergen.audit.services import audit_record
from konvergen.convergence import engine
from konvergen.convergence.models import (
    BudgetConvergence,
    ConvergenceRun,
    FamilyConvergence,
    NeedConvergence,
    ProgrammeConvergence,
    RegionConvergence,
    TargetRules,
)
from konvergen.linkage.duplicates import survivor_map
from konvergen.programs.models import Intervention, Programme
from konvergen.registry.bulk import fetch_arrow, insert_table
from konvergen.registry.models import Dataset, Family, FamilyRecord, Person, Snapshot
from konvergen.welfare.models import FamilyWelfare, WelfareRun

log = logging.getLogger(__name__)

DEFAULT_TARGET_STATUSES = (1, 2, 3)
SUMMARY_MODELS = (
    FamilyConvergence,
    RegionConvergence,
    NeedConvergence,
    ProgrammeConvergence,
    BudgetConvergence,
)


def _self_and_ancestors(code: str) -> list[str]:
    parts = code.split(".")
    return [".".join(parts[:n]) for n in range(len(parts), 0, -1)]


def target_statuses(region_code: str) -> tuple[int, ...]:
    """The welfare statuses the region (or the nearest region above) counts as target."""
    codes = _self_and_ancestors(region_code)
    rules = {r.region_id: r for r in TargetRules.objects.filter(region_id__in=codes)}
    for code in codes:
        if code in rules and rules[code].target_statuses:
            return tuple(int(s) for s in rules[code].target_statuses)
    return DEFAULT_TARGET_STATUSES


def latest_snapshot(dataset) -> Snapshot | None:
    """The dataset's latest snapshot with a welfare run (status and needs classified)."""
    done = WelfareRun.objects.filter(snapshot__dataset=dataset).values("snapshot_id")
    return (
        Snapshot.objects.filter(dataset=dataset, pk__in=done)
        .order_by("-snapshot_date", "-id")
        .first()
    )


def programmes_for(region_code: str):
    """Programmes that can reach families of a dataset of ``region_code``: those of the
    region, of regions above it and of regions below it."""
    return Programme.objects.filter(
        Q(region_id__in=_self_and_ancestors(region_code))
        | Q(region__code__startswith=region_code + ".")
    )


def _families(snapshot: Snapshot) -> pa.Table:
    fw, fr = FamilyWelfare._meta.db_table, FamilyRecord._meta.db_table
    return fetch_arrow(
        connection,
        f"SELECT w.family_id, w.region_code, r.desil, w.status, w.needs FROM {fw} w "
        f"JOIN {fr} r ON r.snapshot_id = w.snapshot_id AND r.family_id = w.family_id "
        f"WHERE w.snapshot_id = %s",
        [snapshot.pk],
    )


def _programmes(programmes: list[Programme], need_codes: tuple[str, ...]) -> tuple:
    bit = {code: 1 << n for n, code in enumerate(need_codes)}
    table = pa.table(
        {
            "programme_id": pa.array([p.pk for p in programmes], pa.int64()),
            "needs": pa.array([sum(bit.get(c, 0) for c in set(p.needs)) for p in programmes],
                              pa.int64()),
            "stage": pa.array([p.stage for p in programmes], pa.string()),
            "strategy": pa.array([p.strategy for p in programmes], pa.string()),
            "sector": pa.array([p.sector for p in programmes], pa.string()),
            "funding_source": pa.array([p.funding_source for p in programmes], pa.string()),
            "organisation_id": pa.array([p.organisation_id for p in programmes], pa.int64()),
            "desil_min": pa.array([p.desil_min for p in programmes], pa.int64()),
            "desil_max": pa.array([p.desil_max for p in programmes], pa.int64()),
        }
    )
    pairs = [(p.pk, code) for p in programmes for code in p.locations or []]
    locations = pa.table(
        {
            "programme_id": pa.array([a for a, _b in pairs], pa.int64()),
            "code": pa.array([b for _a, b in pairs], pa.string()),
        }
    )
    return table, locations


def interventions_table(dataset, year: int) -> pa.Table:
    """The period's interventions on the dataset's families, a merged person's counted for
    the surviving person's family (``linkage.duplicates.survivor_map``)."""
    it, ft = Intervention._meta.db_table, Family._meta.db_table
    table = fetch_arrow(
        connection,
        f"SELECT i.programme_id, i.family_id, i.person_id, i.status, i.value FROM {it} i "
        f"JOIN {ft} f ON f.id = i.family_id WHERE f.dataset_id = %s AND i.year = %s",
        [dataset.pk, year],
    )
    table = engine.conform(table, {**engine.INTERVENTION_INPUT, "person_id": pa.int64()})
    merged = survivor_map(dataset)
    if merged and table.num_rows:
        families = dict(
            Person.objects.filter(pk__in=set(merged.values())).values_list("pk", "family_id")
        )
        keys = pa.array(list(merged), pa.int64())
        targets = pa.array([families.get(s) for s in merged.values()], pa.int64())
        replacement = targets.take(pc.index_in(table.column("person_id"), value_set=keys))
        table = table.set_column(
            table.column_names.index("family_id"),
            "family_id",
            pc.coalesce(replacement, table.column("family_id")),
        )
    return table


def _years(dataset, programmes: list[Programme]) -> list[int]:
    years = set(
        Intervention.objects.filter(family__dataset=dataset)
        .values_list("year", flat=True)
        .distinct()
    )
    for p in programmes:
        years.update(range(p.year_start, min(p.year_end, p.year_start + 10) + 1))
    return sorted(years) or [timezone.now().year]


def convergence_refresh_dataset(*, dataset: Dataset, acting_user=None) -> list[ConvergenceRun]:
    """Recompute every period of the dataset's latest classified snapshot."""
    snapshot = latest_snapshot(dataset)
    if snapshot is None:
        return []
    started = time.perf_counter()
    run_config = WelfareRun.objects.get(snapshot=snapshot).config
    need_codes = tuple(i["code"] for i in run_config.get("indicators", []))
    statuses = target_statuses(dataset.region_id)
    config = engine.ConvergenceConfig(target_statuses=statuses, need_codes=need_codes)
    families = _families(snapshot)
    programmes = list(programmes_for(dataset.region_id))
    prog_table, locations = _programmes(programmes, need_codes)
    results = []
    for year in _years(dataset, programmes):
        interventions = interventions_table(dataset, year)
        result = engine.compute(
            families, prog_table, interventions, config=config, locations=locations
        )
        results.append((year, interventions.num_rows, result))
    with transaction.atomic():
        old = ConvergenceRun.objects.filter(snapshot__dataset=dataset)
        for model in SUMMARY_MODELS:
            rows = model.objects.filter(run__in=old)
            rows._raw_delete(rows.db)
        old._raw_delete(old.db)
        runs = []
        for year, count, result in results:
            run = ConvergenceRun.objects.create(
                snapshot=snapshot,
                year=year,
                families=result.families.num_rows,
                interventions=count,
                config={
                    "target_statuses": list(statuses),
                    "received_statuses": list(config.received_statuses),
                    "need_codes": list(need_codes),
                    "programmes": [p.pk for p in programmes],
                },
            )
            _store(run, result)
            runs.append(run)
        seconds = round(time.perf_counter() - started, 2)
        ConvergenceRun.objects.filter(pk__in=[r.pk for r in runs]).update(seconds=seconds)
        audit_record(
            actor=acting_user,
            action="convergence.refresh",
            object_type="registry.dataset",
            object_id=str(dataset.pk),
            object_repr=str(dataset),
            region_code=dataset.region_id,
            changes={
                "snapshot": snapshot.pk,
                "years": [r.year for r in runs],
                "families": families.num_rows,
                "interventions": sum(r.interventions for r in runs),
                "seconds": seconds,
            },
        )
    return runs


def _with_run(run: ConvergenceRun, table: pa.Table) -> pa.Table:
    return table.append_column("run_id", pa.array([run.pk] * table.num_rows, pa.int64()))


def _store(run: ConvergenceRun, result: engine.ConvergenceResult) -> None:
    fam = result.families.select(
        [
            "family_id", "region_code", "desil", "status", "target", "needs", "covered",
            "gaps", "overlap", "stage", "programmes", "interventions", "value", "outside",
        ]
    )
    insert_table(connection, FamilyConvergence._meta.db_table, _with_run(run, fam))
    insert_table(connection, RegionConvergence._meta.db_table, _with_run(run, result.regions))
    insert_table(connection, NeedConvergence._meta.db_table, _with_run(run, result.needs))
    insert_table(
        connection, ProgrammeConvergence._meta.db_table, _with_run(run, result.programmes)
    )
    insert_table(connection, BudgetConvergence._meta.db_table, _with_run(run, result.budget))


def datasets_touching(region_code: str):
    """Datasets whose region lies above, at or below ``region_code``."""
    return Dataset.objects.filter(
        Q(region_id__in=_self_and_ancestors(region_code))
        | Q(region__code__startswith=region_code + ".")
    )


def convergence_refresh(*, region_code: str, acting_user=None) -> list[ConvergenceRun]:
    """Refresh every dataset touching ``region_code``."""
    runs: list[ConvergenceRun] = []
    for dataset in datasets_touching(region_code):
        runs.extend(convergence_refresh_dataset(dataset=dataset, acting_user=acting_user))
    return runs


def convergence_refresh_after_change(*, region_code: str) -> None:
    """Programmes hook (a background job): a programme or intervention changed."""
    convergence_refresh(region_code=region_code)


def convergence_refresh_after_import(*, snapshot: Snapshot, acting_user=None) -> None:
    """Registry hook, after welfare classified the new snapshot. Logged, never raised."""
    try:
        convergence_refresh_dataset(dataset=snapshot.dataset, acting_user=acting_user)
    except Exception:
        log.exception("convergence refresh of snapshot %s failed", snapshot.pk)
