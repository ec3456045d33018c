"""``konvergen portal-publish --region 32.04 [--off] [--producer "…"]``: publish a kab/kota's
aggregates on the public portal (or stop), as its secretariat would on the page; audited
as the first administrator."""

from django.core.management.base import BaseCommand, CommandError

from konvergen.accounts.models import User
from konvergen.portal.services import publication_set
from konvergen.regions.models import Level, Region


class Command(BaseCommand):
    help = "Publish a kab/kota on the public portal / Terbitkan di portal publik"

    def add_arguments(self, parser):
        parser.add_argument("--region", required=True)
        parser.add_argument("--off", action="store_true")
        parser.add_argument("--producer", default="")

    def handle(self, *args, region: str, off: bool, producer: str, **options):
        place = Region.objects.filter(code=region, level=Level.KABKOTA).first()
        if place is None:
            raise CommandError(f"Bukan kabupaten/kota / not a kab/kota: {region}")
        actor = User.objects.filter(is_superuser=True).order_by("pk").first()
        values: dict = {"published": not off}
        if producer:
            values["producer"] = producer
        publication_set(region=place, values=values, acting_user=actor)
        state = "tidak diterbitkan / not published" if off else "diterbitkan / published"
        self.stdout.write(f"{place.name}: {state}")
