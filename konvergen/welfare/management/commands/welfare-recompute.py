"""``konvergen welfare-recompute [--snapshot ID]``: status, needs and summaries again."""

import time

from django.core.management.base import BaseCommand, CommandError

from konvergen.registry.models import Snapshot
from konvergen.welfare.services import welfare_recompute


class Command(BaseCommand):
    help = (
        "Recompute welfare status, needs and aggregates "
        "(default: the latest snapshot of every dataset)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--snapshot", type=int, action="append", default=[])

    def handle(self, *args, snapshot, **options):
        if snapshot:
            snapshots = list(Snapshot.objects.filter(pk__in=snapshot).select_related("dataset"))
            missing = set(snapshot) - {s.pk for s in snapshots}
            if missing:
                raise CommandError(f"Snapshot tidak ada / No such snapshot: {sorted(missing)}")
        else:
            latest: dict[int, Snapshot] = {}
            for s in Snapshot.objects.select_related("dataset").order_by("snapshot_date", "id"):
                latest[s.dataset_id] = s
            snapshots = list(latest.values())
        for s in snapshots:
            started = time.perf_counter()
            run = welfare_recompute(snapshot=s, acting_user=None)
            self.stdout.write(
                f"snapshot {s.pk}: {run.families:,} keluarga / families "
                f"({time.perf_counter() - started:.1f} s)"
            )
