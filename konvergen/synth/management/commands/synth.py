"""``konvergen synth --region 32.04 --families N --seed S --out DIR``: a synthetic demo region.

Reads the desa of the kab/kota from the region list in the database and hands them to the
engine (:mod:`konvergen.synth.engine`), which writes a P3KE-style register, programme
beneficiary lists with realistic errors, their truth files and ``manifest.json``.
"""

import datetime as dt
import time
from pathlib import Path

import pyarrow as pa
from django.core.management.base import BaseCommand, CommandError

from konvergen.regions.codes import descendant_prefix, normalise_code, province_of
from konvergen.regions.models import Level, Region
from konvergen.synth.engine import (
    ERROR_KINDS,
    DtsenNoise,
    SynthParams,
    synthesise,
    write_synthesis,
)
from konvergen.synth.figures import FIGURES

REGIONS_NOT_LOADED = (
    "Daftar wilayah belum dimuat / The region list is not loaded: run `konvergen regions load`"
)
NOT_A_KABKOTA = "{code}: bukan kode kabupaten/kota yang aktif / not an active kab/kota code"
NO_DESA = "{code}: tidak ada desa/kelurahan aktif / no active desa/kelurahan"
NO_FIGURES = (
    "{code}: tidak ada angka kemiskinan bawaan; berikan --p0 dan --poverty-line / "
    "no built-in poverty figures; pass --p0 and --poverty-line"
)
BAD_ERROR_RATE = "--error-rate {value}: gunakan JENIS=ANGKA / use KIND=RATE ({detail})"
BAD_DTSEN_NOISE = "--dtsen-noise {value}: gunakan JENIS=ANGKA / use KIND=RATE ({detail})"
OUT_NOT_EMPTY = (
    "{path} sudah berisi file; gunakan --force untuk menimpa / "
    "already contains files; use --force to overwrite"
)


def _error_rate(value: str) -> tuple[str, float]:
    kind, sep, rate = value.partition("=")
    if not sep or kind not in ERROR_KINDS:
        raise CommandError(BAD_ERROR_RATE.format(
            value=value, detail="kinds: " + ", ".join(ERROR_KINDS)))
    try:
        return kind, float(rate)
    except ValueError as exc:
        raise CommandError(BAD_ERROR_RATE.format(value=value, detail=exc)) from exc


def _dtsen_noise(values: list[str]) -> DtsenNoise:
    rates = {}
    for value in values:
        kind, sep, rate = value.partition("=")
        if not sep or kind not in DtsenNoise.kinds():
            raise CommandError(BAD_DTSEN_NOISE.format(
                value=value, detail="kinds: " + ", ".join(DtsenNoise.kinds())))
        try:
            rates[kind] = float(rate)
        except ValueError as exc:
            raise CommandError(BAD_DTSEN_NOISE.format(value=value, detail=exc)) from exc
    try:
        return DtsenNoise(**rates)
    except ValueError as exc:
        raise CommandError(BAD_DTSEN_NOISE.format(value=", ".join(values), detail=exc)) from exc


def desa_table(code: str) -> tuple[pa.Table, Region]:
    """The active desa/kelurahan of a kab/kota, in the engine's desa-table layout."""
    if not Region.objects.exists():
        raise CommandError(REGIONS_NOT_LOADED)
    kab = Region.objects.filter(code=code, level=Level.KABKOTA, is_active=True).first()
    if kab is None:
        raise CommandError(NOT_A_KABKOTA.format(code=code))
    province = Region.objects.get(code=province_of(code))
    desa = list(Region.objects.filter(is_active=True, level=Level.DESA,
                                      code__startswith=descendant_prefix(code))
                .order_by("code").values_list("code", "name", "parent_id"))
    if not desa:
        raise CommandError(NO_DESA.format(code=code))
    kec_names = dict(Region.objects.filter(code__in={p for _, _, p in desa})
                     .values_list("code", "name"))
    n = len(desa)
    table = pa.table({
        "code": [c for c, _, _ in desa], "name": [name for _, name, _ in desa],
        "kecamatan_code": [p for _, _, p in desa],
        "kecamatan_name": [kec_names.get(p, p) for _, _, p in desa],
        "kabkota_code": [kab.code] * n, "kabkota_name": [kab.name] * n,
        "province_code": [province.code] * n, "province_name": [province.name] * n,
    })
    return table, kab


class Command(BaseCommand):
    help = ("Write a synthetic P3KE register and programme lists for a real kab/kota "
            "(demo and test data).")

    def add_arguments(self, parser):
        parser.add_argument("--region", required=True, help="Kab/kota code, e.g. 32.04.")
        parser.add_argument("--families", type=int, default=20_000,
                            help="Families simulated in the region (the register holds the "
                                 "poorer part). Default 20000.")
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--out", type=Path, required=True, help="Output folder.")
        parser.add_argument("--p0", type=float,
                            help="Target headcount poverty rate, percent of persons.")
        parser.add_argument("--poverty-line", type=float,
                            help="Poverty line, Rp per capita per month.")
        parser.add_argument("--layout", choices=("dtks", "p3ke"), default="dtks",
                            help="p3ke leaves out the DTKS detail columns.")
        parser.add_argument("--as-of", type=dt.date.fromisoformat, default=dt.date(2025, 6, 30),
                            help="Reference date of the register (YYYY-MM-DD).")
        parser.add_argument("--max-desil", type=int, default=4,
                            help="Register holds families up to this desil (default 4).")
        parser.add_argument("--error-rate", action="append", default=[], metavar="KIND=RATE",
                            help="Override an error rate in every list, e.g. missing_nik=0.2.")
        parser.add_argument("--list-scale", type=float, default=1.0,
                            help="Multiply every programme's size.")
        parser.add_argument("--dtsen", action="store_true",
                            help="Also write a DTSEN export of the same families "
                                 "(dtsen_keluarga.csv, dtsen_anggota_keluarga.csv) with other "
                                 "IDs, a DTSEN desil, seeded noise and truth files.")
        parser.add_argument("--dtsen-noise", action="append", default=[], metavar="KIND=RATE",
                            help="DTSEN noise: kk_changed, nik_typo, family_missing, "
                                 "desil_changed (e.g. kk_changed=0.02).")
        parser.add_argument("--force", action="store_true",
                            help="Write even if the folder already has files.")

    def handle(self, *args, region, families, seed, out, p0, poverty_line, layout, as_of,
               max_desil, error_rate, list_scale, dtsen, dtsen_noise, force, **opts):
        code = normalise_code(region)
        if code is None or code.count(".") != 1:
            raise CommandError(NOT_A_KABKOTA.format(code=region))
        overrides = dict(_error_rate(v) for v in error_rate)
        noise = _dtsen_noise(dtsen_noise)
        figures = FIGURES.get(code)
        if (p0 is None or poverty_line is None) and figures is None:
            raise CommandError(NO_FIGURES.format(code=code))
        year, source = (figures.year, figures.source) if figures else (None, "command line")
        if p0 is not None or poverty_line is not None:
            source = "command line" if figures is None else source + " (overridden)"
        if out.exists() and any(out.iterdir()) and not force:
            raise CommandError(OUT_NOT_EMPTY.format(path=out))
        table, kab = desa_table(code)
        if p0 is None or poverty_line is None:
            assert figures is not None  # or NO_FIGURES was raised above
            p0 = p0 if p0 is not None else figures.p0_percent
            poverty_line = poverty_line if poverty_line is not None else figures.poverty_line
        try:
            params = SynthParams(
                region_code=code, families=families, seed=seed,
                p0_percent=p0, poverty_line=poverty_line,
                figures_year=year, figures_source=source, layout=layout, as_of=as_of,
                max_desil=max_desil, error_overrides=overrides, list_scale=list_scale,
                dtsen=dtsen or bool(dtsen_noise), dtsen_noise=noise)
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        started = time.perf_counter()
        manifest = write_synthesis(synthesise(table, params), out)
        elapsed = time.perf_counter() - started
        counts, cal = manifest["counts"], manifest["calibration"]
        self.stdout.write(
            f"{kab.code} {kab.name}: {counts['families']:,} keluarga / families, "
            f"{counts['persons']:,} jiwa / persons; register {counts['register_families']:,} "
            f"keluarga / families")
        self.stdout.write(
            f"P0 target {cal['target_p0_percent']:.2f} %, tercapai / achieved "
            f"{cal['achieved_p0_percent']:.2f} % (garis kemiskinan / poverty line "
            f"Rp{cal['poverty_line']:,.0f})")
        if "dtsen" in manifest:
            d = manifest["dtsen"]["counts"]
            self.stdout.write(
                f"DTSEN: {d['families']:,} keluarga / families, {d['persons']:,} jiwa / "
                f"persons; {d['families_missing']:,} tidak ada / missing, "
                f"{d['kk_changed']:,} KK baru / new KK, {d['nik_typo']:,} NIK salah ketik / "
                f"NIK typos")
        for key, info in manifest["lists"].items():
            self.stdout.write(f"  {key}: {info['rows']:,} baris / rows")
        self.stdout.write(f"{len(manifest['files'])} file ditulis ke / files written to {out} "
                          f"({elapsed:.1f} s)")
