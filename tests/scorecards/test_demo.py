"""``demo-scorecards`` after ``demo-plans``: the demo region's agency scorecard ranks the
demo organisations, and the province ranking has the demo kab/kota with its inputs."""

import io

from django.core.management import call_command
from django.urls import reverse

from konvergen.regions.models import Region
from konvergen.scorecards import selectors
from konvergen.scorecards.models import RegionCompliance
from tests.plans.conftest import YEAR
from tests.plans.test_demo import test_demo_plans as make_demo_plans


def test_demo_scorecards(personas):
    make_demo_plans(personas)
    call_command("demo-scorecards", region="32.04", year=YEAR, stdout=io.StringIO())
    call_command("demo-scorecards", region="32.04", year=YEAR, stdout=io.StringIO())
    assert RegionCompliance.objects.get(region_id="32.04", year=YEAR).decree is True
    result = selectors.agency_scorecard(personas.bandung, YEAR, 1)
    scored = [r for r in result.rows if r.has_data]
    assert len(scored) >= 5 and scored[0].score > 0
    province = selectors.province_scorecard(Region.objects.get(code="32"), YEAR)
    bandung = next(r for r in province.rows if r.peer == "32.04")
    assert bandung.rank == 1 and bandung.score > 0
    page = personas.client_for(personas.tkpk_bandung).get(
        reverse("scorecards:agencies", args=["32.04", YEAR]) + "?quarter=1")
    assert page.status_code == 200 and b"Demo Dinkes" in page.content
    # The two scorecards of the secretariat's own, defined once, score the demo data.
    from konvergen.scorecards.models import CustomScorecard

    cards = {c.peers: c for c in CustomScorecard.objects.all()}
    assert set(cards) == {"agencies", "regions"} and CustomScorecard.objects.count() == 2
    own = selectors.custom_result(cards["agencies"], YEAR, 1)
    assert len([r for r in own.rows if r.has_data]) >= 5 and own.rows[0].score > 0
    regions = selectors.custom_result(cards["regions"], YEAR, 4)
    assert next(r for r in regions.rows if r.peer == "32.04").rank == 1
    assert regions.by_strategy, "the demo plans give a ranking per strategy"
