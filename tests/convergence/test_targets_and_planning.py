"""The region's target rules (settings page, audited, followed by a refresh) and planning
the next period from a worklist (set-wise planned interventions, audited)."""

import json

import pytest
from django.core.management import call_command
from django.urls import reverse

from konvergen.audit.models import AuditEntry
from konvergen.convergence.models import ConvergenceRun, FamilyConvergence, TargetRules
from konvergen.convergence.services import target_rules
from konvergen.programs.models import Intervention, Programme
from konvergen.programs.services import intervention_create
from konvergen.registry.models import Family


@pytest.fixture
def region(personas, tiny_register):
    programme = Programme.objects.create(
        code="rtlh-daerah", name="RTLH Daerah", organisation=personas.dinsos,
        region=personas.bandung, strategy="burden", stage="charity", sector="housing",
        needs=["housing"], funding_source="apbd_regency", year_start=2026, year_end=2027,
    )
    intervention_create(programme=programme, family=Family.objects.get(source_id="P001"),
                        year=2026, status="delivered", value=1, acting_user=personas.admin)
    return programme


def _targets(year=2026) -> dict:
    return dict(FamilyConvergence.objects.filter(run__year=year).values_list(
        "family__source_id", "target"))


def test_the_secretariat_sets_the_target_and_the_figures_follow(personas, region, capsys):
    client = personas.client_for(personas.tkpk_bandung)
    url = reverse("convergence:targets", args=["32.04"])
    page = client.get(url)
    assert page.status_code == 200 and not page.context["own"]
    assert _targets() == {"P001": True, "P002": True, "P003": True}  # desil 1–3

    response = client.post(url, {"statuses": ["1", "2", "3"], "desil_max": "2"})
    assert response.status_code == 302
    rules = TargetRules.objects.get(region_id="32.04")
    assert rules.target_statuses == [1, 2, 3] and rules.desil_max == 2
    assert _targets() == {"P001": True, "P002": True, "P003": False}
    run = ConvergenceRun.objects.get(year=2026)
    assert run.config["target_desil"] == [None, 2]
    entry = AuditEntry.objects.get(action="convergence.target_rules")
    assert entry.actor == personas.tkpk_bandung
    assert entry.changes["desil_max"] == [None, 2]
    assert AuditEntry.objects.filter(action="convergence.refresh",
                                     actor=personas.tkpk_bandung).exists()
    capsys.readouterr()
    call_command("convergence", "--region", "32.04", "--period", "2026", "--json")
    figures = json.loads(capsys.readouterr().out)
    assert figures["target_desil"] == [None, 2] and figures["target_families"] == 2
    # A desa inherits the kabupaten's rule.
    assert target_rules("32.04.05.2001").owner == "32.04"
    # Nothing ticked: back to the default.
    client.post(url, {"statuses": []})
    assert not TargetRules.objects.exists()
    assert _targets()["P003"] is True


def test_an_empty_desil_range_is_refused(personas, region):
    client = personas.client_for(personas.tkpk_bandung)
    page = client.post(reverse("convergence:targets", args=["32.04"]),
                       {"statuses": ["1"], "desil_min": "5", "desil_max": "2"})
    assert page.status_code == 200 and page.context["form"].errors
    assert not TargetRules.objects.exists()


def test_only_the_regions_secretariat_sets_its_target(personas, region):
    url = reverse("convergence:targets", args=["32.04"])
    for user in (personas.dinsos_officer, personas.tkpk_cirebon, personas.viewer,
                 personas.village_operator):
        assert personas.client_for(user).post(url, {"statuses": ["1"]}).status_code == 404
    desa = reverse("convergence:targets", args=["32.04.05.2001"])
    assert personas.client_for(personas.tkpk_bandung).get(desa).status_code == 404
    assert not TargetRules.objects.exists()


def _worklist(client, need="housing", year=2026):
    return client.get(reverse("convergence:worklist", args=["32.04"]),
                      {"year": year, "need": need})


def test_an_officer_plans_next_year_from_the_worklist(personas, region):
    client = personas.client_for(personas.dinsos_officer)
    page = _worklist(client)
    listed = [r["family"].pk for r in page.context["rows"]]
    assert len(listed) == 2 and page.context["plan_form"] is not None  # P002, P003
    url = reverse("convergence:worklist-plan", args=["32.04"]) + "?year=2026&need=housing"
    client.post(url, {"programme": region.pk, "year": 2027, "value": 50_000,
                      "scope": "selected", "family": [listed[0]]})
    planned = Intervention.objects.filter(year=2027, status="planned")
    assert list(planned.values_list("family_id", flat=True)) == [listed[0]]
    client.post(url, {"programme": region.pk, "year": 2027, "value": 50_000, "scope": "all"})
    assert sorted(planned.values_list("family_id", flat=True)) == sorted(listed)
    # Again: nothing is duplicated.
    client.post(url, {"programme": region.pk, "year": 2027, "value": 50_000, "scope": "all"})
    assert planned.count() == 2 and planned.filter(value=50_000).count() == 2
    counts = [e.changes["planned"] for e in
              AuditEntry.objects.filter(action="programs.interventions_plan").order_by("pk")]
    assert counts == [1, 1, 0]
    # Planned help is not help received.
    assert set(FamilyConvergence.objects.filter(run__year=2027, programmes__gt=0)
               .values_list("family__source_id", flat=True)) == set()


def test_planning_needs_a_programme_of_ones_own_addressing_the_need(personas, region):
    url = reverse("convergence:worklist-plan", args=["32.04"]) + "?year=2026&need=housing"
    data = {"programme": region.pk, "year": 2027, "value": 0, "scope": "all"}
    # A partner without a housing programme: no form, and the action is not found.
    partner = personas.client_for(personas.csr_partner)
    assert _worklist(partner).context["plan_form"] is None
    assert partner.post(url, data).status_code == 404
    # A village operator sees the worklist of their desa, plans nothing.
    village = personas.client_for(personas.village_operator)
    assert village.post(url.replace("32.04/", "32.04.05.2001/"), data).status_code == 404
    # A need the programme does not address: refused.
    officer = personas.client_for(personas.dinsos_officer)
    other = reverse("convergence:worklist-plan", args=["32.04"]) + "?year=2026&need=water"
    assert officer.post(other, data).status_code == 404
    assert not Intervention.objects.filter(status="planned").exists()


def test_planning_outside_the_programmes_period_is_refused(personas, region):
    """RTLH Daerah runs 2026–2027: a plan for 2028 is refused with the reason, on the page
    and in the service, and nothing is written."""
    from django.core.exceptions import ValidationError

    from konvergen.programs.services import interventions_plan

    client = personas.client_for(personas.dinsos_officer)
    url = reverse("convergence:worklist-plan", args=["32.04"]) + "?year=2026&need=housing"
    page = client.post(url, {"programme": region.pk, "year": 2028, "value": 0, "scope": "all"},
                       follow=True)
    shown = [str(m) for m in page.context["messages"]]
    assert len(shown) == 1 and all(x in shown[0] for x in ("RTLH Daerah", "2026", "2027", "2028"))
    assert not Intervention.objects.filter(status="planned").exists()
    with pytest.raises(ValidationError):
        interventions_plan(programme=region, families=Family.objects.all(),
                           family_field="id", year=2025, acting_user=personas.admin)
    assert not Intervention.objects.filter(status="planned").exists()
