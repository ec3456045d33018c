"""Serving the app for the load benchmarks as production does: gunicorn with sync worker
processes (``docs/operations.md``), and the server's peak memory over its processes."""

import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable


def start_gunicorn(env: dict, port: int, workers: int, *, ready_path: str = "/healthz",
                   wait: float = 90) -> subprocess.Popen:
    """gunicorn on ``port``, returned once ``ready_path`` answers."""
    server = subprocess.Popen(
        [str(Path(PY).parent / "gunicorn"), "konvergen.wsgi:application",
         "--bind", f"127.0.0.1:{port}", "--workers", str(workers), "--preload",
         "--log-level", "warning"], env=env, cwd=ROOT)
    deadline = time.perf_counter() + wait
    while True:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}{ready_path}", timeout=5)
            return server
        except OSError:
            if time.perf_counter() > deadline or server.poll() is not None:
                server.terminate()
                raise RuntimeError("gunicorn did not start") from None
            time.sleep(0.2)


def peak_rss_mb(pid: int) -> float:
    """Peak resident memory of ``pid`` and its children (gunicorn's workers), summed."""
    pids = [pid] + [int(p) for p in
                    Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    total = 0
    for p in pids:
        for line in Path(f"/proc/{p}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                total += int(line.split()[1])
    return round(total / 1024, 1)
