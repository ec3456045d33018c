"""Tokens, scopes, rate limits and the audit row of every call."""

import pytest
from django.core.management import call_command

from konvergen.api import messages
from konvergen.api.models import ApiClient
from konvergen.api.services import api_client_revoke, token_digest
from konvergen.audit.models import AuditEntry
from tests.api.conftest import Api


def test_a_call_without_a_token_is_refused_with_a_bilingual_401(personas):
    response = Api(None).get("/families")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Bearer"
    body = response.json()
    assert body["code"] == "unauthorised"
    assert body["message_id"] == messages.UNAUTHORISED.id
    assert body["message_en"] == messages.UNAUTHORISED.en


@pytest.mark.parametrize("token", ["kvg_deadbeef_wrong", "nonsense", "kvg__", ""])
def test_a_wrong_token_is_refused(personas, api_for, token):
    api_for(personas.tkpk_bandung)  # a real client exists, its token is not this one
    assert Api(token).get("/families").status_code == 401


def test_a_token_with_a_known_prefix_but_another_secret_is_refused(personas, api_for):
    api = api_for(personas.tkpk_bandung)
    forged = api.token[:-4] + "AAAA"
    assert Api(forged).get("/families").status_code == 401
    assert api.get("/families").status_code == 200


def test_only_the_digest_of_the_token_is_stored(personas, api_for):
    api = api_for(personas.tkpk_bandung)
    stored = ApiClient.objects.get(pk=api.client.pk)
    assert stored.token_sha256 == token_digest(api.token)
    assert api.token not in str(list(ApiClient.objects.values()))


def test_a_revoked_client_is_refused(personas, api_for):
    api = api_for(personas.tkpk_bandung)
    assert api.get("/families").status_code == 200
    api_client_revoke(client=api.client, acting_user=personas.admin)
    assert api.get("/families").status_code == 401
    assert AuditEntry.objects.filter(action="api.client_revoke",
                                     object_id=str(api.client.pk)).exists()


def test_the_client_of_an_inactive_account_is_refused(personas, api_for):
    api = api_for(personas.tkpk_bandung)
    user = personas.tkpk_bandung
    user.is_active = False
    user.save(update_fields=["is_active"])
    assert api.get("/families").status_code == 401


def test_a_missing_scope_is_forbidden_and_names_the_scope(personas, api_for):
    api = api_for(personas.tkpk_bandung, scopes=["programmes:read"])
    response = api.get("/families")
    assert response.status_code == 403
    body = response.json()
    assert body["code"] == "scope_missing"
    assert "families:read" in body["message_en"] and "families:read" in body["message_id"]
    assert api.get("/programmes").status_code == 200


def test_over_its_rate_the_client_gets_429_with_retry_after(personas, api_for):
    api = api_for(personas.tkpk_bandung, rate_limit=3)
    assert [api.get("/families").status_code for _ in range(3)] == [200, 200, 200]
    response = api.get("/families")
    assert response.status_code == 429
    assert 1 <= int(response["Retry-After"]) <= 60
    assert response.json()["code"] == "rate_limited"
    # Another client of the same account has its own window.
    assert api_for(personas.tkpk_bandung, rate_limit=3).get("/families").status_code == 200


def test_every_call_is_audited_without_personal_data(personas, tiny_register, api_for):
    api = api_for(personas.tkpk_bandung)
    before = AuditEntry.objects.count()
    assert api.get("/families", {"region": "32.04", "limit": 2}).status_code == 200
    assert api.get("/families/999999999").status_code == 404
    assert Api(None).get("/families").status_code == 401
    entries = list(AuditEntry.objects.order_by("pk")[before:])
    assert [e.action for e in entries] == ["api.call", "api.call", "api.unauthorised"]
    first, missing, anonymous = entries
    assert first.actor == personas.tkpk_bandung
    assert first.object_type == "api.apiclient" and first.object_id == str(api.client.pk)
    assert first.region_code == "32.04"
    assert first.changes == {"client": "integration", "method": "GET",
                             "path": "/api/v1/families", "status": 200, "count": 2}
    assert missing.changes["status"] == 404 and "count" not in missing.changes
    assert anonymous.actor is None and anonymous.changes["status"] == 401
    for entry in entries:
        text = str(entry.changes) + entry.object_repr
        assert "ASEP" not in text and "3204" not in text.replace("32.04", "")


def test_the_command_creates_a_client_and_prints_its_token_once(personas, capsys):
    user = personas.tkpk_bandung
    call_command("api-client", "create", "--user", user.username, "--name", "SIKS-NG",
                 "--scopes", "families:read,persons:read", "convergence:read",
                 "--rate-limit", "60")
    token = capsys.readouterr().out.strip()
    client = ApiClient.objects.get(name="SIKS-NG")
    assert client.scopes == ["convergence:read", "families:read", "persons:read"]
    assert client.rate_limit == 60 and client.token_sha256 == token_digest(token)
    assert Api(token).get("/families").status_code == 200
    call_command("api-client", "revoke", str(client.pk))
    assert Api(token).get("/families").status_code == 401


def test_the_command_refuses_an_unknown_scope(personas):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="unknown scope"):
        call_command("api-client", "create", "--user", personas.tkpk_bandung.username,
                     "--name", "x", "--scopes", "everything")
