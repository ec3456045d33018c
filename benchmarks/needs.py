"""Benchmark: welfare status, needs and every aggregate for a 1M-family register, and the
region dashboard's latency under 8 concurrent clients.

    .venv/bin/python benchmarks/needs.py                        # SQLite and PostgreSQL, 1M
    .venv/bin/python benchmarks/needs.py --families 100000 --backends sqlite

For each backend, on a fresh database: the synthetic register of Kabupaten Bandung (every
desil, ~3.5 persons per family; reused from ``benchmarks/out/register-N``) is imported with
``konvergen import-register`` (whose after-import hook computes welfare once), then
``konvergen welfare-recompute --snapshot ID`` runs on its own under ``/usr/bin/time`` — the
figure quoted for "recompute ≤ 60 s". PostgreSQL is a throwaway server
(``scripts/with_postgres.py``). Then the app is served by a threading WSGI server in its own
process on 127.0.0.1, and 8 client threads each fetch a fixed list of dashboard pages
(kabupaten, kecamatan, desa, the map values) as the TKPK secretary; p50/p95 per page kind.

Prints Markdown; ``docs/benchmarks.md`` quotes it.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
OUT = ROOT / "benchmarks" / "out"
URLS = {
    "kabupaten": "/regions/32.04/",
    "kecamatan": "/regions/32.04.05/",
    "desa": "/regions/32.04.05.2001/",
    "map values": "/welfare/regions/32.04/values.json",
}
SERVER = r"""
import os, sys, django
from socketserver import ThreadingMixIn
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "konvergen.settings")
django.setup()
from django.core.wsgi import get_wsgi_application
class Server(ThreadingMixIn, WSGIServer):
    daemon_threads = True
class Quiet(WSGIRequestHandler):
    def log_message(self, *args): pass
httpd = make_server("127.0.0.1", int(sys.argv[1]), get_wsgi_application(), Server, Quiet)
print("ready", flush=True)
httpd.serve_forever()
"""


def run(cmd: list[str], env: dict) -> tuple[float, float, str]:
    """Run under GNU time; return (wall seconds, peak RSS in MB, stdout)."""
    with tempfile.NamedTemporaryFile("r", suffix=".time") as stats:
        start = time.perf_counter()
        proc = subprocess.run(
            ["/usr/bin/time", "-f", "%e %M", "-o", stats.name, *cmd],
            env=env, capture_output=True, text=True,
        )
        wall = time.perf_counter() - start
        if proc.returncode != 0:
            sys.exit(f"failed: {' '.join(cmd)}\n{proc.stdout}\n{proc.stderr}")
        _elapsed, max_kb = stats.read().split()[-2:]
    return wall, int(max_kb) / 1024, proc.stdout


def konvergen(*args: str) -> list[str]:
    return [PY, "-m", "konvergen.cli", *args]


def synth(n: int, env: dict) -> Path:
    folder = OUT / f"register-{n}"
    if not (folder / "manifest.json").exists():
        run(konvergen("synth", "--region", "32.04", "--families", str(n), "--max-desil", "10",
                      "--seed", "1", "--out", str(folder), "--force", "-v0"), env)
    return folder


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _session_cookie(env: dict) -> str:
    code = (
        "import django, os; os.environ.setdefault('DJANGO_SETTINGS_MODULE','konvergen.settings');"
        "django.setup();"
        "from django.test import Client;"
        "from konvergen.accounts.services import user_create, role_assignment_create;"
        "from konvergen.regions.models import Region;"
        "u = user_create(username='bench_tkpk', password='Bench-Pass-123');"
        "role_assignment_create(user=u, role='tkpk', region=Region.objects.get(code='32.04'));"
        "c = Client(); c.force_login(u); print(c.cookies['sessionid'].value)"
    )
    return subprocess.run([PY, "-c", code], env=env, capture_output=True, text=True,
                          check=True).stdout.strip().splitlines()[-1]


def latency(env: dict, *, clients: int, rounds: int) -> dict:
    env = {**env, "KONVERGEN_DEBUG": "0", "KONVERGEN_SSL_REDIRECT": "0",
           "KONVERGEN_SECURE_COOKIES": "0", "KONVERGEN_LOG_LEVEL": "WARNING"}
    cookie = _session_cookie(env)
    port = _free_port()
    server = subprocess.Popen([PY, "-c", SERVER, str(port)], env=env, stdout=subprocess.PIPE,
                              text=True, cwd=ROOT)
    try:
        assert server.stdout is not None and server.stdout.readline().strip() == "ready"
        base = f"http://127.0.0.1:{port}"

        def get(path: str) -> float:
            request = urllib.request.Request(base + path,
                                             headers={"Cookie": f"sessionid={cookie}"})
            start = time.perf_counter()
            with urllib.request.urlopen(request, timeout=60) as response:
                response.read()
                assert response.status == 200, (path, response.status)
            return time.perf_counter() - start

        for path in URLS.values():  # warm-up: connections, template cache
            get(path)
        timings: dict[str, list[float]] = {k: [] for k in URLS}
        lock = threading.Lock()

        def client() -> None:
            for _ in range(rounds):
                for kind, path in URLS.items():
                    t = get(path)
                    with lock:
                        timings[kind].append(t)

        threads = [threading.Thread(target=client) for _ in range(clients)]
        start = time.perf_counter()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        wall = time.perf_counter() - start
    finally:
        server.terminate()
        server.wait()
    every = [t for ts in timings.values() for t in ts]

    def pct(values: list[float], q: float) -> float:
        return round(statistics.quantiles(values, n=100)[q - 1] * 1000, 1)

    return {
        "requests": len(every),
        "req_per_s": round(len(every) / wall, 1),
        "p50_ms": pct(every, 50),
        "p95_ms": pct(every, 95),
        "by_page": {k: {"p50_ms": pct(v, 50), "p95_ms": pct(v, 95)} for k, v in timings.items()},
    }


def measure(backend: str, n: int, env: dict, *, clients: int, rounds: int) -> dict:
    run(konvergen("migrate", "-v0"), env)
    run(konvergen("regions", "load"), env)
    folder = synth(n, env)
    wall, _rss, out = run(konvergen(
        "import-register", "--region", "32.04", "--snapshot-date", "2026-01-15", "--json",
        "--families", str(folder / "p3ke_keluarga.csv"),
        "--members", str(folder / "p3ke_anggota_keluarga.csv")), env)
    summary = json.loads(out)
    recompute, rss, _out = run(
        konvergen("welfare-recompute", "--snapshot", str(summary["snapshot_id"])), env
    )
    result = {
        "backend": backend,
        "families": summary["families_accepted"],
        "persons": summary["persons_accepted"],
        "import_with_welfare_s": round(wall, 1),
        "recompute_s": round(recompute, 1),
        "recompute_peak_rss_mb": round(rss),
    }
    if clients:
        result["dashboard"] = latency(env, clients=clients, rounds=rounds)
    return result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--families", type=int, default=1_000_000)
    parser.add_argument("--backends", nargs="+", default=["sqlite", "postgresql"])
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--rounds", type=int, default=25, help="page-list rounds per client")
    parser.add_argument("--inner", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    results = []
    for backend in args.backends:
        if backend == "postgresql" and not args.inner:
            proc = subprocess.run(
                [PY, str(ROOT / "scripts" / "with_postgres.py"), "--", PY, __file__, "--inner",
                 "--backends", "postgresql", "--families", str(args.families),
                 "--clients", str(args.clients), "--rounds", str(args.rounds)],
                capture_output=True, text=True, cwd=ROOT)
            if proc.returncode != 0:
                sys.exit(proc.stdout + proc.stderr)
            results.append(json.loads(proc.stdout.strip().splitlines()[-1]))
            continue
        with tempfile.TemporaryDirectory(prefix="konvergen-needs-") as var:
            env = {**os.environ, "KONVERGEN_VAR_DIR": var, "DJANGO_SETTINGS_MODULE":
                   "konvergen.settings", "PYTHONPATH": str(ROOT)}
            if backend == "sqlite":
                env.pop("DATABASE_URL", None)
            results.append(measure(backend, args.families, env, clients=args.clients,
                                   rounds=args.rounds))
    if args.inner:
        print(json.dumps(results[-1]))
        return
    print("| backend | families | persons | import incl. welfare (s) | welfare recompute (s) "
          "| peak RSS (MB) | dashboard p50 / p95 (ms), 8 clients | requests/s |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for r in results:
        d = r.get("dashboard", {})
        print(f"| {r['backend']} | {r['families']:,} | {r['persons']:,} | "
              f"{r['import_with_welfare_s']} | {r['recompute_s']} | {r['recompute_peak_rss_mb']} | "
              f"{d.get('p50_ms', '—')} / {d.get('p95_ms', '—')} | {d.get('req_per_s', '—')} |")
    for r in results:
        if "dashboard" in r:
            print(f"\n{r['backend']} by page: " + json.dumps(r["dashboard"]["by_page"]))


if __name__ == "__main__":
    main()
