"""Benchmark: generating the LP2KD (annual poverty report) of a large kabupaten.

    .venv/bin/python benchmarks/lp2kd.py                       # 1M families (slow set-up)
    .venv/bin/python benchmarks/lp2kd.py --families 20000      # a quick check

Sets up Kabupaten Bandung (32.04) on a fresh SQLite database the way a region is filled:
the synthetic register of ``--families`` families (``import_register.synth``: every desil,
~3.5 persons a family) imported with ``import-register`` (welfare and convergence follow,
as after any import); the demo organisations and accounts (``demo-setup``); ``--agencies``
action plans of ``--items`` items with four quarters of realisation (the meeting-pack
benchmark's seed); ``--programmes`` programmes of those organisations with
``--interventions`` interventions per family on average (bulk rows, as the convergence
benchmark writes them) and the convergence refreshed; indicators and targets
(``demo-targets``); and, when the shared reference data is beside the checkout, the
kecamatan boundaries (for the map). The set-up of 1M families takes many minutes; only the
generation is measured.

The measurement runs in its own process under ``/usr/bin/time``: create the LP2KD of 2026
(default outline) and generate it as the secretariat does (``services.report_generate``
with the job run inline: the document built from the data, then the PDF, DOCX and preview
rendered and written with their checksums). Reports wall time, the time to build the
document and to render it, peak RSS, pages and file sizes, as JSON and a Markdown row.
The issue's bound: 1M families in ≤ 60 s and ≤ 2 GB.
"""

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from import_register import konvergen, prepare_database, run, synth
from meeting_pack import SEED as SEED_PLANS

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
BOUNDARIES = ROOT.parent / "shared" / "data" / "boundaries" / "kecamatan.geojson"

SEED_PROGRAMMES = r"""
import os, django
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "konvergen.settings")
django.setup()
import numpy as np, pyarrow as pa
from decimal import Decimal
from django.db import connection, transaction
from konvergen.convergence.services import convergence_refresh
from konvergen.organisations.models import Organisation
from konvergen.programs.models import Intervention, Programme
from konvergen.regions.models import Region
from konvergen.core.bulk import insert_table
from konvergen.registry.models import Family
from konvergen.welfare.models import WelfareRun

PROGRAMMES, PER_FAMILY = int(os.environ["PROGRAMMES"]), float(os.environ["PER_FAMILY"])
rng = np.random.default_rng(1)
region = Region.objects.get(code="32.04")
orgs = list(Organisation.objects.filter(region=region).exclude(kind="secretariat"))
needs = [i["code"] for i in WelfareRun.objects.latest("computed_at").indicators]
strategies = ["burden", "income", "umkm", "synergy", "pockets"]
stages, funding = ["charity", "individual", "group"], ["apbn", "apbd_regency", "csr", "zis"]
sectors = ["food", "housing", "wash", "health", "education", "employment", "umkm"]
with transaction.atomic():
    programmes = Programme.objects.bulk_create([Programme(
        code=f"bench-{n}", name=f"Program Uji {n}", organisation=orgs[n % len(orgs)],
        region=region, strategy=strategies[n % 5], stage=stages[n % 3],
        sector=sectors[n % len(sectors)], funding_source=funding[n % 4],
        needs=list(rng.choice(needs, 2, replace=False)), budget=Decimal(1_000_000_000),
        year_start=2026, year_end=2026) for n in range(PROGRAMMES)])
    ids = np.array(Family.objects.filter(dataset__region=region, is_current=True)
                   .values_list("id", flat=True), dtype=np.int64)
    m = int(len(ids) * PER_FAMILY)
    pks = np.array([p.pk for p in programmes], dtype=np.int64)
    insert_table(connection, Intervention._meta.db_table, pa.table({
        "programme_id": pks[rng.integers(0, len(pks), m)],
        "family_id": ids[rng.integers(0, len(ids), m)],
        "year": pa.array([2026] * m, pa.int64()),
        "status": pa.array(np.array(["delivered", "completed", "planned"])[
            rng.choice(3, m, p=[0.6, 0.25, 0.15])]),
        "value": rng.integers(1, 50, m).astype(np.float64) * 100_000,
        "created_at": pa.array(["2026-06-30 00:00:00+00:00"] * m),
    }))
convergence_refresh(region_code="32.04")
print(len(programmes), m)
"""

BOUNDARIES_SEED = r"""
import json, os, sys, django
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "konvergen.settings")
django.setup()
from konvergen.regions.models import Region
features = json.load(open(sys.argv[1]))["features"]
n = 0
for f in features:
    if f["properties"]["kode"].startswith("32.04."):
        n += Region.objects.filter(code=f["properties"]["kode"]).update(
            geometry=json.dumps(f["geometry"]))
print(n)
"""

GENERATE = r"""
import json, os, time, django
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "konvergen.settings")
os.environ["KONVERGEN_JOB_RUNNER"] = "inline"
django.setup()
from django.conf import settings
settings.KONVERGEN_JOB_RUNNER = "inline"
from django.contrib.auth import get_user_model
from pypdf import PdfReader
from konvergen.regions.models import Region
from konvergen.reports import build, services

timings = {}

def timed(name, func):
    def wrapper(*args, **kwargs):
        start = time.perf_counter()
        try:
            return func(*args, **kwargs)
        finally:
            timings[name] = round(time.perf_counter() - start, 2)
    return wrapper

build.build_document = timed("build_s", build.build_document)
build.render = timed("render_s", build.render)
start = time.perf_counter()
user = get_user_model().objects.get(username="tkpk")
report = services.report_create(region=Region.objects.get(code="32.04"), year=2026,
                                acting_user=user)
generation = services.report_generate(report=report, acting_user=user)
total = time.perf_counter() - start
if generation.status != "done":
    raise SystemExit(generation.error)
print(json.dumps({**timings, "generate_s": round(total, 2), "seconds": generation.seconds,
                  "pages": len(PdfReader(generation.pdf_path).pages),
                  "pdf_kb": generation.pdf_size // 1024,
                  "docx_kb": generation.docx_size // 1024}))
"""


def step(label: str, cmd: list[str], env: dict) -> float:
    start = time.perf_counter()
    run(cmd, env)
    seconds = time.perf_counter() - start
    print(f"  {label}: {seconds:.1f} s", file=sys.stderr, flush=True)
    return seconds


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--families", type=int, default=1_000_000)
    parser.add_argument("--agencies", type=int, default=40)
    parser.add_argument("--items", type=int, default=25)
    parser.add_argument("--programmes", type=int, default=40)
    parser.add_argument("--interventions", type=float, default=2.0,
                        help="interventions per family, on average")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as var:
        env = {**os.environ, "KONVERGEN_VAR_DIR": var,
               "DJANGO_SETTINGS_MODULE": "konvergen.settings", "KONVERGEN_LOG_LEVEL": "WARNING",
               "KONVERGEN_JOB_RUNNER": "inline"}
        env.pop("DATABASE_URL", None)
        print(f"set-up of {args.families:,} families in {var}", file=sys.stderr, flush=True)
        prepare_database(env)
        folder = synth(args.families, env)
        setup = step("import-register", konvergen(
            "import-register", "--region", "32.04", "--snapshot-date", "2026-01-15",
            "--families", str(folder / "p3ke_keluarga.csv"),
            "--members", str(folder / "p3ke_anggota_keluarga.csv")), env)
        setup += step("demo-setup", konvergen("demo-setup", "--region", "32.04"), env)
        setup += step("plans", [PY, "-c", SEED_PLANS], {
            **env, "AGENCIES": str(args.agencies), "ITEMS": str(args.items)})
        setup += step("programmes and convergence", [PY, "-c", SEED_PROGRAMMES], {
            **env, "PROGRAMMES": str(args.programmes), "PER_FAMILY": str(args.interventions)})
        setup += step("demo-targets", konvergen("demo-targets", "--region", "32.04"), env)
        if BOUNDARIES.exists():
            setup += step("boundaries", [PY, "-c", BOUNDARIES_SEED, str(BOUNDARIES)], env)
        wall, rss, out, _log = run([PY, "-c", GENERATE], env)
    result = {"families": args.families, "agencies": args.agencies,
              "items": args.agencies * args.items, "programmes": args.programmes,
              "interventions": int(args.families * args.interventions),
              "setup_s": round(setup, 1), "wall_s": round(wall, 1),
              "peak_rss_mb": round(rss), **json.loads(out.strip().splitlines()[-1])}
    print(json.dumps(result), flush=True)
    print("\n| families | plan items | interventions | generation, process wall (s) |"
          " build (s) | render (s) | peak RSS (MB) | pages | PDF (KB) | DOCX (KB) |")
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    print(f"| {result['families']:,} | {result['items']:,} | {result['interventions']:,} |"
          f" {result['wall_s']} | {result['build_s']} | {result['render_s']} |"
          f" {result['peak_rss_mb']:,} | {result['pages']} | {result['pdf_kb']:,} |"
          f" {result['docx_kb']:,} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
