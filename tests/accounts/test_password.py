"""Password change (signed in) and reset by e-mail, audited and throttled."""

import re

from django.test import override_settings
from django.urls import reverse

from konvergen.audit.models import AuditEntry

NEW = "Sandi-Baru-2026!"


def test_a_signed_in_user_changes_its_password(personas):
    officer = personas.dinsos_officer
    client = personas.client_for(officer)
    response = client.post(reverse("accounts:password-change"), {
        "old_password": personas.PASSWORD, "new_password1": NEW, "new_password2": NEW})
    assert response.status_code == 302
    officer.refresh_from_db()
    assert officer.check_password(NEW)
    assert AuditEntry.objects.filter(action="accounts.password_change", actor=officer).exists()
    # Still signed in.
    assert client.get(reverse("accounts:account")).status_code == 200


def test_a_wrong_old_password_names_the_field(personas):
    client = personas.client_for(personas.dinsos_officer)
    response = client.post(reverse("accounts:password-change"), {
        "old_password": "salah", "new_password1": NEW, "new_password2": NEW})
    assert response.status_code == 200 and "old_password" in response.context["form"].errors


def test_password_reset_by_email(personas, client, mailoutbox):
    officer = personas.dinsos_officer
    officer.email = "dinsos@example.org"
    officer.save(update_fields=["email"])
    response = client.post(reverse("accounts:password-reset"), {"email": "DINSOS@example.org"})
    assert response.status_code == 302 and response.url == reverse("accounts:password-reset-done")
    assert len(mailoutbox) == 1 and mailoutbox[0].to == ["dinsos@example.org"]
    link = re.search(r"https?://\S+/accounts/password-reset/\S+/\S+/", mailoutbox[0].body)[0]
    path = link.split("://", 1)[1].split("/", 1)[1]
    form_page = client.get("/" + path, follow=True)
    assert form_page.context["validlink"]
    done = client.post(form_page.redirect_chain[-1][0],
                       {"new_password1": NEW, "new_password2": NEW})
    assert done.status_code == 302 and done.url == reverse("accounts:password-reset-complete")
    officer.refresh_from_db()
    assert officer.check_password(NEW)
    assert AuditEntry.objects.filter(action="accounts.password_reset", actor=officer).exists()
    # The link works once.
    assert not client.get("/" + path, follow=True).context["validlink"]


def test_unknown_addresses_get_the_same_answer_and_no_mail(personas, client, mailoutbox):
    response = client.post(reverse("accounts:password-reset"), {"email": "nobody@example.org"})
    assert response.status_code == 302 and mailoutbox == []


@override_settings(PASSWORD_RESET_LIMIT=2)
def test_reset_requests_are_throttled(personas, client, mailoutbox):
    url = reverse("accounts:password-reset")
    for _ in range(2):
        assert client.post(url, {"email": "x@example.org"}).status_code == 302
    response = client.post(url, {"email": "x@example.org"})
    assert response.status_code == 200
    assert response.context["form"].has_error("email", code="reset_limited")
