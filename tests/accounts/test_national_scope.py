"""The national coordinator's scope: several provinces (one assignment each) or the whole
country (one assignment without a region, for national coordinators only), and filters
built from a whole-country scope that stay whole when combined."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.http import Http404

from konvergen.accounts import access
from konvergen.accounts.models import RoleAssignment
from konvergen.accounts.services import role_assignment_create, user_create
from konvergen.audit.models import AuditEntry
from konvergen.regions.models import Region
from tests.agglomerations.conftest import load_jawa_tengah, make_user


@pytest.fixture
def taskin(personas):
    """BP Taskin's coordinator of Jawa Barat and Jawa Tengah."""
    load_jawa_tengah()
    return make_user("taskin", "national", "32", "33")


@pytest.fixture
def taskin_country(personas):
    load_jawa_tengah()
    return make_user("taskin_nasional", "national", None)


def test_a_national_coordinator_of_two_provinces_covers_both_and_nothing_else(taskin):
    assert access.scope_codes(taskin) == ["32", "33"]
    assert access.access_region(taskin, "33.29").name == "Kabupaten Brebes"
    assert access.access_region(taskin, "32.12").name == "Kabupaten Indramayu"
    with pytest.raises(Http404):
        access.access_region(taskin, "31")  # DKI Jakarta: not covered (nor loaded)
    assert not access.covers_any(access.scope_codes(taskin), "34.01")
    # National coordinators see aggregates, not names, unless an assignment grants it.
    assert not access.can_view_personal_data(taskin, "32.04.05.2001")
    assert access.agglomeration_manage_scopes(taskin) == ["32", "33"]
    regions = Region.objects.filter(access.scope_q(access.scope_codes(taskin)), level=1)
    assert sorted(regions.values_list("code", flat=True)) == ["32", "33"]


def test_a_national_coordinator_of_the_whole_country_holds_one_assignment_without_region(
        taskin_country):
    assignment = taskin_country.role_assignments.get()
    assert assignment.region is None and str(assignment).endswith("@ Indonesia")
    assert access.scope_codes(taskin_country) == [access.WHOLE_COUNTRY]
    assert access.covers_any(access.scope_codes(taskin_country, feature="plans"), "33.29")
    assert access.access_region(taskin_country, "33.29").code == "33.29"
    assert access.agglomeration_manage_scopes(taskin_country) == [access.WHOLE_COUNTRY]
    # A whole-country scope still gives only the national coordinator's features.
    assert not access.has_feature(taskin_country, "audit")
    assert not access.has_feature(taskin_country, "register_import")
    assert not access.can_view_personal_data(taskin_country, "32.04.05.2001")
    grant = AuditEntry.objects.filter(action="accounts.role_grant").latest("id")
    assert grant.region_code == "" and grant.changes["region"] == ""
    # The home page names the whole country.
    page = access_home(taskin_country)
    assert "Seluruh Indonesia" in page


def access_home(user) -> str:
    from django.test import Client

    client = Client()
    client.force_login(user)
    return client.get("/").content.decode()


def test_personal_data_across_the_country_only_when_granted(personas):
    user = user_create(username="inspektur_nasional", password="x-Rahasia-99")
    role_assignment_create(user=user, role="national", region=None, personal_data=True)
    assert access.can_view_personal_data(user, "32.04.05.2001")


def test_only_a_national_coordinator_covers_the_whole_country_and_only_once(personas):
    user = user_create(username="calon", password="x-Rahasia-99")
    for role in ("tkpk", "viewer", "agency", "village", "admin"):
        with pytest.raises(ValidationError):
            role_assignment_create(user=user, role=role, region=None)
    role_assignment_create(user=user, role="national", region=None)
    with pytest.raises(ValidationError):
        role_assignment_create(user=user, role="national", region=None)
    # The database says so too, whatever writes the row.
    with pytest.raises(IntegrityError), transaction.atomic():
        RoleAssignment.objects.create(user=user, role="tkpk", region=None)
    with pytest.raises(IntegrityError), transaction.atomic():
        RoleAssignment.objects.create(user=user, role="national", region=None)


def test_a_whole_country_filter_stays_whole_when_combined(personas, taskin_country):
    from django.db.models import Q

    everything = Region.objects.count()
    whole = access.scope_q([access.WHOLE_COUNTRY])
    # ``Q() | other`` would be ``other`` alone: the whole country must not shrink so.
    assert Region.objects.filter(whole | Q(code="32.04")).count() == everything
    assert Region.objects.filter(whole & Q(level=1)).count() == Region.objects.filter(
        level=1).count()
    # The plans a country-wide national coordinator reads: every one, as for a province.
    from konvergen.plans.models import ActionPlan
    from konvergen.plans.services import plan_create

    plan = plan_create(organisation=personas.dinsos, region=personas.bandung, year=2026,
                       acting_user=personas.dinsos_officer)
    assert list(ActionPlan.objects.filter(access.plans_q(taskin_country))) == [plan]
    assert list(ActionPlan.objects.filter(access.plans_q(personas.national))) == [plan]
