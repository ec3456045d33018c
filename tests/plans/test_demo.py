"""``demo-plans``: plans with items and TW I reports in several sign-off states; re-run safe."""

import io

from django.core.management import call_command

from konvergen.organisations.models import OrganisationKind, Pentahelix
from konvergen.organisations.services import organisation_get_or_create
from konvergen.plans.models import ActionPlan, QuarterReport
from konvergen.programs.models import Programme
from tests.plans.conftest import YEAR


def test_demo_plans(personas):
    personas.admin  # noqa: B018 (the demo's administrator signs off)
    for short in ("Dinkes", "Disperkim", "DKUMPP", "BAZNAS"):
        organisation_get_or_create(region=personas.bandung, name=f"Demo {short}",
                                   short_name=short, kind=OrganisationKind.AGENCY,
                                   pentahelix=Pentahelix.GOVERNMENT)
    dkumpp = personas.bandung.organisations.get(short_name="DKUMPP")
    modal = Programme.objects.create(
        code="modal-usaha", name="Modal Usaha", organisation=dkumpp, region=personas.bandung,
        strategy="umkm", stage="individual", sector="umkm", funding_source="apbd_regency",
        year_start=YEAR, year_end=YEAR)
    out = io.StringIO()
    call_command("demo-plans", region="32.04", year=YEAR, stdout=out)
    states = dict(QuarterReport.objects.filter(quarter=1).values_list(
        "plan__organisation__short_name", "state"))
    assert states == {"Dinsos": "approved", "Dinkes": "verified", "Disperkim": "submitted",
                      "DKUMPP": "returned", "BAZNAS": "draft"}
    plan = ActionPlan.objects.get(organisation=dkumpp)
    assert plan.items.filter(programme=modal).count() == 1
    assert plan.reports.get().return_note
    assert ActionPlan.objects.get(organisation__short_name="Dinsos").state == "approved"
    call_command("demo-plans", region="32.04", year=YEAR, stdout=io.StringIO())
    assert ActionPlan.objects.count() == 5
