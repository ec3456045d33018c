"""Invitation links: signed, expiring, single use, replaced by a newer invitation."""

from datetime import timedelta
from unittest import mock

from django.urls import reverse

from konvergen.accounts import services, tokens
from konvergen.accounts.models import Role
from konvergen.audit.models import AuditEntry

NEW_PASSWORD = "Sandi-Baru-2026!"


def _invitee(personas):
    return services.user_invite(username="undangan", full_name="Tamu Undangan",
                                email="tamu@example.org", role=Role.VIEWER,
                                region=personas.bandung, acting_user=personas.tkpk_bandung)


def _accept(client, token):
    return client.post(reverse("accounts:invitation", kwargs={"token": token}),
                       {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})


def test_the_link_sets_the_password_once(personas, client):
    user = _invitee(personas)
    token = tokens.invitation_token(user)
    assert tokens.invitation_user(token) == user
    response = _accept(client, token)
    assert response.status_code == 302 and response.url == reverse("accounts:login")
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    assert AuditEntry.objects.filter(action="accounts.invitation_accept", actor=user).exists()
    # Single use: the same link no longer works.
    assert tokens.invitation_user(token) is None
    page = client.get(reverse("accounts:invitation", kwargs={"token": token}))
    assert 'id="invalid-link"' in page.content.decode()
    assert client.login(username="undangan", password=NEW_PASSWORD)


def test_the_link_expires(personas, settings):
    settings.KONVERGEN_INVITATION_DAYS = 7
    user = _invitee(personas)
    token = tokens.invitation_token(user)
    later = __import__("time").time() + timedelta(days=8).total_seconds()
    with mock.patch("django.core.signing.time.time", return_value=later):
        assert tokens.invitation_user(token) is None
    assert tokens.invitation_user(token) == user


def test_a_new_invitation_replaces_the_old_link(personas):
    user = _invitee(personas)
    old = tokens.invitation_token(user)
    services.invitation_renew(user=user, acting_user=personas.tkpk_bandung)
    user.refresh_from_db()
    assert tokens.invitation_user(old) is None
    assert tokens.invitation_user(tokens.invitation_token(user)) == user


def test_forged_and_deactivated_links_fail(personas, client):
    user = _invitee(personas)
    token = tokens.invitation_token(user)
    assert tokens.invitation_user(token[:-2] + "xx") is None
    services.user_set_active(user=user, active=False, acting_user=personas.tkpk_bandung)
    assert tokens.invitation_user(token) is None
    assert _accept(client, token).status_code == 200
