"""Benchmark: 8 clients on the public portal and the REST API of a 1M-family kabupaten.

    .venv/bin/python benchmarks/public_load.py                          # PostgreSQL, 1M, 300 s
    .venv/bin/python benchmarks/public_load.py --backends sqlite postgresql
    .venv/bin/python benchmarks/public_load.py --families 100000 --seconds 60

In a fresh database (PostgreSQL: a throwaway server from ``scripts/with_postgres.py``)
loads Kabupaten Bandung with ``--families`` synthetic register families and their welfare
rows, 40 programmes and ``--interventions`` interventions (``benchmarks/convergence.py``'s
loader), refreshes convergence, publishes the region on the portal and creates an API
client acting as the TKPK secretariat. Then serves the app as production does (gunicorn,
``--workers`` sync workers) and has ``--clients`` threads request, for ``--seconds``, a mix
of the anonymous portal pages (region, kecamatan table, a kecamatan's desa table,
programme directory, a dataset's CSV, CKAN ``package_search``) and the API (a desa's
families, 100 a page; the convergence figures; programmes; indicators), each client
picking the next URL at random. Reports requests, errors, p50/p95/p99 overall and per
kind, requests/s and the server's peak RSS, as JSON lines and a Markdown table;
``docs/benchmarks.md`` quotes it.
"""

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from serving import peak_rss_mb, start_gunicorn

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
YEAR = 2026


def _setup(args) -> dict:
    """Inside the database: load, refresh, publish, make the API client (timed)."""
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "konvergen.settings")
    env = {**os.environ}
    subprocess.run([PY, "-m", "konvergen.cli", "migrate", "-v0"], env=env, check=True)
    subprocess.run([PY, "-m", "konvergen.cli", "regions", "load"], env=env, check=True,
                   capture_output=True)
    django.setup()
    import numpy as np
    import pyarrow as pa
    from convergence import load_database, synthetic

    from konvergen.accounts.models import Role
    from konvergen.accounts.services import role_assignment_create, user_create
    from konvergen.api.services import api_client_create
    from konvergen.convergence.models import RegionConvergence
    from konvergen.convergence.services import convergence_refresh_dataset
    from konvergen.portal.services import publication_set
    from konvergen.regions.models import Level, Region

    t0 = time.perf_counter()
    fam, prog, iv = synthetic(args.families, args.interventions, 40)
    # The loader's desa codes are made up; the portal names real regions: spread the
    # families over Kabupaten Bandung's real desa instead.
    real = np.array(sorted(Region.objects.filter(
        level=Level.DESA, code__startswith="32.04.").values_list("code", flat=True)))
    made_up = fam.column("region_code").to_numpy(zero_copy_only=False)
    _codes, index = np.unique(made_up, return_inverse=True)
    fam = fam.set_column(fam.column_names.index("region_code"), "region_code",
                         pa.array(real[index % len(real)]))
    dataset = load_database(fam, prog, iv)
    convergence_refresh_dataset(dataset=dataset)
    seconds = time.perf_counter() - t0
    region = Region.objects.get(code="32.04")
    admin = user_create(username="bench-admin", password="Bench-Admin-123456",
                        is_superuser=True)
    tkpk = user_create(username="bench-tkpk", password="Bench-Tkpk-123456")
    role_assignment_create(user=tkpk, role=Role.TKPK, region=region, acting_user=admin)
    publication_set(region=region, values={"published": True}, acting_user=tkpk)
    _client, token = api_client_create(
        name="bench", user=tkpk, rate_limit=10**9,
        scopes=["families:read", "programmes:read", "convergence:read", "indicators:read"])
    codes = list(RegionConvergence.objects.filter(region_code__startswith="32.04.")
                 .values_list("region_code", "level").distinct())
    return {"token": token, "setup_s": round(seconds, 1),
            "kecamatan": sorted({c for c, level in codes if level == 3}),
            "desa": sorted({c for c, level in codes if level == 4})}


def _urls(setup: dict) -> dict[str, list[tuple[str, bool]]]:
    """kind -> [(path, needs the token)]."""
    kec, desa = setup["kecamatan"], setup["desa"]
    return {
        "portal region": [("/publik/32.04/", False)],
        "portal kecamatan table": [("/publik/32.04/wilayah/", False)],
        "portal desa table": [(f"/publik/32.04/wilayah/{k}/", False) for k in kec],
        "portal programmes": [("/publik/32.04/program/", False)],
        "portal dataset csv": [(f"/publik/data/konvergensi-3204-{YEAR}.csv", False)],
        "ckan package_search": [("/api/3/action/package_search?rows=20", False)],
        "api families": [(f"/api/v1/families?region={d}&limit=100", True) for d in desa],
        "api convergence": [(f"/api/v1/regions/32.04/convergence/{YEAR}", True)],
        "api programmes": [("/api/v1/programmes?limit=100", True)],
        "api indicators": [("/api/v1/regions/32.04/indicators", True)],
    }


def _serve(env: dict, workers: int) -> tuple[subprocess.Popen, int]:
    from needs import _free_port

    port = _free_port()
    return start_gunicorn(env, port, workers), port


def _quantiles(values: list[float]) -> dict:
    if len(values) < 2:
        return {"n": len(values)}
    q = statistics.quantiles(values, n=100)
    return {"n": len(values), "p50_ms": round(q[49] * 1000, 1),
            "p95_ms": round(q[94] * 1000, 1), "p99_ms": round(q[98] * 1000, 1)}


def child(backend: str, args) -> dict:
    setup = _setup(args)
    env = {**os.environ, "KONVERGEN_DEBUG": "0", "KONVERGEN_SSL_REDIRECT": "0",
           "KONVERGEN_SECURE_COOKIES": "0", "KONVERGEN_LOG_LEVEL": "WARNING",
           "KONVERGEN_PAGE_CACHE_SECONDS": str(args.cache_seconds)}
    server, port = _serve(env, args.workers)
    urls = _urls(setup)
    timings: dict[str, list[float]] = {kind: [] for kind in urls}
    errors: dict[str, int] = {kind: 0 for kind in urls}
    lock = threading.Lock()

    def get(path: str, token: bool) -> None:
        headers = {"Authorization": f"Bearer {setup['token']}"} if token else {}
        request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", headers=headers)
        with urllib.request.urlopen(request, timeout=60) as response:
            response.read()
            if response.status != 200:
                raise RuntimeError(response.status)

    try:
        for kind, choices in urls.items():  # warm-up: every kind once
            try:
                get(*choices[0])
            except Exception as exc:
                raise RuntimeError(f"{kind}: {choices[0][0]}: {exc}") from exc
        stop = time.perf_counter() + args.seconds

        def client(seed: int) -> None:
            rng = random.Random(seed)
            kinds = list(urls)
            while time.perf_counter() < stop:
                kind = rng.choice(kinds)
                path, token = rng.choice(urls[kind])
                start = time.perf_counter()
                try:
                    get(path, token)
                except Exception:
                    with lock:
                        errors[kind] += 1
                    continue
                with lock:
                    timings[kind].append(time.perf_counter() - start)

        threads = [threading.Thread(target=client, args=(n,)) for n in range(args.clients)]
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
    every = [t for values in timings.values() for t in values]
    return {"backend": backend, "families": args.families,
            "interventions": args.interventions, "setup_s": setup["setup_s"],
            "server": f"gunicorn × {args.workers}", "clients": args.clients,
            "seconds": round(wall, 1), "requests": len(every),
            "errors": sum(errors.values()), "req_per_s": round(len(every) / wall, 1),
            **_quantiles(every), "server_peak_rss_mb": rss,
            "kinds": {kind: {**_quantiles(values), "errors": errors[kind]}
                      for kind, values in timings.items()}}


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--backends", nargs="+", default=["postgresql"])
    parser.add_argument("--families", type=int, default=1_000_000)
    parser.add_argument("--interventions", type=int, default=2_000_000)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=300)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--cache-seconds", type=int, default=600)
    parser.add_argument("--child", default="", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.child, args)))
        return 0
    results = []
    for backend in args.backends:
        with tempfile.TemporaryDirectory() as var:
            env = {**os.environ, "KONVERGEN_VAR_DIR": var,
                   "DJANGO_SETTINGS_MODULE": "konvergen.settings"}
            env.pop("DATABASE_URL", None)
            cmd = [PY, __file__, "--child", backend, "--families", str(args.families),
                   "--interventions", str(args.interventions), "--clients", str(args.clients),
                   "--seconds", str(args.seconds), "--workers", str(args.workers),
                   "--cache-seconds", str(args.cache_seconds)]
            if backend == "postgresql":
                cmd = [PY, str(ROOT / "scripts" / "with_postgres.py"), "--", *cmd]
            out = subprocess.run(cmd, env=env, stdout=subprocess.PIPE, text=True, cwd=ROOT)
            if out.returncode:
                print(out.stdout)
                return out.returncode
            result = json.loads(out.stdout.strip().splitlines()[-1])
        results.append(result)
        print(json.dumps(result), flush=True)
    print("\n| backend | families | clients | seconds | requests | errors | p50 (ms) |"
          " p95 (ms) | p99 (ms) | req/s | server peak RSS (MB) |")
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for r in results:
        print(f"| {r['backend']} | {r['families']:,} | {r['clients']} | {r['seconds']} |"
              f" {r['requests']:,} | {r['errors']} | {r['p50_ms']} | {r['p95_ms']} |"
              f" {r['p99_ms']} | {r['req_per_s']} | {r['server_peak_rss_mb']} |")
        print("\n| kind | requests | errors | p50 (ms) | p95 (ms) | p99 (ms) |")
        print("|---|---|---|---|---|---|")
        for kind, k in r["kinds"].items():
            print(f"| {kind} | {k['n']:,} | {k['errors']} | {k.get('p50_ms', '—')} |"
                  f" {k.get('p95_ms', '—')} | {k.get('p99_ms', '—')} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
