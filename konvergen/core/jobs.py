"""Background jobs: a durable queue in the database, run by ``konvergen worker``.

``start(func, *args, kind=..., region_code=...)`` is how every app starts background work
(imports, linking, recomputes, report generation). ``KONVERGEN_JOB_RUNNER`` decides how:

* ``queue`` (default) — a ``Job`` row naming ``func`` by its dotted path, with ``args`` as
  JSON, written in the caller's transaction: it exists once that commits and never if it
  rolls back. A worker (``konvergen worker``) claims it, runs it, and records the outcome;
* ``inline`` — run at once (tests and the command line, which must not exit before the
  work is done);
* ``thread`` — a daemon thread of the web process after the transaction commits (no worker
  needed; nothing survives a restart).

A worker claims a job with one conditional ``UPDATE`` (queued → running; on PostgreSQL
after ``SELECT … FOR UPDATE SKIP LOCKED``), so two workers never run the same job. While it
runs, a thread refreshes ``heartbeat_at``. A job whose worker died (its process is gone on
this host, or its heartbeat is older than ``KONVERGEN_JOB_STALE_SECONDS`` on another) goes
back to the queue, or fails when its attempts are used up. A job that raises is retried
with a growing back-off and fails, keeping its traceback, after
``KONVERGEN_JOB_MAX_ATTEMPTS``. A job therefore runs *at least once*: the functions are
written to be run again (an import is one transaction, a recompute replaces its figures).

Why not a library: django-tasks' database backend (django-tasks-db) has no retries and
leaves a task whose worker died marked running for ever; django-q2's ORM broker re-delivers
by a visibility timeout, so an import longer than that timeout would run twice at once.
"""

from __future__ import annotations

import json
import logging
import os
import signal
import socket
import threading
import time
import traceback
import uuid
from collections.abc import Callable, Iterable
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.db import DatabaseError, close_old_connections, connection, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.module_loading import import_string

from konvergen.core import hooks
from konvergen.core.models import HookFailure, Job

log = logging.getLogger(__name__)

#: Seconds between heartbeats of a running job.
HEARTBEAT_SECONDS = 15.0
#: Back-off before attempt n + 1 is ``BACKOFF_SECONDS * 4 ** (n - 1)``, at most an hour.
BACKOFF_SECONDS = 30.0
BACKOFF_MAX_SECONDS = 3600.0

NOT_IMPORTABLE = "A queued job must be a module-level function, not {name}."
NOT_JSON = "The arguments of a queued job must be JSON values (ids, codes): {args!r}."
WORKER_LOST = "The worker {worker} stopped while running this job (attempt {attempt})."

_running = threading.local()


def func_path(func: Callable) -> str:
    return f"{func.__module__}.{func.__qualname__}"


def start(func: Callable, *args, kind: str = "", region_code: str = "") -> Job | None:
    """Run ``func(*args)`` in the background (see the module docstring); returns the queued
    ``Job`` in ``queue`` mode."""
    mode = getattr(settings, "KONVERGEN_JOB_RUNNER", "queue")
    if mode == "inline":
        func(*args)
        return None
    if mode == "thread":
        _start_thread(func, args)
        return None
    return enqueue(func, *args, kind=kind, region_code=region_code)


def enqueue(func: Callable, *args, kind: str = "", region_code: str = "",
            max_attempts: int | None = None) -> Job:
    path = func_path(func)
    if "<" in path:
        raise ValueError(NOT_IMPORTABLE.format(name=path))
    try:
        payload = json.loads(json.dumps(list(args)))
    except (TypeError, ValueError) as exc:
        raise ValueError(NOT_JSON.format(args=args)) from exc
    return Job.objects.create(
        kind=kind or path,
        func=path,
        args=payload,
        region_code=region_code or "",
        max_attempts=max_attempts or settings.KONVERGEN_JOB_MAX_ATTEMPTS,
    )


def _start_thread(func: Callable, args: tuple) -> None:
    def target():
        try:
            func(*args)
        except Exception:
            log.exception("background job %s%s failed", func.__name__, args)
        finally:
            close_old_connections()

    # Start only once the request's transaction (which created the job row) has committed.
    transaction.on_commit(lambda: threading.Thread(target=target, daemon=True).start())


def in_worker() -> bool:
    """True inside a job the worker runs (where a failure should fail the job)."""
    return getattr(_running, "job_id", None) is not None


def register_failure_handler(func: Callable, handler: Callable[..., None]) -> None:
    """Call ``handler(*args, error=...)`` when a job of ``func`` has failed for good (its
    attempts used up, or its worker lost on the last attempt), so the row the page shows
    (an import job, a list) says so too. The handler is a hook of the event
    ``hooks.jobs_failed(func)``: its own failure is recorded, not raised."""
    hooks.register(hooks.jobs_failed(func_path(func)), handler, name=func_path(handler))


# --- What pages show ------------------------------------------------------------------------


def last_failure(kinds: Iterable[str], related: Q) -> Job | HookFailure | None:
    """The failed job behind a page's figures: among the regions ``related`` selects (a
    filter on ``region_code``; for a region's page, the region, each region above it and
    each below it: ``regions.selectors.last_failure``), the latest finished job of each
    region of one of ``kinds``; the first of those that failed (newest first), or ``None``
    when every latest one succeeded.

    A recorded failure of an event's handler named like one of ``kinds`` (``core.hooks``,
    e.g. the convergence refresh after an import) counts too, until that handler succeeds
    there again or a later job of that kind finishes for that region; the newer of the two
    is returned."""
    finished = (
        Job.objects.filter(related, kind__in=list(kinds),
                           status__in=[Job.Status.DONE, Job.Status.FAILED])
        .order_by("-finished_at", "-id")
        .only("kind", "region_code", "status", "finished_at", "error")
    )
    kinds = list(kinds)
    latest = list(finished[:200])
    failed_job = None
    seen: set[str] = set()
    for job in latest:
        if job.region_code in seen:
            continue
        seen.add(job.region_code)
        if job.status == Job.Status.FAILED:
            failed_job = job
            break
    for failure in hooks.failures(kinds, related):
        superseded = any(job.region_code == failure.region_code and job.kind == failure.handler
                         and job.finished_at and job.finished_at > failure.at for job in latest)
        if superseded:
            continue
        if failed_job is None or failed_job.finished_at is None \
                or failure.at > failed_job.finished_at:
            return failure
        break
    return failed_job


# --- The worker -----------------------------------------------------------------------------


def _backoff(attempt: int) -> timedelta:
    return timedelta(seconds=min(BACKOFF_SECONDS * 4 ** max(attempt - 1, 0), BACKOFF_MAX_SECONDS))


def claim(worker_id: str) -> Job | None:
    """Take the next due job for ``worker_id``, or ``None``."""
    now = timezone.now()
    due = Job.objects.filter(status=Job.Status.QUEUED, run_after__lte=now)
    for _ in range(10):
        # A read first: on SQLite the transaction below takes the write lock.
        if not due.exists():
            return None
        with transaction.atomic():
            candidates = due.order_by("run_after", "id")
            if connection.features.has_select_for_update_skip_locked:
                candidates = candidates.select_for_update(skip_locked=True)
            job_id = candidates.values_list("pk", flat=True).first()
            if job_id is None:
                return None
            taken = Job.objects.filter(pk=job_id, status=Job.Status.QUEUED).update(
                status=Job.Status.RUNNING, attempts=F("attempts") + 1, worker=worker_id,
                started_at=now, heartbeat_at=now, finished_at=None,
            )
        if taken:
            return Job.objects.get(pk=job_id)
    return None


class _Heartbeat(threading.Thread):
    """Refreshes a running job's ``heartbeat_at`` from its own connection. On SQLite a long
    import holds the write lock, so a beat may fail: the worker's process id, not its
    heartbeat, tells whether it lives there (one host)."""

    def __init__(self, job_id: int, worker_id: str, interval: float):
        super().__init__(daemon=True, name=f"heartbeat-{job_id}")
        self.job_id, self.worker_id, self.interval = job_id, worker_id, interval
        self.stopped = threading.Event()

    def run(self) -> None:
        try:
            while not self.stopped.wait(self.interval):
                try:
                    Job.objects.filter(pk=self.job_id, worker=self.worker_id).update(
                        heartbeat_at=timezone.now()
                    )
                except DatabaseError as exc:
                    log.debug("heartbeat of job %s skipped: %s", self.job_id, exc)
        finally:
            connection.close()

    def stop(self) -> None:
        self.stopped.set()
        self.join(timeout=self.interval + 15)


def _fail_for_good(job: Job, error: str) -> None:
    event = hooks.jobs_failed(job.func)
    if not hooks.has_handlers(event):
        try:  # importing the function's module registers its handler
            import_string(job.func)
        except ImportError:
            return
    # A failing handler is recorded (``core.hooks``), never raised into the worker.
    hooks.run(event, *job.args, at_region=job.region_code, error=error)


def _record_failure(job: Job, error: str, *, worker_id: str) -> None:
    """After attempt ``job.attempts`` failed: back to the queue, or failed for good."""
    now = timezone.now()
    running = Job.objects.filter(pk=job.pk, status=Job.Status.RUNNING, worker=worker_id)
    if job.attempts < job.max_attempts:
        running.update(status=Job.Status.QUEUED, run_after=now + _backoff(job.attempts),
                       worker="", error=error)
        log.warning("job %s (%s) attempt %s failed; retrying", job.pk, job.kind, job.attempts)
    elif running.update(status=Job.Status.FAILED, finished_at=now, error=error):
        log.error("job %s (%s) failed after %s attempts", job.pk, job.kind, job.attempts)
        _fail_for_good(job, error)


def run(job: Job, *, worker_id: str, heartbeat: float = HEARTBEAT_SECONDS) -> bool:
    """Run a claimed job; true when it succeeded."""
    beat = _Heartbeat(job.pk, worker_id, heartbeat)
    beat.start()
    _running.job_id = job.pk
    try:
        import_string(job.func)(*job.args)
    except (KeyboardInterrupt, SystemExit):
        # Stopped by hand (Ctrl-C): the attempt does not count, the job waits for the next
        # worker; its transaction, if any, has rolled back.
        beat.stop()
        Job.objects.filter(pk=job.pk, worker=worker_id).update(
            status=Job.Status.QUEUED, attempts=F("attempts") - 1, worker="",
            run_after=timezone.now(),
        )
        raise
    except Exception:
        error = traceback.format_exc()
        beat.stop()
        _tidy_connections()
        _record_failure(job, error, worker_id=worker_id)
        return False
    finally:
        _running.job_id = None
    beat.stop()
    Job.objects.filter(pk=job.pk, worker=worker_id).update(
        status=Job.Status.DONE, finished_at=timezone.now(), worker=""
    )
    return True


def _tidy_connections() -> None:
    """Drop a broken or expired connection between jobs (not inside a transaction: a test
    runs the worker inside its own)."""
    if not connection.in_atomic_block:
        close_old_connections()


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:  # a zombie, or the id reused by another program after a reboot
        stat = Path(f"/proc/{pid}/stat").read_bytes()
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return True
    return stat.rsplit(b")", 1)[-1].split()[0] != b"Z" and b"worker" in cmdline


def _worker_gone(job: Job, *, now, stale_after: float) -> bool:
    host, _, rest = job.worker.partition(":")
    pid_text = rest.partition(":")[0]
    if host == socket.gethostname() and pid_text.isdigit():
        pid = int(pid_text)
        return pid == os.getpid() or not _pid_alive(pid)
    return job.heartbeat_at is None or (now - job.heartbeat_at).total_seconds() > stale_after


def recover_stale(*, worker_id: str = "", stale_after: float | None = None) -> list[int]:
    """Put the running jobs whose worker has died back in the queue (or fail them on their
    last attempt); returns their ids."""
    stale_after = settings.KONVERGEN_JOB_STALE_SECONDS if stale_after is None else stale_after
    now = timezone.now()
    recovered = []
    for job in Job.objects.filter(status=Job.Status.RUNNING).exclude(worker=worker_id):
        if not _worker_gone(job, now=now, stale_after=stale_after):
            continue
        error = WORKER_LOST.format(worker=job.worker, attempt=job.attempts)
        mine = Job.objects.filter(pk=job.pk, status=Job.Status.RUNNING, worker=job.worker)
        if job.attempts < job.max_attempts:
            taken = mine.update(status=Job.Status.QUEUED, run_after=now, worker="", error=error)
        else:
            taken = mine.update(status=Job.Status.FAILED, finished_at=now, error=error)
            if taken:
                _fail_for_good(job, error)
        if taken:
            log.warning("job %s (%s): %s", job.pk, job.kind, error)
            recovered.append(job.pk)
    return recovered


class Worker:
    """``konvergen worker``: claim and run jobs until stopped. SIGTERM finishes the running
    job first; Ctrl-C (SIGINT) stops at once and puts the running job back in the queue."""

    def __init__(self, *, poll: float = 1.0, burst: bool = False, max_jobs: int | None = None,
                 heartbeat: float = HEARTBEAT_SECONDS):
        self.id = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        self.poll, self.burst, self.max_jobs, self.heartbeat = poll, burst, max_jobs, heartbeat
        self.stopping = False
        self.done = 0

    def _on_term(self, signum, frame) -> None:
        log.info("worker %s: stopping after the running job", self.id)
        self.stopping = True

    def run(self) -> int:
        if threading.current_thread() is threading.main_thread():
            signal.signal(signal.SIGTERM, self._on_term)
        log.info("worker %s started", self.id)
        last_sweep = float("-inf")
        while not self.stopping:
            try:
                if time.monotonic() - last_sweep > min(settings.KONVERGEN_JOB_STALE_SECONDS, 60):
                    recover_stale(worker_id=self.id)
                    last_sweep = time.monotonic()
                job = claim(self.id)
            except DatabaseError as exc:  # e.g. SQLite locked by a long import elsewhere
                log.warning("worker %s: %s", self.id, exc)
                _tidy_connections()
                job = None
            if job is None:
                if self.burst:
                    break
                time.sleep(self.poll)
                continue
            log.info("worker %s: job %s (%s %s) attempt %s", self.id, job.pk, job.kind,
                     job.region_code, job.attempts)
            run(job, worker_id=self.id, heartbeat=self.heartbeat)
            _tidy_connections()
            self.done += 1
            if self.max_jobs is not None and self.done >= self.max_jobs:
                break
        log.info("worker %s stopped after %s jobs", self.id, self.done)
        return self.done
