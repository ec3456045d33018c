"""The comparison of an agglomeration's members against hand-worked figures on small data:
Kabupaten Bandung (food) with the three-family register, Kabupaten Cirebon (energy)
without one."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from konvergen.agglomerations import selectors, services
from konvergen.agglomerations.services import MemberSpec
from konvergen.convergence.selectors import region_totals
from konvergen.organisations.services import organisation_get_or_create
from konvergen.plans import services as plan_services
from konvergen.programs import services as programme_services
from konvergen.programs.models import Programme
from konvergen.regions.models import Region
from konvergen.registry.models import Family
from konvergen.targets import services as target_services
from konvergen.targets.models import Indicator, IndicatorValue
from tests.plans.conftest import item_values

YEAR = 2026


def _value(code, region, year, value):
    IndicatorValue.objects.create(indicator=Indicator.objects.get(code=code), region_code=region,
                                  year=year, value=value, source_kind="bps", source="BPS uji",
                                  as_of=dt.date(year, 7, 1))


def _programme(personas, code, sector, budget, region="32.04", years=(YEAR, YEAR)):
    return Programme.objects.create(
        code=code, name=code.replace("-", " ").title(), organisation=personas.dinsos,
        region=Region.objects.get(code=region), strategy="burden", stage="charity",
        sector=sector, funding_source="apbd_regency", budget=Decimal(budget),
        year_start=years[0], year_end=years[1])


def _deliver(personas, programme, source_ids, value):
    for family in Family.objects.filter(source_id__in=source_ids):
        programme_services.intervention_record(
            programme=programme, family=family, year=YEAR, status="delivered",
            date=dt.date(YEAR, 3, 1), value=value, acting_user=personas.admin)


@pytest.fixture
def figures(personas, tiny_register):
    """Indicators and targets, programmes with their help, action plans of both members."""
    target_services.indicator_catalogue_load()
    # Bandung: P0 6.50 (2024, the RPJMD baseline) and 6.30 (2025), target 5.90 for 2026;
    # extreme poverty 0.50 (2025). Cirebon: P0 11.00 (2025), no target.
    _value("p0", "32.04", 2024, 6.5)
    _value("p0", "32.04", 2025, 6.3)
    _value("extreme_poverty", "32.04", 2025, 0.5)
    _value("p0", "32.09", 2025, 11.0)
    document = target_services.plan_document_save(
        region=personas.bandung, acting_user=personas.tkpk_bandung,
        data={"kind": "rpjmd", "number": "Perda 5/2025", "title": "RPJMD 2025-2029",
              "year_start": 2025, "year_end": 2029, "issued_on": dt.date(2025, 6, 1)})
    p0 = Indicator.objects.get(code="p0")
    target_services.baseline_set(indicator=p0, region=personas.bandung, document=document,
                                 year=2024, value=6.5, acting_user=personas.tkpk_bandung)
    target_services.target_set(indicator=p0, region=personas.bandung, year=YEAR, value=5.9,
                               document=document, acting_user=personas.tkpk_bandung)
    # Programmes that can reach Bandung: two of its own in food (one of a desa), one of
    # the province in food, one in energy (not its leading sector), one food programme
    # that ended in 2025. Cirebon: one of its own in energy.
    sembako = _programme(personas, "sembako-daerah", "food", 100_000_000)
    _programme(personas, "lumbung-desa", "food", 20_000_000, region="32.04.05.2001")
    province = _programme(personas, "pangan-jabar", "food", 1_000_000_000, region="32")
    energy = _programme(personas, "ebt-rumah", "energy", 50_000_000)
    _programme(personas, "pangan-lama", "food", 70_000_000, years=(2024, 2025))
    cirebon_org = organisation_get_or_create(
        region=personas.cirebon, name="Dinas ESDM Cirebon", short_name="ESDM",
        kind="agency", pentahelix="government")
    Programme.objects.create(
        code="plts-atap", name="PLTS Atap", organisation=cirebon_org, region=personas.cirebon,
        strategy="income", stage="individual", sector="energy", funding_source="apbd_regency",
        budget=Decimal(300_000_000), year_start=YEAR, year_end=YEAR)
    # Help delivered in 2026: Sembako to P001 and P002 (Rp 100,000 each), the province's
    # food programme to P002 and P003 (Rp 50,000 each), energy to P001 (Rp 1,000,000).
    _deliver(personas, sembako, ["P001", "P002"], 100_000)
    _deliver(personas, province, ["P002", "P003"], 50_000)
    _deliver(personas, energy, ["P001"], 1_000_000)
    # Action plans 2026: Bandung's Dinsos 400M food + 100M energy; Cirebon 300M energy.
    plan = plan_services.plan_create(organisation=personas.dinsos, region=personas.bandung,
                                     year=YEAR, acting_user=personas.admin)
    plan_services.item_save(plan=plan, values=item_values(), acting_user=personas.admin)
    plan_services.item_save(plan=plan, acting_user=personas.admin, values=item_values(
        sub_activity_code="1.06.04.2.01.0004", sector="energy", target_rp=Decimal(100_000_000),
        q1_rp=None, q2_rp=None, q3_rp=None, q4_rp=None))
    cirebon_plan = plan_services.plan_create(organisation=cirebon_org, region=personas.cirebon,
                                             year=YEAR, acting_user=personas.admin)
    plan_services.item_save(plan=cirebon_plan, acting_user=personas.admin, values=item_values(
        sector="energy", target_rp=Decimal(300_000_000), q1_rp=None, q2_rp=None, q3_rp=None,
        q4_rp=None, locations=[]))
    agglomeration = services.agglomeration_create(
        data={"name": "Uji"}, acting_user=personas.admin,
        members=[MemberSpec("32.04", "food", ("energy",)), MemberSpec("32.09", "energy")])
    return agglomeration


def _rows(agglomeration, year=YEAR):
    result = selectors.comparison(agglomeration, year)
    return result, {r.region.code: r for r in result.rows}


def test_poverty_against_the_targets(figures):
    result, rows = _rows(figures)
    bandung, cirebon = rows["32.04"], rows["32.09"]
    # The latest official P0 up to 2026 is 2025's 6.30. The trajectory runs from the 2024
    # baseline 6.50 to the 2026 target 5.90: 6.20 in 2025. Lower is better, so the
    # achievement is (2 × 6.20 − 6.30) / 6.20 = 98.39 %: "needs attention" (90–100).
    assert (bandung.p0.year, bandung.p0.realised) == (2025, 6.3)
    assert bandung.p0.trajectory == pytest.approx(6.2)
    assert bandung.p0.achievement == pytest.approx(6.1 / 6.2 * 100)
    assert bandung.p0.status == "attention"
    assert bandung.p0_target == 5.9
    assert (bandung.extreme.year, bandung.extreme.realised) == (2025, 0.5)
    # Cirebon has a figure but no target: nothing to judge.
    assert (cirebon.p0.realised, cirebon.p0.status, cirebon.p0_target) == (11.0, None, None)
    assert cirebon.extreme is None
    assert result.indicator_names["p0"]
    # Compared in 2024, the 2024 figure is the latest: on the baseline, on track.
    _result, rows_2024 = _rows(figures, 2024)
    assert (rows_2024["32.04"].p0.year, rows_2024["32.04"].p0.status) == (2024, "on_track")
    assert rows_2024["32.09"].p0 is None


def test_the_leading_sector_programmes_budget_and_families_reached(figures):
    result, rows = _rows(figures)
    bandung, cirebon = rows["32.04"], rows["32.09"]
    # Bandung's food programmes running in 2026: the province's (1,000M), Sembako (100M)
    # and the desa's granary (20M); not the energy one, not the one that ended in 2025.
    assert [(p.programme.code, p.own) for p in bandung.programmes] == [
        ("pangan-jabar", False), ("sembako-daerah", True), ("lumbung-desa", True)]
    assert (bandung.programme_count, bandung.own_count) == (3, 2)
    assert bandung.programme_budget == Decimal(1_120_000_000)
    # Families of Bandung each programme reached: 2, 2 and none.
    assert [p.families for p in bandung.programmes] == [2, 2, 0]
    # Food reached P001, P002 (Sembako) and P002, P003 (province): 3 families, 4
    # interventions, Rp 300,000; the energy help to P001 is not Bandung's leading sector.
    f = bandung.figures
    assert (f["leading_families"], f["leading_interventions"]) == (3, 4)
    assert f["leading_value"] == pytest.approx(300_000)
    # Action plans: 400M of Bandung's 500M are food (80 %); Cirebon's 300M all energy.
    assert (f["plan_leading"], f["plan_total"]) == (Decimal(400_000_000),
                                                    Decimal(500_000_000))
    assert bandung.plan_share == pytest.approx(80.0)
    # Cirebon: its own energy programme, no register, so no family reached.
    assert [p.programme.code for p in cirebon.programmes] == ["plts-atap"]
    assert cirebon.programme_budget == Decimal(300_000_000)
    assert cirebon.figures["leading_families"] == 0
    assert cirebon.convergence_as_of is None
    assert cirebon.plan_share == pytest.approx(100.0)
    assert result.totals["leading_families"] == 3
    assert result.totals["plan_leading"] == Decimal(700_000_000)


def test_the_convergence_figures_and_stage_funnel_come_from_the_stored_run(figures):
    result, rows = _rows(figures)
    stored = region_totals("32.04", YEAR)["total"]
    bandung = rows["32.04"]
    keys = ["target_families", "reached_families", "unreached_families", "stage_charity",
            "stage_individual", "stage_group", "stage_graduated"]
    assert {k: bandung.figures[k] for k in keys} == {k: stored[k] for k in keys}
    # Every helped family got charity-stage help only (all three programmes are charity).
    assert bandung.figures["stage_individual"] == bandung.figures["stage_group"] == 0
    assert bandung.figures["reached_families"] == bandung.figures["stage_charity"]
    assert bandung.figures["target_families"] == (bandung.figures["reached_families"]
                                                  + bandung.figures["unreached_families"])
    assert bandung.convergence_as_of is not None
    assert {k: rows["32.09"].figures[k] for k in keys} == dict.fromkeys(keys, 0)
    assert result.totals["target_families"] == stored["target_families"]
    chart = result.chart()
    assert chart["p0"] == [6.3, 11.0] and chart["p0_target"] == [5.9, None]
    assert [s["data"][0] for s in chart["stages"]] == [stored[k] for k in keys[3:]]


def test_a_fixed_number_of_queries_per_member(figures, personas):
    counts = []
    for extra in ([], ["32.01"], ["32.01", "32.12"]):
        agglomeration = services.agglomeration_create(
            data={"name": f"Uji {len(extra)}"}, acting_user=personas.admin,
            members=[MemberSpec("32.04", "food"), MemberSpec("32.09", "energy"),
                     *[MemberSpec(code, "food") for code in extra]])
        agglomeration = type(agglomeration).objects.prefetch_related(
            "members__region").get(pk=agglomeration.pk)
        with CaptureQueriesContext(connection) as queries:
            selectors.comparison(agglomeration, YEAR)
        counts.append(len(queries))
    # Members without figures cost a few queries each; one with figures a fixed handful.
    assert counts[1] - counts[0] == counts[2] - counts[1] <= 12
    assert counts[0] <= 30


def test_the_page_shows_the_worked_figures(figures, personas):
    from django.urls import reverse

    client = personas.client_for(personas.tkpk_bandung)  # a member's secretariat
    html = client.get(reverse("agglomerations:compare", args=[figures.pk, YEAR])
                      ).content.decode()
    bandung = html[html.index('id="member-32.04"'):html.index('id="member-32.09"')]
    assert "6,30" in bandung and "(2025)" in bandung and "5,90" in bandung
    assert 'data-status="attention"' in bandung and "Perlu perhatian" in bandung
    assert "1.120.000.000" in bandung  # the three food programmes' budget
    assert "400.000.000" in bandung and "80,0 %" in bandung
    assert "Pangan" in bandung and "Energi" in bandung  # leading, supporting
    assert 'id="programmes-32.04"' in html and "Pangan Jabar" in html
