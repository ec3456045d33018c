"""Benchmark: a second source's export of the same families imported onto a register.

    .venv/bin/python benchmarks/second_source.py                        # 1M onto 1M, PostgreSQL
    .venv/bin/python benchmarks/second_source.py --sizes 100000 --backends sqlite postgresql

For each size N the synthetic generator writes a P3KE register of N families and, for the
same families, a DTSEN export with its own IDs and the generator's default noise (a few KK
numbers renewed, a few NIK typos, a few families missing: see docs/synth.md). The P3KE
register is imported first (not measured); then the DTSEN import is measured in its own
process under ``/usr/bin/time`` (wall time, peak RSS): reading and validating, linking every
family and person onto the register (source IDs are all new, so every identity goes through
the cross-source match), storing the records and aliases, and the after-import hooks
(welfare on the unified register, convergence refresh). The linking error is measured
against the generator's ground truth (which DTSEN family is which P3KE family).

Prints one JSON line a measurement and a Markdown table; ``docs/benchmarks.md`` quotes it.
"""

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from import_register import konvergen, prepare_database, run

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
OUT = ROOT / "benchmarks" / "out"


def synth(n: int, env: dict) -> Path:
    folder = OUT / f"two-sources-{n}"
    if not (folder / "manifest.json").exists() or not (folder / "dtsen_keluarga.csv").exists():
        run(konvergen("synth", "--region", "32.04", "--families", str(n), "--max-desil", "10",
                      "--seed", "1", "--dtsen", "--out", str(folder), "--force", "-v0"), env)
    return folder


LINK_ERROR_SQL = """
SELECT
  (SELECT COUNT(*) FROM registry_family WHERE is_current) AS current_families,
  (SELECT COUNT(*) FROM registry_person WHERE is_current) AS current_persons,
  (SELECT COUNT(*) FROM registry_familyalias) AS family_aliases,
  (SELECT COUNT(*) FROM registry_personalias) AS person_aliases
"""


def measure(backend: str, n: int, folder: Path, env: dict) -> dict:
    prepare_database(env)
    run(konvergen("import-register", "--region", "32.04", "--snapshot-date", "2026-01-15",
                  "--source", "p3ke", "--json",
                  "--families", str(folder / "p3ke_keluarga.csv"),
                  "--members", str(folder / "p3ke_anggota_keluarga.csv")), env)
    wall, rss, out, log = run(konvergen(
        "import-register", "--region", "32.04", "--snapshot-date", "2026-03-01",
        "--source", "dtsen", "--json",
        "--families", str(folder / "dtsen_keluarga.csv"),
        "--members", str(folder / "dtsen_anggota_keluarga.csv")), env)
    summary = json.loads(out)
    stages: dict[str, float] = {}
    for seconds, stage in re.findall(r"([\d.]+)s import [^:]+: (\w+)", log):
        stages.setdefault(stage, float(seconds))
    overhead = wall - stages["done"]
    rows = summary["families_accepted"] + summary["persons_accepted"]
    check = subprocess.run(
        [PY, str(ROOT / "benchmarks" / "second_source.py"), "--check", str(folder)],
        env=env, stdout=subprocess.PIPE, text=True, check=True).stdout.strip().splitlines()[-1]
    return {"backend": backend, "register_families": n,
            "families": summary["families_accepted"], "persons": summary["persons_accepted"],
            "families_linked": summary["families_linked"],
            "persons_linked": summary["persons_linked"],
            "seconds": round(wall, 1), "rows_per_s": round(rows / wall),
            "peak_rss_mb": round(rss),
            "committed_s": round(stages["computing"] + overhead, 1),
            "hooks_s": round(stages["done"] - stages["computing"], 1),
            **json.loads(check)}


def check(folder: Path) -> dict:
    """Linking error against the generator's ground truth, and the register's counts."""
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "konvergen.settings")
    django.setup()
    import pyarrow.csv as pacsv
    from django.db import connection

    from konvergen.core import bulk

    truth = pacsv.read_csv(folder / "dtsen_truth.csv", convert_options=pacsv.ConvertOptions(
        column_types={"ID DTSEN": "string", "ID Keluarga P3KE": "string"},
        strings_can_be_null=True)).to_pydict()
    expected = {d: p for d, p in zip(truth["ID DTSEN"], truth["ID Keluarga P3KE"], strict=True)
                if d}
    got = bulk.fetch_arrow(connection, """
        SELECT a.source_id AS dtsen, f.source_id AS p3ke FROM registry_familyalias a
        JOIN registry_family f ON f.id = a.family_id WHERE a.source = 'dtsen'""").to_pydict()
    linked = dict(zip(got.get("dtsen", []), got.get("p3ke", []), strict=True))
    wrong = sum(1 for d, p in linked.items() if expected.get(d) != p)
    missed = sum(1 for d in expected if d not in linked)
    with connection.cursor() as cursor:
        cursor.execute(LINK_ERROR_SQL)
        counts = dict(zip([c[0] for c in cursor.description], cursor.fetchone(), strict=True))
    return {"false_links": wrong, "missed_links": missed,
            "link_error_pct": round(100 * (wrong + missed) / max(len(expected), 1), 3),
            **counts}


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000_000])
    parser.add_argument("--backends", nargs="+", default=["postgresql"])
    args = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    results = []
    with tempfile.TemporaryDirectory() as var:
        base_env = {**os.environ, "KONVERGEN_VAR_DIR": var,
                    "DJANGO_SETTINGS_MODULE": "konvergen.settings"}
        base_env.pop("DATABASE_URL", None)
        prepare_database(base_env)
        folders = {n: synth(n, base_env) for n in args.sizes}
    for n in args.sizes:
        for backend in args.backends:
            with tempfile.TemporaryDirectory() as var:
                env = {**os.environ, "KONVERGEN_VAR_DIR": var,
                       "DJANGO_SETTINGS_MODULE": "konvergen.settings"}
                env.pop("DATABASE_URL", None)
                if backend == "sqlite":
                    result = measure(backend, n, folders[n], env)
                else:
                    result = json.loads(subprocess.run(
                        [PY, str(ROOT / "scripts" / "with_postgres.py"), "--", PY, __file__,
                         "--child", str(n), str(folders[n])],
                        env=env, stdout=subprocess.PIPE, text=True, check=True).stdout
                        .strip().splitlines()[-1])
            results.append(result)
            print(json.dumps(result), flush=True)
    print("\n| backend | register | DTSEN families | persons | linked families / persons |"
          " time (s) | rows/s | peak RSS (MB) | committed (s) | hooks (s) |"
          " link error (false + missed) | current families |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|")
    for r in results:
        print(f"| {r['backend']} | {r['register_families']:,} | {r['families']:,} |"
              f" {r['persons']:,} | {r['families_linked']:,} / {r['persons_linked']:,} |"
              f" {r['seconds']} | {r['rows_per_s']:,} | {r['peak_rss_mb']:,} |"
              f" {r['committed_s']} | {r['hooks_s']} |"
              f" {r['link_error_pct']} % ({r['false_links']} + {r['missed_links']}) |"
              f" {r['current_families']:,} |")
    return 0


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--child":  # inside the throwaway PostgreSQL
        env = {**os.environ, "DJANGO_SETTINGS_MODULE": "konvergen.settings"}
        print(json.dumps(measure("postgresql", int(sys.argv[2]), Path(sys.argv[3]), env)))
        sys.exit(0)
    if len(sys.argv) > 1 and sys.argv[1] == "--check":
        print(json.dumps(check(Path(sys.argv[2]))))
        sys.exit(0)
    sys.exit(main())
