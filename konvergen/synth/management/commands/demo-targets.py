"""``konvergen demo-targets --region 32.04``: the demo region's indicators and targets.

Loads the indicator catalogue; records an RPJMD 2025–2029 of the region; stores the region's
built-in BPS figures (``synth/figures.py``: P0 and the poverty line of a cited year) as
indicator values and the P0 figure as the RPJMD baseline, with targets falling towards the
national 2029 goal; computes the indicators of the register (desil 1, RTLH, no own toilet,
children out of school) and gives each a baseline (the latest snapshot) and targets that
halve it by 2029. The demo has no official file: no other BPS figure is invented. Running it
again changes nothing that is already there.
"""

import datetime as dt

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from konvergen.regions.models import Region
from konvergen.registry.models import Dataset
from konvergen.synth.figures import FIGURES
from konvergen.targets.models import Indicator, IndicatorValue, PlanDocument, SourceKind
from konvergen.targets.services import (
    baseline_set,
    computed_values_refresh,
    indicator_catalogue_load,
    plan_document_save,
    target_set,
)

PLAN_START, PLAN_END = 2025, 2029
#: Target years of the demo RPJMD (the trajectory runs through them).
TARGET_YEARS = (2025, 2027, 2029)
#: P0 by the plan's last year, as a share of the baseline (the national goal is 4.5 % by 2029).
P0_2029_SHARE = 0.7
#: The register's counts by the plan's last year, as a share of the baseline.
COUNT_2029_SHARE = 0.5


class Command(BaseCommand):
    help = "Demo indicators, an RPJMD and its targets for a region."

    def add_arguments(self, parser):
        parser.add_argument("--region", default="32.04")

    def handle(self, *args, region, **opts):
        kab = Region.objects.filter(code=region).first()
        if kab is None:
            raise CommandError(f"Wilayah tidak ada / no such region: {region}")
        counts = indicator_catalogue_load()
        self.stdout.write(f"  indikator / indicators: {counts}")
        with transaction.atomic():
            document = PlanDocument.objects.filter(
                region=kab, kind=PlanDocument.Kind.RPJMD, year_start=PLAN_START).first()
            if document is None:
                document = plan_document_save(region=kab, acting_user=None, data={
                    "kind": PlanDocument.Kind.RPJMD, "number": "Perda (demo)",
                    "title": f"RPJMD {kab.name} {PLAN_START}–{PLAN_END} (demo)",
                    "year_start": PLAN_START, "year_end": PLAN_END,
                    "issued_on": dt.date(PLAN_START, 6, 30)})
            figures = FIGURES.get(region)
            if figures is not None:
                self._official(kab, document, figures)
            else:
                self.stderr.write(f"  {region}: tidak ada angka BPS bawaan / no built-in BPS "
                                  "figures; P0 has no baseline")
        for dataset in Dataset.objects.filter(region=kab):
            result = computed_values_refresh(dataset=dataset)
            self.stdout.write(f"  dari data sasaran / from the register: {result}")
        self._computed_targets(kab, document)
        self.stdout.write(f"  {document}: "
                          f"{document.targets.count()} target, "
                          f"{document.baselines.count()} baseline")

    def _official(self, kab, document, figures) -> None:
        source = f"{figures.source} (konvergen synth/figures.py)"[:255]
        for code, number in (("p0", figures.p0_percent), ("poverty_line", figures.poverty_line)):
            IndicatorValue.objects.get_or_create(
                indicator=Indicator.objects.get(code=code), region_code=kab.code,
                year=figures.year, period="maret",
                defaults={"value": float(number), "source_kind": SourceKind.BPS,
                          "source": source})
        p0 = Indicator.objects.get(code="p0")
        baseline_set(indicator=p0, region=kab, document=document, year=figures.year,
                     value=figures.p0_percent, acting_user=None)
        self._line(p0, kab, document, figures.year, figures.p0_percent,
                   round(figures.p0_percent * P0_2029_SHARE, 2), 2)

    def _computed_targets(self, kab, document) -> None:
        for ind in Indicator.objects.filter(source_kind=SourceKind.COMPUTED):
            latest = IndicatorValue.objects.filter(indicator=ind, region_code=kab.code).order_by(
                "-year").first()
            if latest is None or latest.year > PLAN_END:
                continue
            baseline_set(indicator=ind, region=kab, document=document, year=latest.year,
                         value=latest.value, acting_user=None)
            self._line(ind, kab, document, latest.year, latest.value,
                       round(latest.value * COUNT_2029_SHARE), 0)

    def _line(self, ind, kab, document, base_year, base_value, end_value, decimals) -> None:
        """Targets on the straight line from the baseline to the 2029 value."""
        for year in TARGET_YEARS:
            if year <= base_year:
                continue
            share = (year - base_year) / (PLAN_END - base_year)
            value = round(base_value + (end_value - base_value) * share, decimals)
            target_set(indicator=ind, region=kab, year=year, value=value, document=document,
                       note="demo", acting_user=None)
