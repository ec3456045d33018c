"""Refreshing the stored convergence of a region: the families of each dataset's latest
classified snapshot, the programmes of the region and the interventions of each period go
to the engine set-wise, and its tables are written back with ``bulk.insert_table`` in one
transaction with one audit row per dataset."""

import logging
import os
import threading
import time
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

import pyarrow as pa
import pyarrow.compute as pc
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from konvergen.audit.services import audit_record
from konvergen.convergence import engine
from konvergen.convergence.models import (
    BudgetConvergence,
    ConvergenceRun,
    FamilyConvergence,
    NeedConvergence,
    ProgrammeConvergence,
    RefreshLock,
    RegionConvergence,
    TargetRules,
)
from konvergen.core import jobs
from konvergen.core.bulk import constant_column, fetch_arrow, insert_table
from konvergen.linkage.duplicates import survivor_map
from konvergen.programs.models import GroupMember, Intervention, Programme
from konvergen.programs.selectors import programmes_for
from konvergen.regions.codes import lineage
from konvergen.regions.filters import overlap_q
from konvergen.registry.models import Dataset, Family, FamilyRecord, Person, Snapshot
from konvergen.registry.selectors import head_snapshot_id
from konvergen.welfare.models import FamilyWelfare, WelfareRun

log = logging.getLogger(__name__)

DEFAULT_TARGET_STATUSES = (1, 2, 3)
ERR_TARGET_STATUS = _("Unknown welfare status.")
ERR_TARGET_DESIL = _("The desil range must lie within 1–10 and not be empty.")
SUMMARY_MODELS = (
    FamilyConvergence,
    RegionConvergence,
    NeedConvergence,
    ProgrammeConvergence,
    BudgetConvergence,
)


@dataclass(frozen=True)
class Target:
    """The target definition in force for a region, and the region that set it (``owner``
    empty: the default)."""

    statuses: tuple[int, ...]
    desil_min: int | None = None
    desil_max: int | None = None
    owner: str = ""


def target_rules(region_code: str) -> Target:
    """The target definition of the region, or of the nearest region above with one."""
    codes = lineage(region_code, nearest_first=True)
    rules = {r.region_id: r for r in TargetRules.objects.filter(region_id__in=codes)}
    for code in codes:
        if code in rules and rules[code].target_statuses:
            r = rules[code]
            return Target(tuple(int(s) for s in r.target_statuses), r.desil_min, r.desil_max,
                          code)
    return Target(DEFAULT_TARGET_STATUSES)


def target_statuses(region_code: str) -> tuple[int, ...]:
    """The welfare statuses the region (or the nearest region above) counts as target."""
    return target_rules(region_code).statuses


def target_rules_set(
    *, region, statuses, desil_min: int | None, desil_max: int | None, acting_user
) -> TargetRules:
    """Set which families ``region`` counts as its target (audited), then refresh its
    convergence (a background job). No status at all removes the region's own rule, so the
    region above (or the default) applies again."""
    from konvergen.welfare.models import Status

    statuses = sorted({int(s) for s in statuses})
    if any(s not in Status.values for s in statuses):
        raise ValidationError(ERR_TARGET_STATUS)
    if desil_min is not None and desil_max is not None and desil_min > desil_max:
        raise ValidationError(ERR_TARGET_DESIL)
    for bound in (desil_min, desil_max):
        if bound is not None and not 1 <= bound <= 10:
            raise ValidationError(ERR_TARGET_DESIL)
    before = target_rules(region.code)
    with transaction.atomic():
        rules = TargetRules.objects.select_for_update().filter(region=region).first()
        if not statuses:
            if rules is not None:
                rules.delete()
            rules = TargetRules(region=region, target_statuses=[])
        else:
            rules = rules or TargetRules(region=region)
            rules.target_statuses = statuses
            rules.desil_min, rules.desil_max = desil_min, desil_max
            rules.updated_by = acting_user if getattr(acting_user, "pk", None) else None
            rules.save()
        after = target_rules(region.code)
        audit_record(
            actor=acting_user,
            action="convergence.target_rules",
            object_type="convergence.targetrules",
            object_id=region.code,
            object_repr=str(region),
            region_code=region.code,
            changes={
                "statuses": [list(before.statuses), list(after.statuses)],
                "desil_min": [before.desil_min, after.desil_min],
                "desil_max": [before.desil_max, after.desil_max],
                "inherited_from": [before.owner, after.owner],
            },
        )
    jobs.start(_refresh_job, region.code, getattr(acting_user, "pk", None),
               kind="convergence.refresh", region_code=region.code)
    return rules


def _refresh_job(region_code: str, user_id: int | None) -> None:
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.filter(pk=user_id).first() if user_id else None
    convergence_refresh(region_code=region_code, acting_user=user)


# --- Serialising refreshes of one region -----------------------------------------------------

#: A lock held longer than this belongs to a process that died; the next refresh takes it.
LOCK_LEASE = timedelta(minutes=30)
LOCK_POLL_SECONDS = 0.2


def _holder() -> str:
    return f"{os.getpid()}:{threading.get_ident()}:{uuid.uuid4().hex[:8]}"


class refresh_lock:
    """Hold the refresh lease of ``region_code`` (a ``RefreshLock`` row), waiting while
    another refresh of the same region holds it: one conditional UPDATE takes it, another
    gives it back, so no database lock is held while the region recomputes (SQLite stays
    writable) and the same code serialises on PostgreSQL. ``skip`` is true when a refresh
    that started after ``requested_at`` finished while we waited: nothing is left to do."""

    def __init__(self, region_code: str, *, requested_at=None, timeout: float | None = None):
        self.code = region_code
        self.requested_at = requested_at or timezone.now()
        self.timeout = timeout
        self.holder = _holder()
        self.skip = False
        self.started_at: datetime | None = None

    def __enter__(self) -> "refresh_lock":
        try:
            with transaction.atomic():
                RefreshLock.objects.get_or_create(region_code=self.code)
        except IntegrityError:
            pass  # created by a concurrent refresh
        waited = 0.0
        while True:
            now = timezone.now()
            free = Q(holder="") | Q(acquired_at__lt=now - LOCK_LEASE)
            taken = RefreshLock.objects.filter(free, region_code=self.code).update(
                holder=self.holder, acquired_at=now
            )
            if taken:
                break
            if self.timeout is not None and waited >= self.timeout:
                raise TimeoutError(f"convergence refresh of {self.code} is locked")
            time.sleep(LOCK_POLL_SECONDS)
            waited += LOCK_POLL_SECONDS
        self.started_at = timezone.now()
        last = RefreshLock.objects.filter(region_code=self.code).values_list(
            "last_started_at", flat=True
        ).first()
        self.skip = last is not None and last > self.requested_at
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        done = {} if exc_type or self.skip else {"last_started_at": self.started_at}
        RefreshLock.objects.filter(region_code=self.code, holder=self.holder).update(
            holder="", acquired_at=None, **done
        )


def latest_snapshot(dataset) -> Snapshot | None:
    """The dataset's latest snapshot with a welfare run (status and needs classified)."""
    done = WelfareRun.objects.filter(snapshot__dataset=dataset).values("snapshot_id")
    return (
        Snapshot.objects.filter(dataset=dataset, pk__in=done)
        .order_by("-snapshot_date", "-id")
        .first()
    )


def record_snapshot_column(snapshot: Snapshot) -> str:
    """Which snapshot's record holds a classified family's values, as SQL over ``w``
    (its welfare row) and ``f`` (the family). The dataset's latest snapshot was classified
    on the register across sources, so there it is the family's current record (which may
    belong to another source's snapshot); an older snapshot's are its own records."""
    if head_snapshot_id(snapshot.dataset_id) == snapshot.pk:
        return "f.last_snapshot_id"
    return "w.snapshot_id"


def _families(snapshot: Snapshot) -> pa.Table:
    """The classified families of a snapshot with their desil."""
    fw, fr, fm = FamilyWelfare._meta.db_table, FamilyRecord._meta.db_table, Family._meta.db_table
    return fetch_arrow(
        connection,
        f"SELECT w.family_id, w.region_code, r.desil, w.status, w.needs FROM {fw} w "
        f"JOIN {fm} f ON f.id = w.family_id JOIN {fr} r"
        f" ON r.snapshot_id = {record_snapshot_column(snapshot)} AND r.family_id = w.family_id"
        f" WHERE w.snapshot_id = %s",
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
    the surviving person's family (``linkage.duplicates.survivor_map``), and its
    interventions to groups with a member in the dataset (``family_id`` empty)."""
    it, ft = Intervention._meta.db_table, Family._meta.db_table
    gm, pe = GroupMember._meta.db_table, Person._meta.db_table
    table = fetch_arrow(
        connection,
        f"SELECT i.programme_id, i.family_id, i.person_id, i.group_id, i.status, i.value "
        f"FROM {it} i JOIN {ft} f ON f.id = i.family_id "
        f"WHERE f.dataset_id = %s AND i.year = %s "
        f"UNION ALL "
        f"SELECT i.programme_id, NULL, NULL, i.group_id, i.status, i.value FROM {it} i "
        f"WHERE i.family_id IS NULL AND i.year = %s AND i.group_id IN ("
        f"SELECT m.group_id FROM {gm} m JOIN {pe} pe ON pe.id = m.person_id "
        f"WHERE pe.dataset_id = %s AND {MEMBER_IN_YEAR})",
        [dataset.pk, year, year, dataset.pk, year, year],
    )
    table = engine.conform(table, {**engine.INTERVENTION_INPUT, "person_id": pa.int64()})
    return _to_survivor_families(dataset, table)


#: SQL: membership ``m`` covers the period (two ``%s`` parameters, both the year).
MEMBER_IN_YEAR = "m.joined_year <= %s AND (m.left_year IS NULL OR m.left_year >= %s)"


def group_members_table(dataset, year: int) -> pa.Table:
    """``group_id``, ``family_id`` of every member (in the dataset) whose membership covers
    ``year``, of a group that has an intervention to the whole group in that year; a merged
    person's survivor's family."""
    it, gm, pe = (
        Intervention._meta.db_table, GroupMember._meta.db_table, Person._meta.db_table
    )
    table = fetch_arrow(
        connection,
        f"SELECT m.group_id, pe.family_id, pe.id AS person_id FROM {gm} m "
        f"JOIN {pe} pe ON pe.id = m.person_id WHERE pe.dataset_id = %s "
        f"AND {MEMBER_IN_YEAR} AND m.group_id IN "
        f"(SELECT group_id FROM {it} WHERE family_id IS NULL AND group_id IS NOT NULL "
        f"AND year = %s)",
        [dataset.pk, year, year, year],
    )
    table = engine.conform(table, {**engine.MEMBER_INPUT, "person_id": pa.int64()})
    return _to_survivor_families(dataset, table)


def _to_survivor_families(dataset, table: pa.Table) -> pa.Table:
    """Rows of a merged person (``person_id``) count for the surviving person's family."""
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
        Intervention.objects.filter(
            Q(family__dataset=dataset)
            | Q(family__isnull=True, group__memberships__person__dataset=dataset)
        )
        .values_list("year", flat=True)
        .distinct()
    )
    for p in programmes:
        years.update(range(p.year_start, min(p.year_end, p.year_start + 10) + 1))
    return sorted(years) or [timezone.now().year]


def convergence_refresh_dataset(
    *, dataset: Dataset, acting_user=None, requested_at=None
) -> list[ConvergenceRun]:
    """Recompute every period of the dataset's latest classified snapshot. Two refreshes of
    the same region run one after the other (``refresh_lock``); a refresh requested before
    one that has since finished returns that one's runs."""
    with refresh_lock(dataset.region_id, requested_at=requested_at) as lock:
        if lock.skip:
            return list(ConvergenceRun.objects.filter(snapshot__dataset=dataset))
        return _refresh_dataset(dataset=dataset, acting_user=acting_user)


def _refresh_dataset(*, dataset: Dataset, acting_user=None) -> list[ConvergenceRun]:
    snapshot = latest_snapshot(dataset)
    if snapshot is None:
        return []
    started = time.perf_counter()
    run_config = WelfareRun.objects.get(snapshot=snapshot).config
    need_codes = tuple(i["code"] for i in run_config.get("indicators", []))
    target = target_rules(dataset.region_id)
    statuses = target.statuses
    config = engine.ConvergenceConfig(
        target_statuses=statuses, need_codes=need_codes,
        target_desil_min=target.desil_min, target_desil_max=target.desil_max,
    )
    families = _families(snapshot)
    programmes = list(programmes_for(dataset.region_id))
    prog_table, locations = _programmes(programmes, need_codes)
    results = []
    for year in _years(dataset, programmes):
        interventions = interventions_table(dataset, year)
        members = group_members_table(dataset, year)
        result = engine.compute(
            families, prog_table, interventions, config=config, locations=locations,
            members=members,
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
                    "target_desil": [target.desil_min, target.desil_max],
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
    return table.append_column("run_id", constant_column(run.pk, table.num_rows))


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
    return Dataset.objects.filter(overlap_q(region_code, "region__code"))


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
    """Registry hook (``hooks.SNAPSHOT_STORED``, ``convergence.refresh``), after welfare
    classified the new snapshot. A failure is recorded for the dashboard (``core.hooks``)."""
    convergence_refresh_dataset(dataset=snapshot.dataset, acting_user=acting_user)
