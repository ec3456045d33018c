"""Benchmark: the coordination-meeting pack of a kabupaten under 8 concurrent clients.

    .venv/bin/python benchmarks/meeting_pack.py                       # SQLite
    .venv/bin/python benchmarks/meeting_pack.py --backends sqlite postgresql
    .venv/bin/python benchmarks/meeting_pack.py --server wsgiref      # one process
    .venv/bin/python benchmarks/meeting_pack.py --cache-seconds 0     # every request computes

Seeds Kabupaten Bandung (32.04) with 60 agencies, each with a 2026 action plan of 40 items
and four quarter reports with a realisation for every item (2,400 items, 9,600 realisation
rows), in bulk; then serves the app as production does — gunicorn with ``--workers`` sync
worker processes (``docs/operations.md``) — or, with ``--server wsgiref``, one threaded
process; signs in as the TKPK secretariat, warms up and has 8 clients request the quarter-4
pack (``/plans/region/32.04/meeting/2026/4/``) for ``--seconds``. Reports requests, errors,
p50/p95/p99 latency, requests/s and the server's peak RSS (summed over its processes), as
JSON lines and a Markdown table; ``docs/benchmarks.md`` quotes it. The pack's body is cached
under the region's change stamp (``KONVERGEN_PAGE_CACHE_SECONDS``, default 600 s); with
``--cache-seconds 0`` every request computes it, which is what the first reader after a
change waits for.
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

sys.path.insert(0, str(Path(__file__).resolve().parent))

from import_register import prepare_database
from needs import SERVER, _free_port, _session_cookie
from serving import peak_rss_mb, start_gunicorn

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
PATH = "/plans/region/32.04/meeting/2026/4/"

SEED = r"""
import os, random, django
from decimal import Decimal
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "konvergen.settings")
django.setup()
from django.db import transaction
from konvergen.organisations.models import Organisation
from konvergen.plans.models import ActionPlan, PlanItem, QuarterReport, Realisation
from konvergen.regions.models import Region
AGENCIES, ITEMS = int(os.environ["AGENCIES"]), int(os.environ["ITEMS"])
rng = random.Random(1)
region = Region.objects.get(code="32.04")
strategies = ["burden", "income", "umkm", "synergy", "pockets"]
tags = ["direct", "indirect", "support"]
with transaction.atomic():
    orgs = Organisation.objects.bulk_create([
        Organisation(name=f"Dinas Uji {n:02d}", short_name=f"DU{n:02d}", kind="agency",
                     pentahelix="government", region=region) for n in range(AGENCIES)])
    plans = ActionPlan.objects.bulk_create([
        ActionPlan(organisation=o, region=region, year=2026,
                   state=rng.choice(["draft", "submitted", "verified", "approved"]))
        for o in orgs])
    items = PlanItem.objects.bulk_create([
        PlanItem(plan=p, position=i + 1, programme_code="1.06.04", programme_name="Program",
                 activity_code="1.06.04.2.01", activity_name="Kegiatan",
                 sub_activity_code=f"1.06.04.2.01.{i + 1:04d}", sub_activity_name="Sub",
                 strategy=rng.choice(strategies), sector="food",
                 expenditure_tag=rng.choice(tags), indicator=f"Keluaran {i}",
                 indicator_key=f"keluaran {i}", unit="KK", target_k=Decimal(100),
                 target_rp=Decimal(rng.randrange(50, 500) * 1_000_000),
                 funding_source="apbd_regency")
        for p in plans for i in range(ITEMS)])
    reports = QuarterReport.objects.bulk_create([
        QuarterReport(plan=p, quarter=q, state=rng.choice(["draft", "submitted", "approved"]))
        for p in plans for q in (1, 2, 3, 4)])
    by_plan = {}
    for r in reports:
        by_plan.setdefault(r.plan_id, []).append(r)
    Realisation.objects.bulk_create([
        Realisation(report=r, item=i, k=Decimal(rng.randrange(0, 30)),
                    rp=Decimal(rng.randrange(0, 100) * 1_000_000))
        for i in items for r in by_plan[i.plan_id]])
print(len(orgs), len(items), Realisation.objects.count())
"""


def _start(server_kind: str, port: int, workers: int, env: dict) -> subprocess.Popen:
    if server_kind == "wsgiref":
        server = subprocess.Popen([PY, "-c", SERVER, str(port)], env=env,
                                  stdout=subprocess.PIPE, text=True, cwd=ROOT)
        assert server.stdout is not None and server.stdout.readline().strip() == "ready"
        return server
    return start_gunicorn(env, port, workers, ready_path="/accounts/login/", wait=60)


def load(env: dict, *, clients: int, seconds: float, server_kind: str = "gunicorn",
         workers: int = 4, cache_seconds: int = 600) -> dict:
    env = {**env, "KONVERGEN_DEBUG": "0", "KONVERGEN_SSL_REDIRECT": "0",
           "KONVERGEN_SECURE_COOKIES": "0", "KONVERGEN_LOG_LEVEL": "WARNING",
           "KONVERGEN_PAGE_CACHE_SECONDS": str(cache_seconds)}
    cookie = _session_cookie(env)
    port = _free_port()
    server = _start(server_kind, port, workers, env)
    timings: list[float] = []
    errors = [0]
    lock = threading.Lock()
    try:
        url = f"http://127.0.0.1:{port}{PATH}"

        def get() -> float:
            request = urllib.request.Request(url, headers={"Cookie": f"sessionid={cookie}"})
            start = time.perf_counter()
            with urllib.request.urlopen(request, timeout=60) as response:
                body = response.read()
                if response.status != 200 or b'id="pack-agencies"' not in body:
                    raise RuntimeError(response.status)
            return time.perf_counter() - start

        for _ in range(5):  # warm-up
            get()
        stop = time.perf_counter() + seconds

        def client() -> None:
            while time.perf_counter() < stop:
                try:
                    t = get()
                except Exception:
                    with lock:
                        errors[0] += 1
                    continue
                with lock:
                    timings.append(t)

        threads = [threading.Thread(target=client) for _ in range(clients)]
        start = time.perf_counter()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        wall = time.perf_counter() - start
        rss = peak_rss_mb(server.pid)
    finally:
        server.terminate()
        server.wait()
    q = statistics.quantiles(timings, n=100)
    return {"server": server_kind if server_kind == "wsgiref" else f"gunicorn × {workers}",
            "cache_s": cache_seconds, "clients": clients, "seconds": round(wall, 1),
            "requests": len(timings),
            "errors": errors[0], "req_per_s": round(len(timings) / wall, 1),
            "p50_ms": round(q[49] * 1000, 1), "p95_ms": round(q[94] * 1000, 1),
            "p99_ms": round(q[98] * 1000, 1), "server_peak_rss_mb": rss}


def measure(backend: str, env: dict, args) -> dict:
    prepare_database(env)
    seeded = subprocess.run([PY, "-c", SEED], env={**env, "AGENCIES": str(args.agencies),
                                                   "ITEMS": str(args.items)},
                            capture_output=True, text=True, check=True).stdout.split()
    return {"backend": backend, "agencies": int(seeded[0]), "items": int(seeded[1]),
            "realisations": int(seeded[2]),
            **load(env, clients=args.clients, seconds=args.seconds, server_kind=args.server,
                   workers=args.workers, cache_seconds=args.cache_seconds)}


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--backends", nargs="+", default=["sqlite"])
    parser.add_argument("--agencies", type=int, default=60)
    parser.add_argument("--items", type=int, default=40)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--server", choices=["gunicorn", "wsgiref"], default="gunicorn")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn worker processes")
    parser.add_argument("--cache-seconds", type=int, default=600,
                        help="KONVERGEN_PAGE_CACHE_SECONDS of the server (0: no page cache)")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:  # inside the throwaway PostgreSQL
        env = {**os.environ, "DJANGO_SETTINGS_MODULE": "konvergen.settings"}
        print(json.dumps(measure("postgresql", env, args)))
        return 0
    results = []
    for backend in args.backends:
        with tempfile.TemporaryDirectory() as var:
            env = {**os.environ, "KONVERGEN_VAR_DIR": var,
                   "DJANGO_SETTINGS_MODULE": "konvergen.settings"}
            env.pop("DATABASE_URL", None)
            if backend == "sqlite":
                result = measure(backend, env, args)
            else:
                child = [PY, __file__, "--child", "--agencies", str(args.agencies),
                         "--items", str(args.items), "--clients", str(args.clients),
                         "--seconds", str(args.seconds), "--server", args.server,
                         "--workers", str(args.workers),
                         "--cache-seconds", str(args.cache_seconds)]
                result = json.loads(subprocess.run(
                    [PY, str(ROOT / "scripts" / "with_postgres.py"), "--", *child],
                    env=env, stdout=subprocess.PIPE, text=True, check=True).stdout
                    .strip().splitlines()[-1])
        results.append(result)
        print(json.dumps(result), flush=True)
    print("\n| backend | server | page cache (s) | agencies × items × quarters | clients |"
          " requests | errors | p50 (ms) | p95 (ms) | p99 (ms) | req/s | server peak RSS (MB) |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|")
    for r in results:
        print(f"| {r['backend']} | {r['server']} | {r['cache_s']} |"
              f" {r['agencies']} × {r['items'] // max(r['agencies'], 1)} × 4"
              f" | {r['clients']} | {r['requests']:,} | {r['errors']} | {r['p50_ms']} |"
              f" {r['p95_ms']} | {r['p99_ms']} | {r['req_per_s']} | {r['server_peak_rss_mb']} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
