"""``konvergen indicator-catalogue``: load the standard indicators (idempotent)."""

from django.core.management.base import BaseCommand

from konvergen.targets.services import indicator_catalogue_load


class Command(BaseCommand):
    help = "Load or bring up to date the standard indicator catalogue."

    def handle(self, *args, **opts):
        counts = indicator_catalogue_load()
        self.stdout.write(f"Indikator / indicators: {counts['created']} baru / new, "
                          f"{counts['updated']} diperbarui / updated, "
                          f"{counts['unchanged']} tetap / unchanged")
