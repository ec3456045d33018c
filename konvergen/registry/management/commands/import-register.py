"""``konvergen import-register --families F --members M [--source P3KE] [--region 32.04] …``"""

import datetime as dt
import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from konvergen.regions.codes import normalise_code
from konvergen.regions.models import Level, Region
from konvergen.registry.models import Source
from konvergen.registry.services import (
    RegisterImportError,
    dataset_get_or_create,
    register_import,
)


def parse_mapping(items: list[str]) -> dict[str, str]:
    mapping = {}
    for item in items:
        header, sep, field = item.rpartition("=")
        if not sep or not header.strip() or not field.strip():
            raise CommandError(
                f"--map perlu bentuk 'Judul Kolom=field' / --map needs 'Header=field', got {item!r}"
            )
        mapping[header.strip()] = field.strip()
    return mapping


class Command(BaseCommand):
    help = "Import a DTSEN / P3KE / DTKS export (families + members) as a register snapshot."

    def add_arguments(self, parser):
        parser.add_argument("--families", type=Path, required=True)
        parser.add_argument("--members", type=Path, required=True)
        parser.add_argument(
            "--source", default="p3ke", help="p3ke, dtsen, dtks or canonical (default p3ke)"
        )
        parser.add_argument(
            "--region",
            help="Kab/kota or province code of the dataset; "
            "default: taken from the file's first desa code",
        )
        parser.add_argument("--snapshot-date", type=dt.date.fromisoformat)
        parser.add_argument("--map", action="append", default=[], metavar="HEADER=FIELD")
        parser.add_argument("--dry-run", action="store_true")
        parser.add_argument("--json", action="store_true", help="machine-readable summary")

    def handle(self, *args, **o):
        source = o["source"].lower()
        if source not in Source.values:
            raise CommandError(f"Unknown source {source!r}; one of {', '.join(Source.values)}")
        for path in (o["families"], o["members"]):
            if not path.is_file():
                raise CommandError(f"Berkas tidak ditemukan / File not found: {path}")
        region = self._region(o["region"], o["families"])
        dataset = dataset_get_or_create(source=source, region=region)
        try:
            outcome = register_import(
                dataset=dataset,
                source=source,
                families_path=o["families"],
                members_path=o["members"],
                snapshot_date=o["snapshot_date"],
                mapping=parse_mapping(o["map"]),
                dry_run=o["dry_run"],
                progress=None if o["json"] else lambda s, p: self.stderr.write(f"{p:3d}% {s}"),
            )
        except RegisterImportError as exc:
            raise CommandError(str(exc)) from exc
        summary = {
            "snapshot_id": outcome.snapshot.pk if outcome.snapshot else None,
            "unchanged": outcome.unchanged,
            "dry_run": outcome.dry_run,
            **{k: v for k, v in outcome.summary.items() if k != "headers"},
        }
        if o["json"]:
            self.stdout.write(json.dumps(summary, indent=2, default=str))
            return
        if outcome.unchanged:
            self.stdout.write(
                "Berkas ini sudah pernah diimpor; tidak ada perubahan. / "
                "These files were imported before; nothing changed."
            )
        self.stdout.write(
            f"Keluarga diterima / families accepted: {summary.get('families_accepted', 0)}; "
            f"ditolak / rejected: {summary.get('families_rejected', 0)}\n"
            f"Anggota diterima / persons accepted: {summary.get('persons_accepted', 0)}; "
            f"ditolak / rejected: {summary.get('persons_rejected', 0)}"
        )
        for label, key in (
            ("Alasan penolakan / rejections", "rejections_by_reason"),
            ("Tanda / flags", "flags_by_kind"),
            ("Perubahan / changes", "diff"),
        ):
            if summary.get(key):
                self.stdout.write(f"{label}:")
                for reason, n in sorted(summary[key].items()):
                    self.stdout.write(f"  {reason}: {n}")

    def _region(self, code, families_path) -> Region:
        if code is None:
            code = _first_region_code(families_path)
        code = normalise_code(code)
        region = Region.objects.filter(code=code or "", level__lte=Level.KABKOTA).first()
        if region is None:
            raise CommandError(
                f"Wilayah tidak dikenal / unknown region: {code} "
                "(run `konvergen regions load`, or give --region)"
            )
        return region


def _first_region_code(path: Path) -> str:
    """The kab/kota of the first desa code found in the families file."""
    from konvergen.registry.ingest.readers import read_table

    table = read_table(path).slice(0, 50)
    for name in table.column_names:
        for value in table.column(name).to_pylist()[:50]:
            code = normalise_code(value)
            if code and code.count(".") == 3:
                return code[:5]
    raise CommandError(
        "Tidak menemukan kode desa; beri --region / no desa code found; give --region"
    )
