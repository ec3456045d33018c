"""Benchmark the synthetic-region generator (``konvergen synth``) end to end.

Simulates Kabupaten Bandung (32.04: its 280 desa from ``../shared/data/wilayah`` when present,
otherwise a made-up table of the same shape), writes every file to a temporary folder, and
reports wall time, families and persons per second and peak RSS. Each size runs in its own
process so the peak RSS belongs to that size alone.

Usage::

    .venv/bin/python benchmarks/synth.py                  # 100k and 1M families
    .venv/bin/python benchmarks/synth.py --families 50000
"""

import argparse
import csv
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pyarrow as pa

ROOT = Path(__file__).resolve().parents[1]
WILAYAH = ROOT.parent / "shared" / "data" / "wilayah" / "wilayah.csv"


def desa_table(kab: str = "32.04") -> pa.Table:
    rows, names = [], {}
    if WILAYAH.exists():
        with WILAYAH.open(encoding="utf-8") as f:
            for row in csv.DictReader(f):
                code = row["kode"]
                if code == kab or code.startswith(kab + ".") or code == kab[:2]:
                    names[code] = row["nama"].strip()
                    if code.count(".") == 3:
                        rows.append(code)
    if not rows:  # same shape as Kabupaten Bandung: 31 kecamatan, 280 desa
        rows = [f"{kab}.{5 + i // 9:02d}.{2001 + i % 9}" for i in range(280)]
    kec = [c.rsplit(".", 1)[0] for c in rows]
    n = len(rows)
    return pa.table({
        "code": rows, "name": [names.get(c, c) for c in rows], "kecamatan_code": kec,
        "kecamatan_name": [names.get(k, k) for k in kec], "kabkota_code": [kab] * n,
        "kabkota_name": [names.get(kab, "Kabupaten Bandung")] * n,
        "province_code": [kab[:2]] * n, "province_name": [names.get(kab[:2], "Jawa Barat")] * n,
    })


def run_one(families: int) -> dict:
    sys.path.insert(0, str(ROOT))
    from konvergen.synth.engine import SynthParams, synthesise, write_synthesis

    table = desa_table()
    params = SynthParams(region_code="32.04", families=families, seed=1, p0_percent=7.15,
                         poverty_line=378819, figures_year=2021)
    with tempfile.TemporaryDirectory() as out:
        t0 = time.perf_counter()
        result = synthesise(table, params)
        t1 = time.perf_counter()
        manifest = write_synthesis(result, Path(out))
        t2 = time.perf_counter()
        size_mb = sum(p.stat().st_size for p in Path(out).iterdir()) / 1e6
    counts = manifest["counts"]
    return {
        "families": families, "persons": counts["persons"],
        "register_families": counts["register_families"],
        "list_rows": sum(v["rows"] for v in manifest["lists"].values()),
        "simulate_s": round(t1 - t0, 2), "write_s": round(t2 - t1, 2),
        "wall_s": round(t2 - t0, 2),
        "families_per_s": round(families / (t2 - t0)),
        "persons_per_s": round(counts["persons"] / (t2 - t0)),
        "output_mb": round(size_mb, 1),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        "achieved_p0": manifest["calibration"]["achieved_p0_percent"],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--families", type=int, action="append",
                        help="Size(s) to run (default: 100000 and 1000000).")
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(run_one(args.one)))
        return
    print(f"{'families':>10} {'persons':>10} {'lists':>9} {'wall s':>7} {'write s':>7} "
          f"{'fam/s':>8} {'pers/s':>9} {'MB out':>7} {'peak RSS MB':>11}")
    for n in args.families or [100_000, 1_000_000]:
        done = subprocess.run([sys.executable, __file__, "--one", str(n)], check=True,
                              capture_output=True, text=True)
        r = json.loads(done.stdout.strip().splitlines()[-1])
        print(f"{r['families']:>10,} {r['persons']:>10,} {r['list_rows']:>9,} "
              f"{r['wall_s']:>7} {r['write_s']:>7} {r['families_per_s']:>8,} "
              f"{r['persons_per_s']:>9,} {r['output_mb']:>7} {r['peak_rss_mb']:>11,}")


if __name__ == "__main__":
    main()
