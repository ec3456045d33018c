"""``import-indicators`` and ``demo-targets``."""

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from konvergen.targets.models import Baseline, IndicatorValue, PlanDocument, Target
from tests.conftest import shared_data
from tests.targets.conftest import JATENG, P0_2021


def test_import_indicators_with_map_and_json(db):
    out = StringIO()
    call_command("import-indicators", str(shared_data(*P0_2021)), "--year", "2021",
                 "--map", "tpt_persen=-", "--json", stdout=out)
    counts = json.loads(out.getvalue())
    assert counts["accepted"] == counts["created"] == 27  # P0 of Jawa Barat, TPT left out
    assert IndicatorValue.objects.get(indicator__code="p0", region_code="32.04").value == 7.15
    assert not IndicatorValue.objects.filter(indicator__code="tpt").exists()
    again = StringIO()
    call_command("import-indicators", str(shared_data(*P0_2021)), "--year", "2021",
                 "--map", "tpt_persen=-", stdout=again)
    assert "0 baru / new" in again.getvalue() and "27 tetap / unchanged" in again.getvalue()
    with pytest.raises(CommandError):
        call_command("import-indicators", str(shared_data(*JATENG)), "--map", "tpt=tpt_x")


def test_demo_targets_is_idempotent(personas, tiny_register):
    call_command("demo-targets", "--region", "32.04", stdout=StringIO())
    doc = PlanDocument.objects.get(region_id="32.04")
    base = Baseline.objects.get(indicator__code="p0")
    assert (base.year, base.value) == (2021, 7.15)  # synth/figures.py, BPS 2021
    p0 = dict(Target.objects.filter(indicator__code="p0").values_list("year", "value"))
    assert p0[2029] == round(7.15 * 0.7, 2) and 5.0 < p0[2025] < 7.15
    # The register's families in desil 1 (one of three), halved by 2029 (rounded).
    assert Baseline.objects.get(indicator__code="desil1_families").value == 1.0
    n_targets = Target.objects.count()
    call_command("demo-targets", "--region", "32.04", stdout=StringIO())
    assert PlanDocument.objects.count() == 1 and Target.objects.count() == n_targets
    assert doc.targets.count() == n_targets
