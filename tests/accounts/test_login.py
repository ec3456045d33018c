from django.test import override_settings
from django.urls import reverse

from konvergen.accounts.forms import LOCKED


@override_settings(LOGIN_FAILURE_LIMIT=3)
def test_repeated_failed_sign_ins_are_throttled(personas, client):
    personas.village_operator  # noqa: B018
    login = reverse("accounts:login")
    username = personas.village_operator.username
    for _ in range(3):
        response = client.post(login, {"username": username, "password": "salah"})
        assert response.status_code == 200 and "locked" not in str(response.context["form"].errors)
    # Even the right password is refused while the account is throttled.
    response = client.post(login, {"username": username, "password": personas.PASSWORD})
    assert response.status_code == 200
    assert response.context["form"].has_error("__all__", code="locked")
    assert str(LOCKED % {"minutes": 15}) in response.content.decode()


def test_a_correct_password_signs_in_and_clears_failures(personas, client):
    personas.village_operator  # noqa: B018
    username = personas.village_operator.username
    client.post(reverse("accounts:login"), {"username": username, "password": "salah"})
    response = client.post(
        reverse("accounts:login"), {"username": username, "password": personas.PASSWORD}
    )
    assert response.status_code == 302
    from konvergen.accounts.models import LoginAttempt

    assert not LoginAttempt.objects.filter(username=username).exists()
