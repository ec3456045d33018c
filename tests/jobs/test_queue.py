"""The durable job queue in one process: enqueueing with the caller's transaction, claiming,
retries, failures kept with their traceback, and jobs whose worker died. Runs on SQLite and
PostgreSQL alike."""

import datetime as dt
import socket
import subprocess
import sys
from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone

from konvergen.core import jobs
from konvergen.core.models import Job
from konvergen.regions.selectors import last_failure
from tests.jobs import tasks


@pytest.fixture
def queue(settings, monkeypatch):
    settings.KONVERGEN_JOB_RUNNER = "queue"
    monkeypatch.setattr(jobs, "BACKOFF_SECONDS", 0.0)


def work() -> int:
    return jobs.Worker(burst=True).run()


def test_a_job_is_queued_with_the_transaction_that_asked_for_it(queue, db, tmp_path):
    out = str(tmp_path / "out")
    with transaction.atomic():
        job = jobs.start(tasks.record, out, 1, kind="welfare.recompute", region_code="32.04")
    assert job is not None
    assert Job.objects.get(pk=job.pk).func == "tests.jobs.tasks.record"
    assert job.args == [out, 1]

    class Undo(Exception):
        pass

    with pytest.raises(Undo), transaction.atomic():
        jobs.start(tasks.record, out, 2)
        raise Undo
    assert list(Job.objects.values_list("args", flat=True)) == [[out, 1]]


def test_only_module_functions_with_json_arguments_are_queued(queue, db):
    with pytest.raises(ValueError, match="module-level"):
        jobs.start(lambda: None)
    with pytest.raises(ValueError, match="JSON"):
        jobs.start(tasks.record, dt.date(2026, 1, 1), 1)
    assert not Job.objects.exists()


def test_inline_runs_at_once_and_queues_nothing(settings, db, tmp_path):
    settings.KONVERGEN_JOB_RUNNER = "inline"
    out = tmp_path / "out"
    assert jobs.start(tasks.record, str(out), 7) is None
    assert out.read_text().split()[0] == "7"
    assert not Job.objects.exists()


def test_the_worker_claims_and_runs_a_job_once(queue, db, tmp_path):
    out = tmp_path / "out"
    job = jobs.start(tasks.record, str(out), 1)
    assert work() == 1
    job.refresh_from_db()
    assert (job.status, job.attempts, job.worker) == (Job.Status.DONE, 1, "")
    assert job.finished_at is not None
    assert out.read_text().count("\n") == 1
    assert work() == 0  # nothing left


def test_a_job_that_is_not_due_yet_waits(queue, db, tmp_path):
    job = jobs.start(tasks.record, str(tmp_path / "out"), 1)
    Job.objects.filter(pk=job.pk).update(run_after=timezone.now() + timedelta(hours=1))
    assert jobs.claim("w") is None


def test_a_failing_job_is_retried_then_succeeds(queue, db, tmp_path):
    job = jobs.start(tasks.flaky, str(tmp_path / "count"), 1)
    assert work() == 2
    job.refresh_from_db()
    assert (job.status, job.attempts) == (Job.Status.DONE, 2)
    assert "flaky failure 1" in job.error  # the failed attempt's traceback is kept


def test_retries_wait_longer_each_time(queue, db, tmp_path, monkeypatch):
    monkeypatch.setattr(jobs, "BACKOFF_SECONDS", 30.0)
    job = jobs.start(tasks.flaky, str(tmp_path / "count"), 5)
    before = timezone.now()
    assert work() == 1  # the retry is not due yet
    job.refresh_from_db()
    assert job.status == Job.Status.QUEUED and job.attempts == 1
    assert job.run_after >= before + timedelta(seconds=30)
    assert jobs._backoff(2) == timedelta(seconds=120)
    assert jobs._backoff(20) == timedelta(hours=1)


def test_a_job_failing_every_attempt_fails_with_its_traceback(queue, db, tmp_path, settings):
    settings.KONVERGEN_JOB_MAX_ATTEMPTS = 2
    noted = tmp_path / "noted"
    job = jobs.start(tasks.always_fails, str(noted), kind="welfare.recompute",
                     region_code="32.04")
    assert work() == 2
    job.refresh_from_db()
    assert (job.status, job.attempts) == (Job.Status.FAILED, 2)
    assert "Traceback" in job.error and job.reason == "RuntimeError: the recompute broke"
    assert "the recompute broke" in noted.read_text()  # the failure handler was told


def _process(*, alive: bool):
    proc = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)", "worker"])
    if not alive:
        proc.kill()
        proc.wait()
    return proc


def _running(worker: str, *, attempts: int = 1, heartbeat=None, func=tasks.record,
             args=None) -> Job:
    job = jobs.enqueue(func, *(args or ["unused", 1]))
    Job.objects.filter(pk=job.pk).update(status=Job.Status.RUNNING, worker=worker,
                                         attempts=attempts, heartbeat_at=heartbeat)
    return Job.objects.get(pk=job.pk)


def test_a_job_whose_worker_died_goes_back_to_the_queue(db):
    host = socket.gethostname()
    dead, alive = _process(alive=False), _process(alive=True)
    try:
        lost = _running(f"{host}:{dead.pid}:aaaa")
        running = _running(f"{host}:{alive.pid}:bbbb")
        assert jobs.recover_stale() == [lost.pk]
    finally:
        alive.kill()
        alive.wait()
    lost.refresh_from_db()
    assert (lost.status, lost.worker, lost.attempts) == (Job.Status.QUEUED, "", 1)
    assert "stopped while running" in lost.error
    running.refresh_from_db()
    assert running.status == Job.Status.RUNNING


def test_a_worker_on_another_host_is_judged_by_its_heartbeat(db):
    now = timezone.now()
    silent = _running("elsewhere:1:aaaa", heartbeat=now - timedelta(minutes=10))
    beating = _running("elsewhere:2:bbbb", heartbeat=now - timedelta(seconds=5))
    assert jobs.recover_stale(stale_after=120) == [silent.pk]
    beating.refresh_from_db()
    assert beating.status == Job.Status.RUNNING


def test_a_lost_job_on_its_last_attempt_fails_visibly(db, tmp_path):
    noted = tmp_path / "noted"
    job = _running("elsewhere:1:aaaa", attempts=3, func=tasks.always_fails, args=[str(noted)])
    assert jobs.recover_stale(stale_after=0) == [job.pk]
    job.refresh_from_db()
    assert job.status == Job.Status.FAILED and job.finished_at is not None
    assert "stopped while running" in noted.read_text()


def test_an_import_whose_worker_was_lost_on_the_last_attempt_shows_failed(personas, tmp_path):
    from konvergen.registry.models import ImportJob
    from konvergen.registry.services import (
        dataset_get_or_create,
        import_job_create,
        import_job_run,
    )
    from tests.conftest import tiny_p3ke_rows, write_p3ke

    fam, mem = write_p3ke(tmp_path, *tiny_p3ke_rows())
    dataset = dataset_get_or_create(source="p3ke", region=personas.bandung)
    imp = import_job_create(dataset=dataset, families_path=fam, members_path=mem,
                            options={"snapshot_date": "2026-01-15"}, acting_user=personas.admin)
    ImportJob.objects.filter(pk=imp.pk).update(status=ImportJob.Status.RUNNING, stage="writing")
    _running("elsewhere:1:aaaa", attempts=3, func=import_job_run, args=[imp.pk])
    jobs.recover_stale(stale_after=0)
    imp.refresh_from_db()
    assert imp.status == ImportJob.Status.FAILED
    assert "stopped while running" in imp.error
    assert imp.snapshot is None


def test_an_import_run_again_after_its_snapshot_committed_finishes_the_work(
    personas, tmp_path
):
    """The worker died after the snapshot committed, before welfare was computed: the
    retry finds the snapshot, runs the after-import work and marks the job done."""
    from konvergen.registry.models import ImportJob, Snapshot
    from konvergen.registry.services import (
        dataset_get_or_create,
        import_job_create,
        import_job_run,
        register_import,
    )
    from konvergen.welfare.models import WelfareRun
    from tests.conftest import tiny_p3ke_rows, write_p3ke

    fam, mem = write_p3ke(tmp_path, *tiny_p3ke_rows())
    dataset = dataset_get_or_create(source="p3ke", region=personas.bandung)
    imp = import_job_create(dataset=dataset, families_path=fam, members_path=mem,
                            options={"snapshot_date": "2026-01-15"}, acting_user=personas.admin)
    register_import(dataset=dataset, families_path=fam, members_path=mem,
                    snapshot_date=dt.date(2026, 1, 15), acting_user=personas.admin)
    WelfareRun.objects.all().delete()  # as if the worker died before the hooks
    ImportJob.objects.filter(pk=imp.pk).update(status=ImportJob.Status.RUNNING)
    import_job_run(imp.pk)
    imp.refresh_from_db()
    assert imp.status == ImportJob.Status.DONE
    assert imp.snapshot == Snapshot.objects.get()
    assert WelfareRun.objects.exists()
    import_job_run(imp.pk)  # at least once: a finished job runs again as a no-op
    assert Snapshot.objects.count() == 1


# --- The page that depends on the figures ---------------------------------------------------


def _finished(kind: str, region: str, status: str, error: str = "") -> Job:
    job = jobs.enqueue(tasks.record, "unused", 1, kind=kind, region_code=region)
    Job.objects.filter(pk=job.pk).update(status=status, finished_at=timezone.now(), error=error)
    return Job.objects.get(pk=job.pk)


def test_last_failure_looks_at_the_latest_finished_job_of_the_region_and_above(db):
    kinds = ["welfare.recompute", "register.import"]
    assert last_failure(kinds, "32.04.05") is None
    failed = _finished("welfare.recompute", "32.04", Job.Status.FAILED, "RuntimeError: x")
    _finished("welfare.recompute", "32.09", Job.Status.DONE)
    assert last_failure(kinds, "32.04.05") == failed  # the kabupaten's recompute
    assert last_failure(kinds, "32") == failed  # a province shows its kabupaten's
    assert last_failure(kinds, "32.09") is None
    assert last_failure(["convergence.refresh"], "32.04") is None
    _finished("register.import", "32.04", Job.Status.DONE)  # a later success clears it
    assert last_failure(kinds, "32.04.05") is None


def test_the_region_dashboard_says_the_last_recompute_failed(tiny_register, personas):
    client = personas.client_for(personas.tkpk_bandung)
    page = client.get("/regions/32.04/").content.decode()
    assert 'id="welfare-dashboard"' in page and "failed-recompute" not in page
    _finished("welfare.recompute", "32.04", Job.Status.FAILED,
              "Traceback …\nRuntimeError: the recompute broke")
    page = client.get("/regions/32.04/").content.decode()
    assert 'id="failed-recompute"' in page
    assert "RuntimeError: the recompute broke" in page
    assert "2026-01-15" in page  # the figures' date


def test_the_convergence_dashboard_says_the_last_refresh_failed(personas):
    client = personas.client_for(personas.tkpk_bandung)
    assert "failed-recompute" not in client.get("/convergence/32.04/").content.decode()
    _finished("convergence.refresh", "32.04", Job.Status.FAILED, "ValueError: no runs")
    page = client.get("/convergence/32.04/").content.decode()
    assert 'id="failed-recompute"' in page and "ValueError: no runs" in page


def test_an_administrator_lists_the_jobs_and_runs_failed_ones_again(personas):
    from konvergen.audit.models import AuditEntry

    failed = _finished("welfare.recompute", "32.04", Job.Status.FAILED, "RuntimeError: x")
    client = personas.client_for(personas.admin)
    page = client.get("/admin/core/job/")
    assert page.status_code == 200 and "RuntimeError: x" in page.content.decode()
    client.post("/admin/core/job/", {"action": "run_again", "_selected_action": [failed.pk]})
    failed.refresh_from_db()
    assert (failed.status, failed.attempts) == (Job.Status.QUEUED, 0)
    assert AuditEntry.objects.filter(action="core.job_requeue").count() == 1
    assert personas.client_for(personas.tkpk_bandung).get("/admin/core/job/").status_code != 200
