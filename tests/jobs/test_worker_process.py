"""Real worker processes against the test database: two workers never run the same job, and
a worker killed in the middle of an import leaves no partial snapshot; the next worker
imports it once, completely (the issue's done-when test). SQLite and PostgreSQL."""

import datetime as dt
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import connection

from konvergen.core import jobs
from konvergen.core.models import Job
from tests.jobs import tasks

ROOT = Path(__file__).resolve().parents[2]


def database_url() -> str:
    """The URL of the database this test runs on (the test database), for a subprocess."""
    s = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{s['NAME']}"
    return (f"postgresql://{s['USER']}:{s['PASSWORD']}@{s['HOST'] or 'localhost'}:"
            f"{s['PORT'] or 5432}/{s['NAME']}")


def worker_env(tmp_path: Path, **extra: str) -> dict:
    env = {**os.environ, "DATABASE_URL": database_url(), "KONVERGEN_VAR_DIR": str(tmp_path),
           "DJANGO_SETTINGS_MODULE": "tests.settings", "PYTHONPATH": str(ROOT), **extra}
    env.pop("KONVERGEN_JOB_RUNNER", None)
    return env


def spawn(args: list[str], env: dict, log: Path) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, *args], cwd=ROOT, env=env,
                            stdout=log.open("ab"), stderr=subprocess.STDOUT)


def wait_until(condition, *, timeout: float, what: str, procs=(), log: Path | None = None):
    deadline = time.monotonic() + timeout
    while not condition():
        for p in procs:
            if p.poll() is not None and p.returncode:
                pytest.fail(f"worker exited {p.returncode} while waiting for {what}:\n"
                            + (log.read_text() if log else ""))
        if time.monotonic() > deadline:
            pytest.fail(f"timed out waiting for {what}:\n" + (log.read_text() if log else ""))
        time.sleep(0.1)


def test_two_workers_never_run_the_same_job(live_personas, tmp_path):
    out, gate = tmp_path / "ran", tmp_path / "go"
    queued = [jobs.enqueue(tasks.record, str(out), n, str(gate)) for n in range(40)]
    log = tmp_path / "workers.log"
    env = worker_env(tmp_path)
    procs = [spawn(["-m", "konvergen.cli", "worker", "--burst", "--poll", "0.1"], env, log)
             for _ in range(2)]
    try:
        # Each worker holds a job at the gate: both are claiming, then the rest is shared.
        wait_until(lambda: Job.objects.filter(status=Job.Status.RUNNING).count() == 2,
                   timeout=120, what="both workers to claim a job", procs=procs, log=log)
        gate.touch()
        for p in procs:
            assert p.wait(timeout=120) == 0, log.read_text()
    finally:
        for p in procs:
            if p.poll() is None:
                p.kill()
                p.wait()
    lines = [line.split() for line in out.read_text().splitlines()]
    assert Counter(int(n) for n, _ in lines) == Counter(range(40))  # each job ran once
    assert {pid for _, pid in lines} == {str(p.pid) for p in procs}  # both worked
    assert set(Job.objects.filter(pk__in=[j.pk for j in queued])
               .values_list("status", "attempts")) == {(Job.Status.DONE, 1)}


@pytest.fixture
def synth_files(tmp_path):
    folder = tmp_path / "synth"
    call_command("synth", "--region", "32.04", "--families", "6000", "--seed", "5",
                 "--out", str(folder), "-v0")
    return folder / "p3ke_keluarga.csv", folder / "p3ke_anggota_keluarga.csv"


def _register_rows() -> dict[str, int]:
    from konvergen.registry.models import Dataset, ImportJob

    return {m.__name__: m.objects.count() for m in apps.get_app_config("registry").get_models()
            if m not in (Dataset, ImportJob)}


def test_killing_the_worker_mid_import_leaves_no_partial_snapshot(live_personas, tmp_path,
                                                                   synth_files):
    from konvergen.registry.models import Family, ImportJob, Snapshot
    from konvergen.registry.services import (
        dataset_get_or_create,
        import_job_create,
        import_job_run,
    )

    families, members = synth_files
    dataset = dataset_get_or_create(source="p3ke", region=live_personas.bandung)
    imp = import_job_create(dataset=dataset, families_path=families, members_path=members,
                            options={"source": "p3ke", "snapshot_date": "2026-01-15"},
                            acting_user=live_personas.tkpk_bandung)
    job = jobs.enqueue(import_job_run, imp.pk, kind="register.import", region_code="32.04")
    log, marker = tmp_path / "worker.log", tmp_path / "inside-transaction"
    env = worker_env(tmp_path, KONVERGEN_TEST_MARKER=str(marker))

    # 1. A worker stops inside the import's transaction (families written), and is killed.
    slow = spawn([str(ROOT / "tests" / "jobs" / "slow_worker.py")], env, log)
    try:
        wait_until(marker.exists, timeout=180, what="the import to write its rows",
                   procs=[slow], log=log)
    finally:
        slow.send_signal(signal.SIGKILL)
        slow.wait()
    assert {n for n in _register_rows().values()} == {0}, _register_rows()  # nothing partial
    imp.refresh_from_db()
    assert imp.status == ImportJob.Status.RUNNING and imp.snapshot is None
    job.refresh_from_db()
    assert (job.status, job.attempts) == (Job.Status.RUNNING, 1)

    # 2. A worker starts again: the lost job is queued again and the import completes.
    worker = spawn(["-m", "konvergen.cli", "worker", "--burst"], worker_env(tmp_path), log)
    assert worker.wait(timeout=300) == 0, log.read_text()
    job.refresh_from_db()
    assert (job.status, job.attempts) == (Job.Status.DONE, 2), job.error
    assert "stopped while running" in job.error
    imp.refresh_from_db()
    assert imp.status == ImportJob.Status.DONE, imp.error
    snapshot = Snapshot.objects.get()  # exactly one
    assert imp.snapshot == snapshot and snapshot.snapshot_date == dt.date(2026, 1, 15)
    assert snapshot.counts["families_accepted"] > 2000  # a few thousand families
    assert Family.objects.count() == snapshot.counts["families_accepted"]
