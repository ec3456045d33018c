"""``konvergen demo-scorecards --region 32.04 [--year 2026]``: demo fiscal-incentive inputs.

Records what the demo kab/kota reports for the PMK 97/2023 incentive of the year (its
spending budget and the compliance items) so the province's ranking has a kab/kota with
data beside the others, and defines two scorecards of the secretariat's own (one for the
organisations of the kab/kota, one for the kab/kota of its province). The agency scorecard
needs nothing else: it reads the demo plans. Running it again changes nothing.
"""

from decimal import Decimal

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from konvergen.accounts.models import User
from konvergen.regions.models import Level, Region
from konvergen.scorecards.models import CustomScorecard, Peers
from konvergen.scorecards.services import custom_scorecard_save, region_compliance_set

#: The demo's own scorecards: (peers, name, criteria).
CUSTOM = (
    (Peers.AGENCIES, "Kinerja OPD penanggulangan kemiskinan", [
        {"source": "output", "rule": "achievement", "weight": 30, "cap": 100},
        {"source": "budget", "rule": "ratio", "weight": 20, "cap": 100},
        {"source": "reports_on_time", "rule": "value", "weight": 20},
        {"source": "desil_1_2", "rule": "value", "weight": 20},
        {"source": "families_helped", "rule": "to_best", "weight": 10},
    ]),
    (Peers.REGIONS, "Tata kelola penanggulangan kemiskinan kabupaten/kota", [
        {"source": "spending_weighted", "rule": "to_best", "weight": 30},
        {"source": "region_output", "rule": "value", "weight": 20, "cap": 100},
        {"source": "region_reports_on_time", "rule": "value", "weight": 15},
        {"source": "musdes_coverage", "rule": "value", "weight": 15},
        {"source": "decree", "rule": "on_time", "weight": 10},
        {"source": "verified_data", "rule": "on_time", "weight": 10},
    ]),
)

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
        for peers, name, criteria in CUSTOM:
            owner = place if peers == Peers.AGENCIES else place.parent
            if owner is None or CustomScorecard.objects.filter(region=owner, name=name).exists():
                continue
            custom_scorecard_save(region=owner, peers=peers, name=name, criteria=criteria,
                                  acting_user=actor)
            self.stdout.write(f"{owner.name}: rapor kinerja / scorecard “{name}”")
