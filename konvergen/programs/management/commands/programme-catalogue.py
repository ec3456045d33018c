from django.core.management.base import BaseCommand, CommandError

from konvergen.programs.services import programme_catalogue_load
from konvergen.regions.models import Region


class Command(BaseCommand):
    help = "Add the national programme catalogue (PKH, BPNT, PBI-JK, PIP, RTLH, KUR …) to a region."

    def add_arguments(self, parser):
        parser.add_argument("--region", required=True)
        parser.add_argument("--from-year", type=int, required=True)
        parser.add_argument("--to-year", type=int)

    def handle(self, *args, region, from_year, to_year, **options):
        found = Region.objects.filter(code=region).first()
        if found is None:
            raise CommandError(f"unknown region {region}")
        created = programme_catalogue_load(
            region=found, year_start=from_year, year_end=to_year or from_year
        )
        self.stdout.write(f"{len(created)} programmes added: {', '.join(p.code for p in created)}")
