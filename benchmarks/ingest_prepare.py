"""Benchmark ``prepare_register`` on synthetic P3KE-layout CSV pairs.

Generates a family file and a member file of N families (about 3.6 members each) with numpy
and pyarrow, independent of the synthetic-data package, with ~1 % of rows made dirty
(malformed NIKs, unknown codes, moved NIK prefixes), then times the pipeline and reports
wall time, CPU time, rows per second and peak RSS.

Usage::

    .venv/bin/python benchmarks/ingest_prepare.py              # 100k and 1M families
    .venv/bin/python benchmarks/ingest_prepare.py --families 50000
"""

import argparse
import datetime as dt
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

N_DESA = 400
ROOFS = ["Genteng", "Beton", "Asbes/Seng", "Kayu/Sirap", "Bambu", "Jerami/Ijuk/Rumbia/Daun-daunan"]
WALLS = ["Tembok", "Kayu/Papan", "Anyaman Bambu", "Bambu"]
FLOORS = ["Keramik", "Ubin/Tegel/Teraso", "Semen/Bata Merah", "Kayu/Papan", "Tanah"]
LIGHT = ["Listrik PLN dengan Meteran", "Listrik PLN tanpa Meteran", "Bukan Listrik"]
FUEL = ["Gas 3 kg", "Kayu Bakar", "Minyak Tanah", "Listrik"]
WATER = ["Air Isi Ulang", "Sumur Bor/Pompa", "Sumur Terlindung", "Leding Meteran"]
TOILET = ["Ada, Digunakan Sendiri", "Ada, di MCK Umum", "Tidak Ada"]
OWN = ["Milik Sendiri", "Kontrak/Sewa", "Bebas Sewa"]
YN = ["Ya", "Tidak"]
EDU = ["Tidak/Belum Sekolah", "Tamat SD/Sederajat", "SLTP/Sederajat", "SLTA/Sederajat"]
JOBS = ["Petani", "Buruh Harian Lepas", "Pedagang", "Tidak Bekerja", "Pelajar/Mahasiswa"]


def _pick(rng, options, n, dirty=0.0):
    values = np.asarray(options, dtype=object)[rng.integers(0, len(options), n)]
    if dirty:
        values[rng.random(n) < dirty] = "Tidak Tahu"
    return pa.array(values, type=pa.string())


def _digits(values, width):
    return pc.utf8_lpad(pc.cast(pa.array(values), pa.string()), width, "0")


def _join(*parts, sep=""):
    return pc.binary_join_element_wise(*parts, sep)


def generate(n_families: int, directory: Path, seed: int = 7) -> tuple[Path, Path, set[str]]:
    """Write ``keluarga.csv`` and ``anggota.csv`` and return them with the desa codes."""
    rng = np.random.default_rng(seed)
    kec = rng.integers(1, 40, N_DESA)
    desa = rng.integers(1, 30, N_DESA) + 2000
    kec6 = _join(pa.array(["3204"] * N_DESA), _digits(kec, 2))
    codes = _join(pa.array(["32.04."] * N_DESA), _digits(kec, 2), pa.array(["."] * N_DESA),
                  _digits(desa, 4))
    region_of_family = rng.integers(0, N_DESA, n_families)
    fam_kec6 = pc.take(kec6, pa.array(region_of_family))
    family_ids = _join(pa.array(["P3KE"] * n_families), _digits(np.arange(n_families), 9))

    sizes = rng.integers(1, 7, n_families)  # 1..6, mean 3.5
    n_members = int(sizes.sum())
    member_family = np.repeat(np.arange(n_families), sizes)
    first = np.r_[0, np.cumsum(sizes)[:-1]]
    position = np.arange(n_members) - np.repeat(first, sizes)
    female = rng.random(n_members) < 0.5
    born = (np.datetime64("1940-01-01") + rng.integers(0, 30000, n_members)).astype("M8[D]")
    years = born.astype("M8[Y]").astype(int) + 1970
    months = born.astype("M8[M]").astype(int) % 12 + 1
    days = (born - born.astype("M8[M]").astype("M8[D]")).astype(int) + 1
    nik_day = days + 40 * female
    mem_kec6 = pc.take(fam_kec6, pa.array(member_family))
    moved = rng.random(n_members) < 0.01
    mem_kec6 = pc.if_else(pa.array(moved), pa.scalar("320499"), mem_kec6)
    nik = _join(mem_kec6, _digits(nik_day, 2), _digits(months, 2), _digits(years % 100, 2),
                _digits(rng.integers(1, 9999, n_members), 4))
    bad_nik = rng.random(n_members) < 0.005
    nik = pc.if_else(pa.array(bad_nik), pc.utf8_slice_codeunits(nik, 0, 15), nik)
    relation = np.where(position == 0, "Kepala Keluarga",
                        np.where(position == 1, "Istri/Suami", "Anak"))
    head_index = first
    kk = _join(fam_kec6, _digits(rng.integers(1, 999999, n_families), 6),
               _digits(rng.integers(1, 9999, n_families), 4))

    members = pa.table({
        "ID Keluarga P3KE": pc.take(family_ids, pa.array(member_family)),
        "ID Individu": _join(pa.array(["IND"] * n_members), _digits(np.arange(n_members), 10)),
        "Nama": _join(pa.array(["WARGA"] * n_members), _digits(np.arange(n_members), 7),
                      sep=""),
        "NIK": nik,
        "Padan Dukcapil": _pick(rng, YN, n_members),
        "Jenis Kelamin": pa.array(np.where(female, "Perempuan", "Laki-laki")),
        "Hubungan dengan Kepala Keluarga": pa.array(relation),
        "Tanggal Lahir": _join(_digits(days, 2), _digits(months, 2), _digits(years, 4),
                               sep="-"),
        "Status Kawin": _pick(rng, ["Kawin", "Belum Kawin", "Cerai Mati"], n_members),
        "Pekerjaan": _pick(rng, JOBS, n_members),
        "Pendidikan": _pick(rng, EDU, n_members, dirty=0.01),
    })
    families = pa.table({
        "ID Keluarga P3KE": family_ids,
        "Provinsi": pa.array(["JAWA BARAT"] * n_families),
        "Kabupaten/Kota": pa.array(["KAB. BANDUNG"] * n_families),
        "Kode Kemdagri": pc.replace_substring(pc.take(codes, pa.array(region_of_family)),
                                              ".", ""),
        "Alamat": _join(pa.array(["KP. SUKAMAJU RT 00"] * n_families),
                        _digits(rng.integers(1, 9, n_families), 1)),
        "No KK": kk,
        "Kepala Keluarga": pc.take(members["Nama"], pa.array(head_index)),
        "NIK": pc.take(nik, pa.array(head_index)),
        "Desil Kesejahteraan": _digits(rng.integers(1, 11, n_families), 1),
        "Kepemilikan Rumah": _pick(rng, OWN, n_families),
        "Jenis Atap": _pick(rng, ROOFS, n_families, dirty=0.01),
        "Jenis Dinding": _pick(rng, WALLS, n_families),
        "Jenis Lantai": _pick(rng, FLOORS, n_families),
        "Sumber Penerangan": _pick(rng, LIGHT, n_families),
        "Bahan Bakar Memasak": _pick(rng, FUEL, n_families),
        "Sumber Air Minum": _pick(rng, WATER, n_families),
        "Memiliki Fasilitas Buang Air Besar": _pick(rng, TOILET, n_families),
        "Memiliki Simpanan Uang/Perhiasan/Ternak/Lainnya": _pick(rng, YN, n_families),
        "Penerima BPNT": _pick(rng, YN, n_families),
        "Penerima BPUM": _pick(rng, YN, n_families),
        "Penerima BST": _pick(rng, YN, n_families),
        "Penerima PKH": _pick(rng, YN, n_families),
        "Penerima SEMBAKO": _pick(rng, YN, n_families),
        "Resiko Stunting": _pick(rng, YN, n_families),
    })
    families_path, members_path = directory / "keluarga.csv", directory / "anggota.csv"
    options = pacsv.WriteOptions(delimiter=";", quoting_style="needed")
    pacsv.write_csv(families, families_path, write_options=options)
    pacsv.write_csv(members, members_path, write_options=options)
    return families_path, members_path, set(codes.to_pylist())


def run_once(n_families: int) -> None:
    """Generate, then time ``prepare_register`` in a fresh process for a clean peak RSS."""
    with tempfile.TemporaryDirectory() as tmp:
        families_path, members_path, _ = generate(n_families, Path(tmp))
        sizes = families_path.stat().st_size + members_path.stat().st_size
        subprocess.run(
            [sys.executable, __file__, "--measure", str(families_path), str(members_path),
             str(n_families), str(sizes)],
            check=True,
        )


def measure(families_path: str, members_path: str, n_families: int, size: int) -> None:
    from konvergen.registry.ingest import prepare_register

    codes = generate_codes()
    rss_before = _peak_rss_mb()
    wall, cpu = time.perf_counter(), time.process_time()
    result = prepare_register(families_path, members_path, valid_region_codes=codes,
                              snapshot_date=dt.date(2025, 6, 30))
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    peak = _peak_rss_mb()
    rows = result.counts["families_read"] + result.counts["members_read"]
    print(
        f"{n_families:>9,} families {result.counts['members_read']:>10,} members "
        f"({size / 1e6:,.0f} MB CSV): wall {wall:6.1f} s, CPU {cpu:6.1f} s, "
        f"{rows / wall:,.0f} rows/s, peak RSS {peak:,.0f} MB (baseline {rss_before:,.0f} MB); "
        f"accepted {result.counts['families_accepted']:,} / {result.counts['members_accepted']:,},"
        f" rejections {result.counts['rejections']:,}, flags {result.counts['flags']:,}"
    )


def _peak_rss_mb() -> float:
    """Peak resident set of this process (VmHWM; unlike ru_maxrss it resets on exec)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def generate_codes() -> set[str]:
    rng = np.random.default_rng(7)
    kec = rng.integers(1, 40, N_DESA)
    desa = rng.integers(1, 30, N_DESA) + 2000
    return {f"32.04.{k:02d}.{d:04d}" for k, d in zip(kec, desa, strict=True)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--families", type=int, nargs="*", default=[100_000, 1_000_000])
    parser.add_argument("--measure", nargs=4, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        measure(args.measure[0], args.measure[1], int(args.measure[2]), int(args.measure[3]))
        return
    for n in args.families:
        run_once(n)


if __name__ == "__main__":
    main()
