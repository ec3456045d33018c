"""Benchmark: importing a register snapshot (P3KE families + members) into SQLite and PostgreSQL.

    .venv/bin/python benchmarks/import_register.py                 # 100k and 1M families
    .venv/bin/python benchmarks/import_register.py --sizes 100000 --backends sqlite

For each size N the synthetic generator writes a register of exactly N families (every desil,
so register = population; ~3.5 persons per family) for Kabupaten Bandung. Each import runs in
its own process under ``/usr/bin/time`` (wall time, peak RSS) on a fresh database. Beside it,
the floor: the time DuckDB takes to read the same two files, plus a bare PostgreSQL ``COPY`` of
the same rows into unindexed all-text tables (ordinary tables, as the issue defines it; the
``COPY`` into unlogged tables, which skips the write-ahead log, is reported beside it).

Each size and backend is measured ``--repeat`` times (default 3; the machine's virtual CPUs
are shared, so single runs vary by ±20 %): the run with the median total time is reported,
with the median floor. Times include the process's start-up and exit. Prints a Markdown
table; ``docs/benchmarks.md`` quotes it.
"""

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
OUT = ROOT / "benchmarks" / "out"


def run(cmd: list[str], env: dict, *, quiet: bool = True) -> tuple[float, float, str, str]:
    """Run under GNU time; return (wall seconds, peak RSS in MB, stdout, stderr)."""
    with tempfile.NamedTemporaryFile("r", suffix=".time") as stats:
        start = time.perf_counter()
        proc = subprocess.run(["/usr/bin/time", "-f", "%e %M", "-o", stats.name, *cmd],
                              env=env, capture_output=True, text=True)
        wall = time.perf_counter() - start
        if proc.returncode != 0:
            sys.exit(f"failed: {' '.join(cmd)}\n{proc.stdout}\n{proc.stderr}")
        _elapsed, max_kb = stats.read().split()[-2:]
    return wall, int(max_kb) / 1024, proc.stdout, proc.stderr


def konvergen(*args: str) -> list[str]:
    return [PY, "-m", "konvergen.cli", *args]


def prepare_database(env: dict) -> None:
    run(konvergen("migrate", "-v0"), env)
    run(konvergen("regions", "load"), env)


def synth(n: int, env: dict) -> Path:
    folder = OUT / f"register-{n}"
    if not (folder / "manifest.json").exists():
        run(konvergen("synth", "--region", "32.04", "--families", str(n), "--max-desil", "10",
                      "--seed", "1", "--out", str(folder), "--force", "-v0"), env)
    return folder


def floor_duckdb(folder: Path) -> float:
    """Seconds DuckDB takes to read both files completely into Arrow."""
    import duckdb

    start = time.perf_counter()
    for name in ("p3ke_keluarga.csv", "p3ke_anggota_keluarga.csv"):
        path = str(folder / name).replace("'", "''")
        duckdb.sql(f"SELECT * FROM read_csv('{path}', all_varchar=true)").to_arrow_table()
    return time.perf_counter() - start


def floor_copy(folder: Path, env: dict) -> dict[str, float]:
    """A bare COPY of both files into unindexed all-text tables (inside the throwaway server):
    ordinary tables, as the issue defines the floor, and unlogged ones (no WAL at all)."""
    code = r"""
import csv, json, os, sys, time, psycopg
url = os.environ["DATABASE_URL"]
totals = {"logged": 0.0, "unlogged": 0.0}
with psycopg.connect(url, autocommit=True) as conn:
    for kind in totals:
        for i, path in enumerate(sys.argv[1:]):
            with open(path, encoding="utf-8") as f:
                header = next(csv.reader(f))
            cols = ", ".join(f'c{j} text' for j in range(len(header)))
            conn.execute(f"DROP TABLE IF EXISTS floor_{i}")
            unlogged = "UNLOGGED" if kind == "unlogged" else ""
            conn.execute(f"CREATE {unlogged} TABLE floor_{i} ({cols})")
            t = time.perf_counter()
            with conn.cursor().copy(f"COPY floor_{i} FROM STDIN (FORMAT csv, HEADER true)") as cp:
                with open(path, "rb") as f:
                    while chunk := f.read(1 << 20):
                        cp.write(chunk)
            totals[kind] += time.perf_counter() - t
            conn.execute(f"DROP TABLE floor_{i}")
print(json.dumps(totals))
"""
    out = subprocess.run([PY, "-c", code, str(folder / "p3ke_keluarga.csv"),
                          str(folder / "p3ke_anggota_keluarga.csv")],
                         env=env, capture_output=True, text=True, check=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def measure(backend: str, n: int, folder: Path, env: dict) -> dict:
    prepare_database(env)
    wall, rss, out, log = run(konvergen(
        "import-register", "--region", "32.04", "--snapshot-date", "2026-01-15", "--json",
        "--families", str(folder / "p3ke_keluarga.csv"),
        "--members", str(folder / "p3ke_anggota_keluarga.csv")), env)
    summary = json.loads(out)
    # The import logs each stage with the seconds since it started: "computing" begins the
    # after-import hooks, once the snapshot has committed.
    stages: dict[str, float] = {}
    for seconds, stage in re.findall(r"([\d.]+)s import [^:]+: (\w+)", log):
        stages.setdefault(stage, float(seconds))  # a stage's first mark is its start
    # Process start-up and exit count as import time: the stage marks are shifted by them.
    overhead = wall - stages["done"]
    rows = summary["families_accepted"] + summary["persons_accepted"]
    again, _rss, out2, _log = run(konvergen(
        "import-register", "--region", "32.04", "--json",
        "--families", str(folder / "p3ke_keluarga.csv"),
        "--members", str(folder / "p3ke_anggota_keluarga.csv")), env)
    assert json.loads(out2)["unchanged"] is True
    result = {"backend": backend, "families": summary["families_accepted"],
              "persons": summary["persons_accepted"], "seconds": round(wall, 1),
              "rows_per_s": round(rows / wall), "peak_rss_mb": round(rss),
              "reimport_seconds": round(again, 1),
              "validated_s": round(stages["writing"] + overhead, 1),
              "committed_s": round(stages["computing"] + overhead, 1),
              "hooks_s": round(stages["done"] - stages["computing"], 1)}
    if backend == "postgresql":
        floor = floor_copy(folder, env)
        result["floor_copy_s"] = round(floor["logged"], 1)
        result["floor_copy_unlogged_s"] = round(floor["unlogged"], 1)
    return result


def run_once(backend: str, n: int, folder: Path) -> dict:
    """One import (and re-import) on a fresh database, with the floor measured beside it."""
    duck = floor_duckdb(folder)
    with tempfile.TemporaryDirectory() as var:
        env = {**os.environ, "KONVERGEN_VAR_DIR": var,
               "DJANGO_SETTINGS_MODULE": "konvergen.settings"}
        env.pop("DATABASE_URL", None)
        if backend == "sqlite":
            result = measure(backend, n, folder, env)
        else:
            result = json.loads(subprocess.run(
                [PY, str(ROOT / "scripts" / "with_postgres.py"), "--", PY, __file__,
                 "--child", str(n), str(folder)],
                env=env, capture_output=True, text=True, check=True).stdout
                .strip().splitlines()[-1])
    result["floor_duckdb_read_s"] = duck
    return result


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--backends", nargs="+", default=["sqlite", "postgresql"])
    parser.add_argument("--repeat", type=int, default=3,
                        help="measurements per size and backend (the median run is kept)")
    args = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    results = []
    with tempfile.TemporaryDirectory() as var:
        base_env = {**os.environ, "KONVERGEN_VAR_DIR": var, "DJANGO_SETTINGS_MODULE":
                    "konvergen.settings"}
        base_env.pop("DATABASE_URL", None)
        prepare_database(base_env)
        folders = {n: synth(n, base_env) for n in args.sizes}
    for n in args.sizes:
        for backend in args.backends:
            # The machine is shared (virtual CPUs): each measurement is taken --repeat times
            # and the run with the median total time is kept, with the median floor.
            runs = [run_once(backend, n, folders[n]) for _ in range(args.repeat)]
            result = sorted(runs, key=lambda r: r["seconds"])[len(runs) // 2]
            result["runs_s"] = [r["seconds"] for r in runs]
            duck = statistics.median(r["floor_duckdb_read_s"] for r in runs)
            result["floor_duckdb_read_s"] = round(duck, 1)
            if backend == "postgresql":
                copy = statistics.median(r["floor_copy_s"] for r in runs)
                result["floor_copy_s"] = round(copy, 1)
                result["floor_copy_unlogged_s"] = round(
                    statistics.median(r["floor_copy_unlogged_s"] for r in runs), 1)
                floor = copy + duck
                result["floor_s"] = round(floor, 1)
                result["x_floor"] = round(result["seconds"] / floor, 2)
                result["committed_x_floor"] = round(result["committed_s"] / floor, 2)
            results.append(result)
            print(json.dumps(result), flush=True)
    print("\n| backend | families | persons | time (s) | rows/s | peak RSS (MB) | re-import (s) |"
          " validated (s) | committed (s) | hooks (s) | floor: DuckDB read + PG COPY (s)"
          " [COPY unlogged] |"
          " × floor (total / committed) | all runs: time (s) |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    for r in results:
        floor = (f"{r['floor_duckdb_read_s']} + {r['floor_copy_s']} = {r['floor_s']}"
                 f" [{r['floor_copy_unlogged_s']}]" if "floor_s" in r
                 else f"{r['floor_duckdb_read_s']} + —")
        print(f"| {r['backend']} | {r['families']:,} | {r['persons']:,} | {r['seconds']} |"
              f" {r['rows_per_s']:,} | {r['peak_rss_mb']:,} | {r['reimport_seconds']} |"
              f" {r['validated_s']} | {r['committed_s']} | {r['hooks_s']} | {floor} |"
              f" {r.get('x_floor', '—')} / {r.get('committed_x_floor', '—')} |"
              f" {', '.join(str(x) for x in r['runs_s'])} |")
    return 0


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--child":  # inside the throwaway PostgreSQL
        env = {**os.environ, "DJANGO_SETTINGS_MODULE": "konvergen.settings"}
        print(json.dumps(measure("postgresql", int(sys.argv[2]), Path(sys.argv[3]), env)))
        sys.exit(0)
    sys.exit(main())
