"""Optional two-factor sign-in: enrol with a code, sign in with password then code, disable
with a code. Users without an authenticator app are never asked."""

import time

import pyotp
import pytest
from django.test import Client
from django.urls import reverse

from konvergen.accounts import services
from konvergen.accounts.models import TotpDevice
from konvergen.audit.models import AuditEntry


def _code(secret, offset=0):
    return pyotp.TOTP(secret).at(time.time() + offset)


def _enrolled(personas):
    user = personas.dinsos_officer
    device = services.totp_enrol_start(user=user)
    # Enrolled with the previous step's code, so the current and next steps stay free.
    services.totp_confirm(user=user, code=_code(device.secret, -30))
    device.refresh_from_db()
    return user, device


def test_enrol_shows_the_qr_code_and_confirms_with_a_code(personas):
    user = personas.dinsos_officer
    client = personas.client_for(user)
    page = client.get(reverse("accounts:totp-enrol"))
    body = page.content.decode()
    device = TotpDevice.objects.get(user=user)
    assert "<svg" in body and device.secret in body and "otpauth://totp/" in body
    wrong = client.post(reverse("accounts:totp-enrol"), {"code": "000000"})
    assert wrong.status_code == 200 and "code" in wrong.context["form"].errors
    ok = client.post(reverse("accounts:totp-enrol"), {"code": _code(device.secret)})
    assert ok.status_code == 302
    device.refresh_from_db()
    assert device.confirmed_at is not None
    assert AuditEntry.objects.filter(action="accounts.totp_enable", actor=user).exists()


def test_sign_in_asks_for_the_code_before_any_page(personas):
    user, device = _enrolled(personas)
    client = Client()
    response = client.post(reverse("accounts:login"),
                           {"username": user.username, "password": personas.PASSWORD})
    assert response.status_code == 302
    home = client.get("/")
    assert home.status_code == 302 and home.url.startswith(reverse("accounts:totp-verify"))
    assert client.get("/register/families/").status_code == 302
    wrong = client.post(reverse("accounts:totp-verify"), {"code": "123456", "next": "/"})
    assert wrong.status_code == 200 and "code" in wrong.context["form"].errors
    # The code already used at enrolment is refused (no replay); the next step's is taken.
    assert client.post(reverse("accounts:totp-verify"),
                       {"code": _code(device.secret, -30)}).status_code == 200
    ok = client.post(reverse("accounts:totp-verify"),
                     {"code": _code(device.secret), "next": "/register/families/"})
    assert ok.status_code == 302 and ok.url == "/register/families/"
    assert client.get("/").status_code == 200


def test_users_without_an_app_are_not_asked(personas):
    client = Client()
    personas.viewer  # noqa: B018
    client.post(reverse("accounts:login"),
                {"username": personas.viewer.username, "password": personas.PASSWORD})
    assert client.get("/").status_code == 200


@pytest.mark.django_db
def test_too_many_wrong_codes_sign_out(personas, settings):
    settings.LOGIN_FAILURE_LIMIT = 3
    user, _device = _enrolled(personas)
    client = Client()
    client.post(reverse("accounts:login"),
                {"username": user.username, "password": personas.PASSWORD})
    for _ in range(2):
        assert client.post(reverse("accounts:totp-verify"), {"code": "111111"}).status_code == 200
    response = client.post(reverse("accounts:totp-verify"), {"code": "111111"})
    assert response.status_code == 302 and response.url == reverse("accounts:login")
    assert client.get("/").status_code == 302


def test_disable_needs_a_code(personas):
    user, device = _enrolled(personas)
    client = personas.client_for(user)
    # force_login is a sign-in too: the session owes its code first.
    assert client.get(reverse("accounts:totp-disable")).status_code == 302
    client.post(reverse("accounts:totp-verify"), {"code": _code(device.secret)})
    wrong = client.post(reverse("accounts:totp-disable"), {"code": "000000"})
    assert wrong.status_code == 200 and TotpDevice.objects.filter(user=user).exists()
    ok = client.post(reverse("accounts:totp-disable"), {"code": _code(device.secret, 30)})
    assert ok.status_code == 302 and not TotpDevice.objects.filter(user=user).exists()
    assert AuditEntry.objects.filter(action="accounts.totp_disable", actor=user).exists()
