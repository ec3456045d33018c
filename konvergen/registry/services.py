"""Importing a register snapshot: validate with the ingest pipeline, then store set-wise.

``register_import`` is the one entry point for the command line, the browser (through
``import_job_run``) and the tests. A snapshot is all or nothing: the accepted rows, the
rejected rows, the flags, the new current values and the diff against the previous snapshot
commit in one transaction, with one audit row.
"""

import datetime as dt
import hashlib
import logging
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
from django.db import transaction
from django.utils import timezone

from konvergen.audit.services import audit_record
from konvergen.core import hooks, jobs
from konvergen.regions.models import Level, Region
from konvergen.registry import store
from konvergen.registry.diff import snapshot_diff
from konvergen.registry.ingest.pipeline import PreparedRegister, prepare_register
from konvergen.registry.ingest.readers import IngestFileError
from konvergen.registry.models import Dataset, ImportJob, Snapshot, Source

Progress = Callable[[str, int], None]
log = logging.getLogger(__name__)

OLDER_THAN_LATEST = (
    "Tanggal snapshot {date} lebih lama dari snapshot terakhir ({latest}). / "
    "The snapshot date {date} is older than the latest snapshot ({latest})."
)


class RegisterImportError(ValueError):
    """The import cannot start or cannot finish; nothing was written."""


@dataclass
class ImportOutcome:
    snapshot: Snapshot | None
    unchanged: bool = False
    dry_run: bool = False
    summary: dict = field(default_factory=dict)


def files_sha256(*paths: Path) -> str:
    digest = hashlib.sha256()
    for path in paths:
        with open(path, "rb") as handle:
            while chunk := handle.read(1 << 20):
                digest.update(chunk)
        digest.update(b"\0")
    return digest.hexdigest()


def dataset_get_or_create(*, source: str, region: Region, acting_user=None) -> Dataset:
    """The region's register: the one dataset every source's snapshots of the region go
    into (created, with ``source`` as its first source, on the region's first import)."""
    with transaction.atomic():
        dataset = Dataset.objects.filter(region=region).order_by("id").first()
        created = dataset is None
        if created:
            dataset = Dataset.objects.create(source=source, region=region)
            audit_record(
                actor=acting_user,
                action="registry.dataset_create",
                obj=dataset,
                region_code=region.code,
                changes={"source": source},
            )
    assert dataset is not None  # found or created
    return dataset


AUTHORITY_INVALID = (
    "Urutan sumber harus memuat setiap sumber tepat sekali: {sources}. / "
    "The source order must name every source exactly once: {sources}."
)


def dataset_authority_set(*, dataset: Dataset, order: list[str], acting_user) -> Dataset:
    """Set which source a region trusts first for its families' current values, then
    recompute the register (current values, welfare, convergence) in the background."""
    if sorted(order) != sorted(Source.values):
        raise RegisterImportError(AUTHORITY_INVALID.format(sources=", ".join(Source.values)))
    with transaction.atomic():
        dataset = Dataset.objects.select_for_update().get(pk=dataset.pk)
        before = dataset.authority_order
        dataset.authority = list(order)
        dataset.save(update_fields=["authority"])
        store.reapply_authority(dataset)
        audit_record(actor=acting_user, action="registry.authority_set", obj=dataset,
                     region_code=dataset.region_id,
                     changes={"authority": {"before": before, "after": list(order)}})
        user_id = getattr(acting_user, "pk", None)
        transaction.on_commit(lambda: jobs.start(register_refresh, dataset.pk, user_id,
                                                  kind="register.refresh",
                                                  region_code=dataset.region_id))
    return dataset


def _valid_desa_codes(region: Region) -> pa.Array:
    codes = Region.objects.filter(
        level=Level.DESA, is_active=True, code__startswith=region.code + "."
    )
    return pa.array(list(codes.values_list("code", flat=True)), pa.string())


def _summary(prepared: PreparedRegister) -> dict:
    def by_reason(table: pa.Table) -> dict[str, int]:
        if table.num_rows == 0:
            return {}
        counts = pc.value_counts(table.column("reason")).to_pylist()
        return {c["values"]: c["counts"] for c in counts}

    def rows(table: pa.Table, file: str) -> int:
        if table.num_rows == 0:
            return 0
        mask = pc.equal(table.column("file"), file)
        return len(pc.unique(table.filter(mask).column("row_number")))

    return {
        "source": prepared.source,
        "families_accepted": prepared.families.num_rows,
        "persons_accepted": prepared.members.num_rows,
        "families_rejected": rows(prepared.rejections, "families"),
        "persons_rejected": rows(prepared.rejections, "members"),
        "rejections_by_reason": by_reason(prepared.rejections),
        "flags_by_kind": by_reason(prepared.flags),
        "headers": prepared.header_report,
    }


def register_import(
    *,
    dataset: Dataset,
    families_path: Path,
    members_path: Path,
    source: str | None = None,
    snapshot_date: dt.date | None = None,
    mapping: dict[str, str] | None = None,
    dry_run: bool = False,
    acting_user=None,
    progress: Progress | None = None,
) -> ImportOutcome:
    """Validate and store one snapshot of ``source`` (default: the dataset's first source)
    into the region's register. Importing the same files again changes nothing."""
    started = time.perf_counter()
    source = source or dataset.source
    label = f"{Source(source).label} {dataset.region_id}"

    def report(stage: str, pct: int) -> None:
        log.info("%.2fs import %s: %s", time.perf_counter() - started, label, stage)
        if progress:
            progress(stage, pct)

    snapshot_date = snapshot_date or timezone.localdate()
    families_path, members_path = Path(families_path), Path(members_path)
    # Snapshots of one source follow each other; another source's may be older or newer.
    latest = dataset.snapshots.filter(source=source).order_by("-snapshot_date", "-id").first()
    # The files' hash decides whether they were imported before; a dataset's first import
    # cannot be a repeat, so there the hash is computed while the files are validated.
    hashing = ThreadPoolExecutor(max_workers=1)
    sha_future = hashing.submit(files_sha256, families_path, members_path)
    hashing.shutdown(wait=False)
    if dataset.snapshots.exists():
        sha = sha_future.result()
        existing = Snapshot.objects.filter(dataset=dataset, files_sha256=sha).first()
        if existing is not None:
            return ImportOutcome(snapshot=existing, unchanged=True, summary=existing.counts)
    if latest is not None and snapshot_date < latest.snapshot_date:
        raise RegisterImportError(
            OLDER_THAN_LATEST.format(date=snapshot_date, latest=latest.snapshot_date)
        )
    report("validating", 10)
    try:
        prepared = prepare_register(
            families_path,
            members_path,
            source=source,
            mapping=mapping,
            valid_region_codes=_valid_desa_codes(dataset.region),
            snapshot_date=snapshot_date,
        )
    except IngestFileError as exc:
        raise RegisterImportError(str(exc)) from exc
    summary = _summary(prepared)
    if dry_run:
        return ImportOutcome(snapshot=None, dry_run=True, summary=summary)

    report("writing", 50)
    sha = sha_future.result()
    with transaction.atomic():
        snapshot = Snapshot.objects.create(
            dataset=dataset,
            source=source,
            snapshot_date=snapshot_date,
            previous=latest,
            families_file=families_path.name[:255],
            members_file=members_path.name[:255],
            files_sha256=sha,
            imported_by=acting_user if getattr(acting_user, "pk", None) else None,
            header_report=prepared.header_report,
        )
        stored = store.write_snapshot(
            snapshot=snapshot, families=prepared.families, members=prepared.members
        )
        summary["families_linked"] = stored["families_linked"]
        summary["persons_linked"] = stored["persons_linked"]
        report("writing", 80)
        store.write_issues(snapshot=snapshot, rejections=prepared.rejections, flags=prepared.flags)
        if latest is not None:
            report("comparing", 90)
            snapshot.diff = snapshot_diff(old_id=latest.pk, new_id=snapshot.pk)
            summary["diff"] = snapshot.diff["totals"]
        snapshot.counts = summary
        log.debug("%.2fs import %s: issues and diff stored", time.perf_counter() - started,
                  label)
        snapshot.save(update_fields=["counts", "diff"])
        audit_record(
            actor=acting_user,
            action="registry.snapshot_import",
            obj=snapshot,
            region_code=dataset.region_id,
            changes={k: v for k, v in summary.items() if k != "headers"},
        )
    log.debug("%.2fs import %s: committed", time.perf_counter() - started, label)
    # After-import hooks (welfare recompute), once the snapshot has committed.
    report("computing", 95)
    # The prepared tables are stored; let them go before the hooks read the snapshot back.
    del prepared
    _after_import(snapshot=snapshot, acting_user=acting_user)
    report("done", 100)
    return ImportOutcome(snapshot=snapshot, summary=summary)


def _after_import(*, snapshot: Snapshot, acting_user=None) -> None:
    """The work other apps do once a snapshot has committed (``hooks.SNAPSHOT_STORED``:
    local decisions, welfare, convergence, indicators, in the order they declare), after
    the import's transaction, so a failure there never undoes the import: it is recorded
    for the region's pages (``core.hooks``)."""
    hooks.run(hooks.SNAPSHOT_STORED, snapshot=snapshot, acting_user=acting_user,
              at_region=snapshot.dataset.region_id)


def register_refresh(dataset_id: int, acting_user_id: int | None = None) -> None:
    """Run the after-import work again on the register as it stands (after a village
    decision changed it): local decisions, welfare, convergence of the latest snapshot."""
    from django.contrib.auth import get_user_model

    head = Snapshot.objects.filter(dataset_id=dataset_id).order_by("-snapshot_date", "-id").first()
    if head is None:
        return
    user = get_user_model().objects.filter(pk=acting_user_id).first() if acting_user_id else None
    _after_import(snapshot=head, acting_user=user)


# --- Background jobs (the browser's upload) ------------------------------------------------


def import_job_create(
    *, dataset: Dataset, families_path: Path, members_path: Path, options: dict, acting_user
) -> ImportJob:
    with transaction.atomic():
        job = ImportJob.objects.create(
            dataset=dataset,
            families_path=str(families_path),
            members_path=str(members_path),
            options=options,
            created_by=acting_user,
        )
        audit_record(
            actor=acting_user,
            action="registry.import_start",
            obj=job,
            region_code=dataset.region_id,
            changes={
                "families": Path(families_path).name,
                "members": Path(members_path).name,
                **options,
            },
        )
    return job


def import_job_run(job_id: int) -> None:
    """Run a queued import job, recording its stage and progress (outside the import's own
    transaction, so the browser can follow it)."""
    job = ImportJob.objects.select_related("dataset", "created_by").get(pk=job_id)
    if job.status in (ImportJob.Status.DONE, ImportJob.Status.UNCHANGED):
        return  # a queued job runs at least once: this one already finished
    # Started before and interrupted (its worker died) or failed: run again. The snapshot is
    # one transaction, so either nothing of it was written or all of it.
    resumed = job.status in (ImportJob.Status.RUNNING, ImportJob.Status.FAILED)

    def progress(stage: str, pct: int) -> None:
        ImportJob.objects.filter(pk=job.pk).update(
            stage=stage, progress=pct, status=ImportJob.Status.RUNNING
        )

    progress("reading", 2)
    options = job.options or {}
    try:
        outcome = register_import(
            dataset=job.dataset,
            families_path=Path(job.families_path),
            members_path=Path(job.members_path),
            source=options.get("source") or None,
            snapshot_date=dt.date.fromisoformat(options["snapshot_date"])
            if options.get("snapshot_date")
            else None,
            mapping=options.get("mapping") or None,
            acting_user=job.created_by,
            progress=progress,
        )
    except Exception as exc:  # the job records any failure for the user, then re-raises
        ImportJob.objects.filter(pk=job.pk).update(
            status=ImportJob.Status.FAILED, error=str(exc)[:5000], finished_at=timezone.now()
        )
        if not isinstance(exc, RegisterImportError):
            raise
        return
    snapshot = outcome.snapshot
    own = (resumed and outcome.unchanged and snapshot is not None
           and snapshot.created_at >= job.created_at)
    if own and snapshot is not None:
        # An earlier attempt committed this snapshot, then stopped before the work after it
        # (welfare, convergence) was done: do that work now.
        progress("computing", 95)
        _after_import(snapshot=snapshot, acting_user=job.created_by)
    ImportJob.objects.filter(pk=job.pk).update(
        status=ImportJob.Status.UNCHANGED if outcome.unchanged and not own
        else ImportJob.Status.DONE,
        snapshot=outcome.snapshot,
        progress=100,
        stage="done",
        finished_at=timezone.now(),
        result=outcome.summary,
    )


def import_job_failed(job_id: int, *, error: str) -> None:
    """The queue gave up on an import job (e.g. its worker died on the last attempt)."""
    ImportJob.objects.filter(pk=job_id).exclude(
        status__in=[ImportJob.Status.DONE, ImportJob.Status.UNCHANGED]
    ).update(status=ImportJob.Status.FAILED, error=error[-5000:], finished_at=timezone.now())


jobs.register_failure_handler(import_job_run, import_job_failed)
