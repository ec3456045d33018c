"""``konvergen import-indicators FILE [--map "Header=field"] [--year Y] [--period P] [--json]``:
import an official figures file (BPS P0/P1/P2, number of poor, poverty line, extreme poverty,
TPT, Gini, IPM) through the same service the import page uses. Re-running it is safe."""

import json
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from konvergen.registry.ingest.headers import parse_mapping_args
from konvergen.targets.services import TargetsError, official_import


class Command(BaseCommand):
    help = "Import official indicator figures (CSV or XLSX) into the indicator values."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--map", action="append", default=[], metavar="HEADER=FIELD",
                            dest="mapping",
                            help="map a column: a structure field (code, bps_code, name, "
                                 "province, province_code, year, period), an indicator "
                                 "code, or '-' to leave it out; repeatable")
        parser.add_argument("--year", type=int, help="the year of a file without a year")
        parser.add_argument("--period", default="", choices=["", "maret", "september"])
        parser.add_argument("--user", help="act as this user (their area applies)")
        parser.add_argument("--json", action="store_true", dest="as_json",
                            help="print the counts as JSON")

    def handle(self, *args, file, mapping, year, period, user, as_json, **opts):
        try:
            mapping = parse_mapping_args(mapping)
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        acting = None
        if user:
            acting = get_user_model().objects.filter(username=user).first()
            if acting is None:
                raise CommandError(f"Pengguna tidak ada / no such user: {user}")
        try:
            result = official_import(path=file, mapping=mapping, default_year=year,
                                     default_period=period, acting_user=acting)
        except TargetsError as exc:
            raise CommandError(" ".join(str(m) for m in exc.messages)) from exc
        counts = {"import": result.batch.pk, **result.counts}
        if as_json:
            self.stdout.write(json.dumps(counts, ensure_ascii=False, indent=2))
            return
        self.stdout.write(
            f"{file.name}: {counts['accepted']} diterima / accepted ({counts['created']} baru / "
            f"new, {counts['updated']} diperbarui / updated, {counts['unchanged']} tetap / "
            f"unchanged), {counts['rejected']} ditolak / rejected")
        for reason, n in sorted(counts["rejected_by_reason"].items()):
            self.stdout.write(f"  {reason}: {n}")
        if counts["unknown"]:
            self.stdout.write("  kolom tidak dikenali / unknown columns: "
                              + ", ".join(counts["unknown"]) + " (--map)")
        for r in result.batch.rejections.all()[:10]:
            self.stdout.write(f"  {r.message_id} / {r.message_en}")

