"""``konvergen demo-programmes --region 32.04 --lists var/demo``: the demo's programmes.

Loads the national catalogue, adds the region's own and its partners' programmes, uploads each
synthetic beneficiary list written by ``konvergen synth``, links it to the register and makes
the matched rows the programme's interventions for the year, then records a few KUBE groups
of poor families' heads with the KUBE programme's help to each group. Running it again
changes nothing that is already there.
"""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from konvergen.linkage.models import BeneficiaryList
from konvergen.linkage.services import beneficiary_list_create, beneficiary_list_link
from konvergen.organisations.models import Organisation
from konvergen.programs.models import Group, Programme
from konvergen.programs.services import (
    group_create,
    group_member_add,
    intervention_to_group,
    interventions_from_list,
    programme_catalogue_load,
    programme_create,
)
from konvergen.regions.models import Region
from konvergen.registry.models import Dataset, Person

#: Demo KUBE groups: how many, members each, and the KUBE help to each group (Rp).
DEMO_GROUPS, GROUP_MEMBERS, GROUP_VALUE = 3, 8, 20_000_000

#: The region's own and partners' programmes behind the synthetic lists that the national
#: catalogue does not cover: (list, organisation short name, Programme fields).
LOCAL_PROGRAMMES: list[tuple[str, str, dict[str, Any]]] = [
    ("modal_usaha", "DKUMPP", {
        "code": "modal-usaha", "name": "Bantuan Modal Usaha Mikro", "strategy": "umkm",
        "stage": "individual", "sector": "umkm", "target_unit": "person",
        "needs": ["head_work", "savings"], "desil_min": 1, "desil_max": 5,
        "funding_source": "apbd_regency", "budget": 1_500_000_000}),
    ("baznas", "BAZNAS", {
        "code": "zakat-konsumtif", "name": "Zakat Konsumtif dan Biaya Berobat",
        "strategy": "burden", "stage": "charity", "sector": "health", "target_unit": "person",
        "needs": ["care", "health_insurance"], "desil_min": 1, "desil_max": 3,
        "funding_source": "zis", "budget": 800_000_000}),
    ("csr", "CSR Mitra", {
        "code": "csr-sanitasi", "name": "CSR Jamban Sehat", "strategy": "pockets",
        "stage": "charity", "sector": "wash", "target_unit": "family",
        "needs": ["sanitation", "water"], "desil_min": 1, "desil_max": 4,
        "funding_source": "csr", "budget": 500_000_000}),
]
#: Synthetic list -> national catalogue programme code.
NATIONAL_LISTS = {"pkh": "pkh", "bpnt": "bpnt", "pbi_jk": "pbi-jk", "rtlh": "rtlh"}


class Command(BaseCommand):
    help = "Demo programmes and their beneficiaries from the synthetic lists."

    def add_arguments(self, parser):
        parser.add_argument("--region", default="32.04")
        parser.add_argument("--lists", type=Path, default=Path("var/demo"))
        parser.add_argument("--year", type=int, default=timezone.localdate().year)

    def handle(self, *args, region, lists, year, **opts):
        kab = Region.objects.filter(code=region).first()
        dataset = Dataset.objects.filter(region=kab).first() if kab else None
        if dataset is None:
            raise CommandError(f"Belum ada data sasaran untuk {region} / No register for {region}")
        assert kab is not None  # the dataset is the region's
        programme_catalogue_load(region=kab, year_start=year, year_end=year)
        programmes = {p.code: p for p in Programme.objects.filter(region=kab)}
        for _list, org_name, fields in LOCAL_PROGRAMMES:
            if fields["code"] not in programmes:
                org = Organisation.objects.filter(region=kab, short_name=org_name).first()
                if org is None:
                    raise CommandError(f"Run `konvergen demo-setup` first ({org_name} missing)")
                programmes[fields["code"]] = programme_create(
                    organisation=org, region=kab, acting_user=None, year_start=year,
                    year_end=year, **fields)
        pairs = [(n, programmes[c]) for n, c in NATIONAL_LISTS.items()]
        pairs += [(n, programmes[f["code"]]) for n, _org, f in LOCAL_PROGRAMMES]
        for list_name, programme in pairs:
            path = lists / f"{list_name}.csv"
            if not path.exists():
                self.stderr.write(f"  {path} tidak ada / missing; skipped")
                continue
            blist = BeneficiaryList.objects.filter(dataset=dataset, name=programme.name).first()
            if blist is None:
                blist = beneficiary_list_create(
                    dataset=dataset, name=programme.name, file_path=path.resolve(),
                    organisation=programme.organisation
                    if programme.organisation.region_id == kab.code else None,
                    acting_user=None)
                beneficiary_list_link(blist.pk)
                blist.refresh_from_db()
            result = interventions_from_list(programme=programme, beneficiary_list=blist,
                                             period=year, acting_user=None)
            counts = blist.counts or {}
            self.stdout.write(
                f"  {programme.code}: {counts.get('rows', 0)} baris / rows, "
                f"{counts.get('matched', 0)} cocok / matched, "
                f"{counts.get('review', 0)} diperiksa / review -> {result}")
        groups = self._groups(kab, dataset, programmes.get("kube"), year)
        self.stdout.write(f"  kube: {groups} kelompok / groups")

    def _groups(self, kab, dataset, kube, year) -> int:
        """KUBE groups of the heads of poor families (desil 1–4) in the first desa, each
        helped by the national KUBE programme in ``year``."""
        if kube is None:
            return 0
        existing = Group.objects.filter(region_code__startswith=kab.code + ".",
                                        name__startswith="KUBE Demo").count()
        if existing:
            return existing
        heads = Person.objects.filter(
            dataset=dataset, is_current=True, relation__in=["head", "kepala"],
            family__desil__lte=4,
        ).order_by("region_code", "pk")
        desa = list(heads.values_list("region_code", flat=True).distinct()[:DEMO_GROUPS])
        dinsos = Organisation.objects.filter(region=kab, short_name="Dinsos").first()
        for n, code in enumerate(desa, start=1):
            group = group_create(name=f"KUBE Demo {n}", kind=Group.Kind.KUBE, region_code=code,
                                 organisation=dinsos, acting_user=None)
            for person in heads.filter(region_code=code)[:GROUP_MEMBERS]:
                group_member_add(group=group, person=person, joined_year=year, acting_user=None)
            intervention_to_group(programme=kube, group=group, year=year, status="delivered",
                                  value=GROUP_VALUE, acting_user=None)
        return len(desa)
