"""``konvergen demo-scorecards --region 32.04 [--year 2026]``: demo fiscal-incentive inputs.

Records what the demo kab/kota reports for the PMK 97/2023 incentive of the year (its
spending budget and the compliance items) so the province's ranking has a kab/kota with
data beside the others. The agency scorecard needs nothing here: it reads the demo plans.
Running it again changes nothing.
"""

from decimal import Decimal

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from konvergen.accounts.models import User
from konvergen.regions.models import Level, Region
from konvergen.scorecards.services import region_compliance_set

#: An illustrative total spending budget of a kabupaten (the order of magnitude of a large
#: kabupaten's APBD, not an official figure).
SPENDING_BUDGET = Decimal(5_400_000_000_000)


class Command(BaseCommand):
    help = "Demo inputs of the PMK 97/2023 fiscal-incentive ranking / Data demo insentif fiskal"

    def add_arguments(self, parser):
        parser.add_argument("--region", required=True)
        parser.add_argument("--year", type=int, default=timezone.localdate().year)

    def handle(self, *args, region: str, year: int, **options):
        place = Region.objects.filter(code=region, level=Level.KABKOTA).first()
        if place is None:
            raise CommandError(f"Bukan kabupaten/kota / not a kab/kota: {region}")
        actor = User.objects.filter(is_superuser=True).order_by("pk").first()
        region_compliance_set(region=place, year=year, acting_user=actor, values={
            "spending_budget": SPENDING_BUDGET, "decree": True, "verified_data": True,
            "report_q1": True, "report_q2": None,
            "note": "Data demo / demo data"})
        self.stdout.write(f"{place.name} {year}: masukan insentif fiskal / "
                          "fiscal-incentive inputs recorded")
