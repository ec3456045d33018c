"""Serving as documented in docs/operations.md: gunicorn with the production settings, and
``konvergen serve-demo`` (``make demo``) running the development server and a worker."""

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

import pytest

from konvergen.core import jobs
from konvergen.core.models import Job
from tests.jobs import tasks
from tests.jobs.test_worker_process import ROOT, worker_env


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get(url: str, *, timeout: float, proc: subprocess.Popen, headers=None) -> int:
    deadline = time.monotonic() + timeout
    while True:
        if proc.poll() is not None:
            pytest.fail(f"server exited with {proc.returncode}")
        try:
            request = urllib.request.Request(url, headers=headers or {})
            with urllib.request.urlopen(request, timeout=5) as response:
                return response.status
        except (urllib.error.URLError, ConnectionError):
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


def stop(proc: subprocess.Popen, sig=signal.SIGTERM) -> int:
    proc.send_signal(sig)
    try:
        return proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
        raise


def test_gunicorn_serves_the_health_check_with_production_settings(db, tmp_path):
    port = free_port()
    env = worker_env(tmp_path, DJANGO_SETTINGS_MODULE="konvergen.settings",
                     KONVERGEN_SECRET_KEY="test-" + "x" * 60,
                     KONVERGEN_ALLOWED_HOSTS="127.0.0.1")
    env.pop("KONVERGEN_DEBUG", None)
    gunicorn = subprocess.Popen(
        [os.path.join(os.path.dirname(sys.executable), "gunicorn"), "konvergen.wsgi:application",
         "--bind", f"127.0.0.1:{port}", "--workers", "2", "--preload", "--timeout", "30"],
        cwd=ROOT, env=env,
    )
    try:
        # Behind the TLS proxy, which says the request came over HTTPS.
        status = get(f"http://127.0.0.1:{port}/healthz", timeout=60, proc=gunicorn,
                     headers={"X-Forwarded-Proto": "https"})
        assert status == 200
    finally:
        assert stop(gunicorn) == 0


def test_serve_demo_runs_the_server_and_a_worker_and_stops_both(live_personas, tmp_path):
    out = tmp_path / "ran"
    job = jobs.enqueue(tasks.record, str(out), 1)
    port = free_port()
    env = worker_env(tmp_path, KONVERGEN_DEBUG="1")
    serve = subprocess.Popen([sys.executable, "-m", "konvergen.cli", "serve-demo",
                              f"127.0.0.1:{port}"], cwd=ROOT, env=env,
                             start_new_session=True)
    try:
        assert get(f"http://127.0.0.1:{port}/healthz", timeout=60, proc=serve) == 200
        deadline = time.monotonic() + 60
        while not out.exists() and time.monotonic() < deadline:
            time.sleep(0.2)
        job.refresh_from_db()
        assert job.status == Job.Status.DONE
    finally:
        assert stop(serve, signal.SIGINT) == 0
    # Both children are gone with it: nothing answers on the port any more.
    with pytest.raises(OSError), socket.create_connection(("127.0.0.1", port), timeout=2):
        pass
