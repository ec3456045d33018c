"""Who may see what, told as stories about the personas."""

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404

from konvergen.accounts import access
from konvergen.accounts.services import role_assignment_create


def test_a_tkpk_secretary_of_bandung_covers_bandung_and_everything_below(personas):
    user = personas.tkpk_bandung
    assert access.scope_codes(user) == ["32.04"]
    assert access.access_region(user, "32.04.05.2001").name == "Cileunyi Kulon"
    with pytest.raises(Http404):
        access.access_region(user, "32.09")  # Kabupaten Cirebon
    with pytest.raises(Http404):
        access.access_region(user, "32")  # the province above


def test_a_village_operator_sees_only_their_village(personas):
    user = personas.village_operator
    assert access.access_region(user, "32.04.05.2001").code == "32.04.05.2001"
    for other in ("32.04.05.2002", "32.04.05", "32.04"):
        with pytest.raises(Http404):
            access.access_region(user, other)


def test_not_found_and_not_allowed_give_the_same_answer(personas):
    user = personas.village_operator
    with pytest.raises(Http404) as missing:
        access.access_region(user, "32.04.05.2999")
    with pytest.raises(Http404) as forbidden:
        access.access_region(user, "32.04.05.2002")
    assert str(missing.value) == str(forbidden.value)


def test_personal_data_is_for_roles_whose_work_needs_it(personas):
    code = "32.04.05.2001"
    assert access.can_view_personal_data(personas.tkpk_bandung, code)
    assert access.can_view_personal_data(personas.dinsos_officer, code)
    assert access.can_view_personal_data(personas.village_operator, code)
    assert access.can_view_personal_data(personas.csr_partner, code)
    assert not access.can_view_personal_data(personas.viewer, code)
    assert not access.can_view_personal_data(personas.national, code)
    assert not access.can_view_personal_data(personas.outsider, code)
    assert not access.can_view_personal_data(personas.tkpk_cirebon, code)
    assert not access.can_view_personal_data(personas.village_operator, "32.04.05.2002")
    assert access.can_view_personal_data(personas.admin, code)


def test_a_viewer_sees_personal_data_only_when_granted(personas):
    from konvergen.accounts.services import user_create

    granted = user_create(username="inspektorat", password="x-Rahasia-99")
    role_assignment_create(user=granted, role="viewer", region=personas.bandung, personal_data=True)
    assert access.can_view_personal_data(granted, "32.04.05.2001")


def test_an_outsider_has_no_scope_and_no_features(personas):
    user = personas.outsider
    assert access.scope_codes(user) == []
    assert not access.has_feature(user, "regions")
    with pytest.raises(Http404):
        access.access_region(user, "32.04")


def test_only_administrators_and_the_secretariat_browse_the_audit_log(personas):
    assert access.has_feature(personas.tkpk_bandung, "audit")
    assert access.has_feature(personas.admin, "audit")
    for user in (
        personas.dinsos_officer,
        personas.village_operator,
        personas.viewer,
        personas.csr_partner,
        personas.national,
    ):
        assert not access.has_feature(user, "audit")
        with pytest.raises(Http404):
            access.access_audit_entries(user)


def test_assignments_are_validated(personas):
    from konvergen.accounts.services import user_create

    user = user_create(username="baru", password="x-Rahasia-99")
    with pytest.raises(ValidationError):
        role_assignment_create(user=user, role="agency", region=personas.bandung)
    with pytest.raises(ValidationError):
        role_assignment_create(user=user, role="village", region=personas.bandung)
    with pytest.raises(ValidationError):
        role_assignment_create(
            user=user, role="tkpk", region=personas.bandung, organisation=personas.dinsos
        )
    with pytest.raises(ValidationError):
        role_assignment_create(
            user=user, role="agency", region=personas.cirebon, organisation=personas.dinsos
        )


def test_masking_keeps_only_what_tells_records_apart():
    assert access.mask_nik("3204054107850003") == "3204**********03"
    assert access.mask_name("Siti Aminah") == "S*** A*****"
    assert access.mask_nik("") == "" and access.mask_name(None) == ""
