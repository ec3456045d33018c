import pyarrow.csv as pacsv
from django.core.management.base import BaseCommand

from konvergen.convergence.exports import interventions_table


class Command(BaseCommand):
    help = "One CSV row per intervention (programme code, family and person IDs as imported)."

    def add_arguments(self, parser):
        parser.add_argument("--out", required=True)
        parser.add_argument("--region", default=None, help="only families in this region")

    def handle(self, *args, out, region, **options):
        table = interventions_table(region)
        pacsv.write_csv(table, out)
        self.stdout.write(f"{table.num_rows} interventions -> {out}")
