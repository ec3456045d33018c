"""The secretariat of Kabupaten Bandung manages the users of its kabupaten: it invites, grants
and removes roles inside its scope, never outside it, never administrator or national
coordinator, cannot touch users who also work elsewhere and cannot lock itself out. Every
change leaves an audit row."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from konvergen.accounts import access, services
from konvergen.accounts.models import Role, RoleAssignment, User
from konvergen.audit.models import AuditEntry


def _invite(personas, manager, username="petugas_baru", role=Role.AGENCY, region=None,
            organisation="dinsos"):
    org = getattr(personas, organisation) if organisation else None
    return services.user_invite(
        username=username, full_name="Petugas Baru", email=f"{username}@example.org",
        role=role, region=region or personas.bandung, organisation=org,
        acting_user=manager)


def test_the_secretariat_invites_an_agency_officer_of_its_kabupaten(personas):
    user = _invite(personas, personas.tkpk_bandung)
    assert not user.has_usable_password() and user.is_active
    assignment = RoleAssignment.objects.get(user=user)
    assert (assignment.role, assignment.region_id, assignment.organisation_id) == (
        Role.AGENCY, "32.04", personas.dinsos.pk)
    actions = set(AuditEntry.objects.filter(actor=personas.tkpk_bandung)
                  .values_list("action", flat=True))
    assert {"accounts.user_invite", "accounts.role_grant"} <= actions
    invite = AuditEntry.objects.get(action="accounts.user_invite", object_id=str(user.pk))
    assert invite.region_code == "32.04" and invite.changes["role"] == Role.AGENCY


@pytest.mark.parametrize("role", [Role.ADMIN, Role.NATIONAL])
def test_the_secretariat_never_grants_administrator_or_national(personas, role):
    with pytest.raises(ValidationError) as exc:
        _invite(personas, personas.tkpk_bandung, role=role, organisation=None)
    assert exc.value.code == "not_grantable"
    assert not User.objects.filter(username="petugas_baru").exists()


def test_the_secretariat_never_grants_a_role_outside_its_kabupaten(personas):
    with pytest.raises(ValidationError):
        _invite(personas, personas.tkpk_bandung, role=Role.VIEWER, region=personas.cirebon,
                organisation=None)
    # Nor the province above it.
    with pytest.raises(ValidationError):
        _invite(personas, personas.tkpk_bandung, role=Role.VIEWER,
                region=personas.bandung.parent, organisation=None)
    officer = personas.dinsos_officer
    with pytest.raises(ValidationError):
        services.user_role_grant(user=officer, role=Role.VIEWER, region=personas.cirebon,
                                 acting_user=personas.tkpk_bandung)


def test_an_administrator_may_grant_national(personas):
    user = _invite(personas, personas.admin, role=Role.NATIONAL, organisation=None,
                   region=personas.bandung.parent)
    assert RoleAssignment.objects.get(user=user).role == Role.NATIONAL


def test_users_with_a_role_elsewhere_are_read_only(personas):
    officer = personas.dinsos_officer
    assert access.may_manage_user(personas.tkpk_bandung, officer)
    services.role_assignment_create(user=officer, role=Role.VIEWER, region=personas.cirebon)
    officer = User.objects.get(pk=officer.pk)
    # Still listed (a role in Bandung), but no longer changeable by Bandung's secretariat.
    assert User.objects.filter(access.users_q(personas.tkpk_bandung), pk=officer.pk).exists()
    assert not access.may_manage_user(personas.tkpk_bandung, officer)
    with pytest.raises(ValidationError) as exc:
        services.user_set_active(user=officer, active=False, acting_user=personas.tkpk_bandung)
    assert exc.value.code == "not_yours"
    # The secretariat of Cirebon cannot either; an administrator can.
    assert not access.may_manage_user(personas.tkpk_cirebon, officer)
    assert access.may_manage_user(personas.admin, officer)


def test_other_regions_users_are_invisible(personas):
    cirebon, officer = personas.tkpk_cirebon, personas.dinsos_officer
    visible = User.objects.filter(access.users_q(personas.tkpk_bandung))
    admin = personas.admin
    assert cirebon not in visible and officer in visible
    assert admin not in visible  # superusers without a role in scope


def test_grant_and_revoke_roles_within_scope_are_audited(personas):
    officer = personas.dinsos_officer
    added = services.user_role_grant(user=officer, role=Role.VILLAGE,
                                     region=personas.cileunyi_kulon,
                                     acting_user=personas.tkpk_bandung)
    services.user_role_revoke(assignment=added, acting_user=personas.tkpk_bandung)
    assert list(AuditEntry.objects.filter(actor=personas.tkpk_bandung)
                .order_by("id").values_list("action", flat=True)) == [
        "accounts.role_grant", "accounts.role_revoke"]


def test_a_users_last_role_is_not_removed(personas):
    officer = personas.dinsos_officer
    with pytest.raises(ValidationError) as exc:
        services.user_role_revoke(assignment=officer.role_assignments.get(),
                                  acting_user=personas.tkpk_bandung)
    assert exc.value.code == "last_assignment"


def test_the_secretariat_cannot_lock_itself_out(personas):
    me = personas.tkpk_bandung
    with pytest.raises(ValidationError) as exc:
        services.user_set_active(user=me, active=False, acting_user=me)
    assert exc.value.code == "own_account"
    # With a second role it still cannot drop its own last secretariat role.
    services.user_role_grant(user=me, role=Role.VIEWER, region=personas.bandung,
                             acting_user=me)
    with pytest.raises(ValidationError) as exc:
        services.user_role_revoke(assignment=me.role_assignments.get(role=Role.TKPK),
                                  acting_user=me)
    assert exc.value.code == "own_last_secretariat"


def test_deactivate_and_reactivate(personas, client):
    officer = personas.dinsos_officer
    services.user_set_active(user=officer, active=False, acting_user=personas.tkpk_bandung)
    assert not User.objects.get(pk=officer.pk).is_active
    response = client.post(reverse("accounts:login"),
                           {"username": officer.username, "password": personas.PASSWORD})
    assert response.status_code == 200  # refused
    services.user_set_active(user=officer, active=True, acting_user=personas.tkpk_bandung)
    assert list(AuditEntry.objects.filter(object_id=str(officer.pk),
                                          object_type="accounts.user")
                .order_by("id").values_list("action", flat=True))[-2:] == [
        "accounts.user_deactivate", "accounts.user_reactivate"]


# --- Through the pages ----------------------------------------------------------------------

def test_invite_page_shows_the_link_and_emails_it(personas, mailoutbox,
                                                  django_capture_on_commit_callbacks):
    client = personas.client_for(personas.tkpk_bandung)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("accounts:user-invite"), {
            "username": "operator_baru", "full_name": "Operator Baru",
            "email": "operator@example.org", "role": "village", "region": "32.04.05.2001",
        })
    user = User.objects.get(username="operator_baru")
    assert response.status_code == 302 and response.url == reverse(
        "accounts:user", kwargs={"user_id": user.pk})
    page = client.get(response.url).content.decode()
    assert len(mailoutbox) == 1 and mailoutbox[0].to == ["operator@example.org"]
    link = next(w for w in mailoutbox[0].body.split() if "/accounts/invitation/" in w)
    assert link in page
    # Shown once.
    assert link not in client.get(response.url).content.decode()


@pytest.mark.parametrize("data, field, message", [
    ({"region": "32.09"}, "region", "Region"),
    ({"region": "99.99"}, "region", "Region"),
    ({"role": "admin"}, "role", "Role"),
    ({"organisation": ""}, "organisation", "Organisation"),
    ({"role": "village"}, "region", "Region"),
    ({"username": "tkpk_bandung"}, "username", "Username"),
    ({"email": "not-an-address"}, "email", ""),
])
def test_bad_invitations_name_the_field(personas, data, field, message):
    client = personas.client_for(personas.tkpk_bandung)
    form = {"username": "baru", "full_name": "Baru", "email": "baru@example.org",
            "role": "agency", "region": "32.04", "organisation": personas.dinsos.pk, **data}
    response = client.post(reverse("accounts:user-invite"), form)
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert field in errors, errors
    with translation.override("en"):
        assert str(errors[field][0]).startswith(message)
    assert not User.objects.filter(username="baru").exists()


def test_the_user_page_adds_and_removes_roles(personas):
    client = personas.client_for(personas.tkpk_bandung)
    officer = personas.dinsos_officer
    url = reverse("accounts:user", kwargs={"user_id": officer.pk})
    response = client.post(url, {"action": "add_role", "role": "village",
                                 "region": "32.04.05.2002"})
    assert response.status_code == 302
    added = officer.role_assignments.get(role="village")
    client.post(url, {"action": "remove_role", "assignment": added.pk})
    assert not officer.role_assignments.filter(role="village").exists()
    # Removing the last role is refused with a message.
    response = client.post(url, {"action": "remove_role",
                                 "assignment": officer.role_assignments.get().pk},
                           follow=True)
    assert officer.role_assignments.count() == 1
    with translation.override("id"):
        assert str(services.LAST_ASSIGNMENT) in [m.message for m in response.context["messages"]]


def test_read_only_users_refuse_changes(personas):
    officer = personas.dinsos_officer
    services.role_assignment_create(user=officer, role=Role.VIEWER, region=personas.cirebon)
    client = personas.client_for(personas.tkpk_bandung)
    url = reverse("accounts:user", kwargs={"user_id": officer.pk})
    page = client.get(url)
    assert page.status_code == 200 and 'id="read-only"' in page.content.decode()
    assert client.post(url, {"action": "deactivate"}).status_code == 404
    assert User.objects.get(pk=officer.pk).is_active


def test_the_navigation_shows_users_to_the_secretariat_only(personas):
    label = "Pengguna"
    assert label in personas.client_for(personas.tkpk_bandung).get("/").content.decode()
    assert label not in personas.client_for(personas.dinsos_officer).get("/").content.decode()


def test_errors_are_in_indonesian_by_default(personas):
    client = personas.client_for(personas.tkpk_bandung)
    response = client.post(reverse("accounts:user-invite"), {
        "username": "baru", "full_name": "Baru", "email": "baru@example.org",
        "role": "viewer", "region": "32.09"})
    assert "Wilayah: tidak ada wilayah aktif" in response.content.decode()
