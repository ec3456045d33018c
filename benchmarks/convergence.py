"""Benchmark: recomputing convergence for 1M families and 5M interventions (40 programmes).

    .venv/bin/python benchmarks/convergence.py                       # engine only, 1M / 5M
    .venv/bin/python benchmarks/convergence.py --families 100000 --interventions 500000
    .venv/bin/python benchmarks/convergence.py --database postgresql   # the whole refresh

Synthetic Arrow tables shaped as the service hands them to the engine (families of ~270 desa
of Kabupaten Bandung with status, desil and a 12-bit need mask; 40 programmes across stages,
sectors and desil ranges; interventions over 3 periods and 4 statuses), then
``konvergen.convergence.engine.compute`` for one period, timed.

``--database sqlite|postgresql`` measures the whole refresh instead, on a fresh database
(PostgreSQL: a throwaway server from ``scripts/with_postgres.py``): the same families are
written as register families with their welfare rows, the programmes and interventions as
rows of their tables (``bulk.insert_table``), then ``convergence_refresh_dataset`` — reading
families and interventions, the engine, writing every summary and per-family row in one
transaction — is timed; then the convergence dashboard is served by a threading WSGI server
(``benchmarks/needs.py``'s harness) and 8 client threads fetch the kabupaten, kecamatan and
desa dashboards as the TKPK secretary; p50/p95 per page.
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from konvergen.convergence.engine import ConvergenceConfig, compute

NEEDS = ("water", "sanitation", "housing", "electricity", "cooking_fuel", "school_attendance",
         "schooling", "health_insurance", "care", "stunting", "savings", "head_work")


def synthetic(families: int, interventions: int, programmes: int, seed: int = 1):
    rng = np.random.default_rng(seed)
    desa = np.array([f"32.04.{k:02d}.{2000 + d:04d}" for k in range(1, 32) for d in range(1, 10)])
    desil = rng.integers(1, 11, families)
    status = np.select([desil == 1, desil == 2, desil <= 4], [1, 2, 3], 4)
    fam = pa.table({
        "family_id": np.arange(1, families + 1, dtype=np.int64),
        "region_code": pa.array(desa[rng.integers(0, len(desa), families)]),
        "desil": desil.astype(np.int64),
        "status": status.astype(np.int64),
        "needs": rng.integers(0, 1 << len(NEEDS), families, dtype=np.int64)
        & rng.integers(0, 1 << len(NEEDS), families, dtype=np.int64),
    })
    stages = np.array(["charity", "individual", "group"])
    sectors = np.array(["food", "housing", "wash", "health", "education", "employment", "umkm"])
    prog = pa.table({
        "programme_id": np.arange(1, programmes + 1, dtype=np.int64),
        "needs": (1 << rng.integers(0, len(NEEDS), programmes)).astype(np.int64)
        | (1 << rng.integers(0, len(NEEDS), programmes)).astype(np.int64),
        "stage": pa.array(stages[np.arange(programmes) % 3]),
        "strategy": pa.array(["burden"] * programmes),
        "sector": pa.array(sectors[np.arange(programmes) % len(sectors)]),
        "funding_source": pa.array(["apbn", "apbd_regency", "csr", "zis"] * (programmes // 4)
                                   + ["other"] * (programmes % 4)),
        "organisation_id": (np.arange(programmes) % 12 + 1).astype(np.int64),
        "desil_min": pa.array([1] * programmes, pa.int64()),
        "desil_max": pa.array([4 if i % 2 else None for i in range(programmes)], pa.int64()),
    })
    # Interventions mostly to poorer families (as in the field), some outside the target.
    poor = np.flatnonzero(desil <= 5) + 1
    pick = np.where(rng.random(interventions) < 0.85,
                    poor[rng.integers(0, len(poor), interventions)],
                    rng.integers(1, families + 1, interventions))
    iv = pa.table({
        "programme_id": rng.integers(1, programmes + 1, interventions, dtype=np.int64),
        "family_id": pick.astype(np.int64),
        "status": pa.array(np.array(["delivered", "completed", "planned", "stopped"])[
            rng.choice(4, interventions, p=[0.6, 0.2, 0.15, 0.05])]),
        "value": rng.integers(1, 50, interventions).astype(np.float64) * 100_000,
    })
    return fam, prog, iv


def load_database(fam: pa.Table, prog: pa.Table, iv: pa.Table) -> object:
    """Write the synthetic tables as register, welfare, programme and intervention rows."""
    import datetime as dt

    from django.db import connection, models, transaction

    from konvergen.core.bulk import insert_table
    from konvergen.organisations.models import Organisation
    from konvergen.programs.models import Intervention, Programme
    from konvergen.regions.models import Region
    from konvergen.registry.models import Dataset, Family, FamilyRecord, Snapshot
    from konvergen.welfare.models import FamilyWelfare, WelfareRun

    def blanks(model, table: pa.Table) -> pa.Table:
        for f in model._meta.concrete_fields:
            if (isinstance(f, models.CharField) and not f.null
                    and f.column not in table.column_names):
                table = table.append_column(f.column, pa.array([""] * table.num_rows))
        return table

    n = fam.num_rows
    region = Region.objects.get(code="32.04")
    with transaction.atomic():
        dataset = Dataset.objects.create(source="p3ke", region=region)
        snapshot = Snapshot.objects.create(dataset=dataset, snapshot_date=dt.date(2026, 1, 15),
                                           families_file="bench", members_file="bench",
                                           files_sha256="bench")
        ids = fam.column("family_id")
        insert_table(connection, Family._meta.db_table, blanks(Family, pa.table({
            "id": ids, "dataset_id": pa.array([dataset.pk] * n, pa.int64()),
            "source_id": pc.cast(ids, pa.string()),
            "last_snapshot_id": pa.array([snapshot.pk] * n, pa.int64()),
            "is_current": pa.array([True] * n), "region_code": fam.column("region_code"),
            "desil": fam.column("desil"),
        })))
        insert_table(connection, FamilyRecord._meta.db_table, blanks(FamilyRecord, pa.table({
            "snapshot_id": pa.array([snapshot.pk] * n, pa.int64()), "family_id": ids,
            "row_number": ids, "region_code": fam.column("region_code"),
            "desil": fam.column("desil"),
        })))
        insert_table(connection, FamilyWelfare._meta.db_table, pa.table({
            "snapshot_id": pa.array([snapshot.pk] * n, pa.int64()), "family_id": ids,
            "region_code": fam.column("region_code"), "status": fam.column("status"),
            "needs": fam.column("needs"), "score": pa.array([0.0] * n),
            "mpi_poor": pa.array([False] * n), "persons": pa.array([4] * n, pa.int64()),
        }))
        WelfareRun.objects.create(snapshot=snapshot, families=n, config={"indicators": [
            {"code": c, "name_en": c, "name_id": c, "dimension": "food"} for c in NEEDS]})
        org = Organisation.objects.create(name="Bench", kind="agency",
                                          pentahelix="government", region=region)
        by_bit = {1 << i: c for i, c in enumerate(NEEDS)}
        pks = []
        for row in prog.to_pylist():
            pks.append(Programme.objects.create(
                code=f"p{row['programme_id']}", name=f"Programme {row['programme_id']}",
                organisation=org, region=region, strategy=row["strategy"], stage=row["stage"],
                sector=row["sector"], funding_source=row["funding_source"],
                needs=[c for b, c in by_bit.items() if row["needs"] & b],
                desil_min=row["desil_min"], desil_max=row["desil_max"],
                year_start=2026, year_end=2026).pk)
        m = iv.num_rows
        insert_table(connection, Intervention._meta.db_table, pa.table({
            "programme_id": pc.take(pa.array(pks, pa.int64()),
                                    pc.subtract(iv.column("programme_id"), 1)),
            "family_id": iv.column("family_id"), "year": pa.array([2026] * m, pa.int64()),
            "status": iv.column("status"), "value": iv.column("value"),
            "created_at": pa.array(["2026-01-15 00:00:00+00:00"] * m),
        }))
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return dataset


URLS = {
    "kabupaten": "/convergence/32.04/?year=2026",
    "kecamatan": "/convergence/32.04.05/?year=2026",
    "desa": "/convergence/32.04.05.2001/?year=2026",
}


def database_child(backend: str, args) -> dict:
    """Inside a fresh database: load, refresh (timed), then the dashboard latency."""
    import os
    import subprocess
    import sys

    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "konvergen.settings"}
    py = sys.executable
    subprocess.run([py, "-m", "konvergen.cli", "migrate", "-v0"], env=env, check=True)
    subprocess.run([py, "-m", "konvergen.cli", "regions", "load"], env=env, check=True,
                   capture_output=True)
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "konvergen.settings")
    django.setup()
    from konvergen.convergence.services import convergence_refresh_dataset

    fam, prog, iv = synthetic(args.families, args.interventions, args.programmes)
    t0 = time.perf_counter()
    dataset = load_database(fam, prog, iv)
    loaded = time.perf_counter() - t0
    t0 = time.perf_counter()
    convergence_refresh_dataset(dataset=dataset)
    refresh = time.perf_counter() - t0
    result = {"backend": backend, "families": args.families,
              "interventions": args.interventions, "load_s": round(loaded, 1),
              "refresh_s": round(refresh, 1)}
    if args.clients:
        sys.path.insert(0, str(Path(__file__).resolve().parent))
        import needs

        needs.URLS.clear()
        needs.URLS.update(URLS)
        # Each request runs in a fresh thread: close its database connection when it ends,
        # or the threads' idle connections exhaust PostgreSQL's max_connections.
        needs.SERVER = needs.SERVER.replace(
            "    def log_message(self, *args): pass",
            "    def log_message(self, *args): pass\n"
            "    def handle(self):\n"
            "        try:\n"
            "            super().handle()\n"
            "        finally:\n"
            "            from django.db import connections\n"
            "            connections.close_all()",
        )
        result["dashboard"] = needs.latency(env, clients=args.clients, rounds=args.rounds)
    return result


def database(args) -> dict:
    if args.child:
        return database_child(args.database, args)
    root = Path(__file__).resolve().parent.parent
    cmd = [sys.executable, __file__, "--child", "--database", args.database,
           "--families", str(args.families), "--interventions", str(args.interventions),
           "--programmes", str(args.programmes), "--clients", str(args.clients),
           "--rounds", str(args.rounds)]
    with tempfile.TemporaryDirectory() as var:
        env = {**os.environ, "KONVERGEN_VAR_DIR": var}
        env.pop("DATABASE_URL", None)
        if args.database == "postgresql":
            cmd = [sys.executable, str(root / "scripts" / "with_postgres.py"), "--", *cmd]
        out = subprocess.run(cmd, env=env, capture_output=True, text=True, cwd=root)
        if out.returncode:
            sys.exit(out.stdout + out.stderr)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--families", type=int, default=1_000_000)
    parser.add_argument("--interventions", type=int, default=5_000_000)
    parser.add_argument("--programmes", type=int, default=40)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--database", choices=["sqlite", "postgresql"])
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--rounds", type=int, default=25)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.database:
        print(json.dumps(database(args)), flush=True)
        return
    started = time.perf_counter()
    fam, prog, iv = synthetic(args.families, args.interventions, args.programmes)
    print(f"generated in {time.perf_counter() - started:.1f} s")
    config = ConvergenceConfig(need_codes=NEEDS)
    times = []
    for _ in range(args.repeat):
        t0 = time.perf_counter()
        result = compute(fam, prog, iv, config=config)
        times.append(time.perf_counter() - t0)
    kab = result.regions.filter(pc.equal(result.regions["region_code"], "32.04")).to_pylist()[0]
    print(f"| families | interventions | programmes | engine (s), best of {args.repeat} |"
          " target | reached | unreached | overlap |")
    print("|---:|---:|---:|---:|---:|---:|---:|---:|")
    print(f"| {args.families:,} | {args.interventions:,} | {args.programmes} | "
          f"{min(times):.1f} | {kab['target_families']:,} | {kab['reached_families']:,} | "
          f"{kab['unreached_families']:,} | {kab['overlap_families']:,} |")


if __name__ == "__main__":
    main()
