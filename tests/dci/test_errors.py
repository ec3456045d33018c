"""What a sender is told when its message cannot be answered: the specification's error
codes for a bad or missing signature, an unknown or inactive sender, an operation it may not
use and an unreadable message (HTTP 4xx), and its header reason codes for a stale or future
timestamp, a wrong action or a replayed message id (HTTP 200, ``status = rjct``)."""

import datetime as dt
import json
import uuid

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.utils import timezone

from konvergen.audit.models import AuditEntry
from konvergen.dci.models import Sender, Transaction
from tests.dci.conftest import ASEP_NIK, SEARCH_URL, STATUS_URL, assert_valid, idtype

CRITERIA = idtype("KK", "3204050101100001")


def _message():
    return {"transaction_id": uuid.uuid4().hex,
            "search_request": [{"reference_id": "ref-1", "timestamp": timezone.now().isoformat(),
                                "search_criteria": CRITERIA}]}


def _error(result, http_status: int, code: str):
    status, body = result
    assert status == http_status, body
    assert_valid(body, "error_response")
    assert body["errors"][0]["code"] == code
    assert body["message"]["ack_status"] == "ERR" and body["message"]["error"]["code"] == code
    return body


def _header_rejection(result, code: str, action: str = "on-search"):
    status, body = result
    assert status == 200, body
    assert_valid(body, "search_response_envelope" if action == "on-search"
                 else "txn_status_response_envelope")
    assert body["header"]["action"] == action
    assert body["header"]["status"] == "rjct"
    assert body["header"]["status_reason_code"] == code
    assert "message" not in body
    return body


@pytest.fixture
def client(make_sender):
    return make_sender()


def test_a_signature_made_with_another_key_is_rejected(client):
    message = _message()
    header = client.header("search")
    forged = client.sign(header, message, key=Ed25519PrivateKey.generate())
    _error(client.post(SEARCH_URL, {"signature": forged, "header": header, "message": message}),
           401, "err.signature.invalid")


def test_a_message_changed_after_signing_is_rejected(client):
    envelope = client.envelope("search", _message())
    envelope["message"]["search_request"][0]["search_criteria"] = idtype("NIK", ASEP_NIK)
    _error(client.post(SEARCH_URL, envelope), 401, "err.signature.invalid")
    envelope = client.envelope("search", _message())
    envelope["header"]["sender_uri"] = "https://attacker.example/on-search"
    _error(client.post(SEARCH_URL, envelope), 401, "err.signature.invalid")


@pytest.mark.parametrize("value", ["", None, "invalid-signature", "!@#$%^&*()",
                                   'Signature: kidId="dinsos-jabar|1|rsa", algorithm="rsa"'])
def test_a_missing_or_malformed_signature_is_rejected(client, value):
    envelope = client.envelope("search", _message())
    envelope["signature"] = value
    code = "err.signature.missing" if not value else "err.signature.invalid"
    _error(client.post(SEARCH_URL, envelope), 401, code)
    del envelope["signature"]
    _error(client.post(SEARCH_URL, envelope), 401, "err.signature.missing")


def test_an_expired_or_future_signature_is_rejected(client):
    message, header = _message(), client.header("search")
    now = int(timezone.now().timestamp())
    for created, expires in ((now - 900, now - 600), (now + 900, now + 1000),
                             (now - 10, now + 86_400)):
        signed = client.sign(header, message, created=created, expires=expires)
        _error(client.post(SEARCH_URL, {"signature": signed, "header": header,
                                        "message": message}), 401, "err.signature.invalid")


def test_a_signature_naming_another_key_is_rejected(client):
    message, header = _message(), client.header("search")
    client.key_id = "2"
    _error(client.post(SEARCH_URL, {"signature": client.sign(header, message),
                                    "header": header, "message": message}),
           401, "err.signature.invalid")


@pytest.mark.parametrize("minutes", [-6, 6, -60 * 24])
def test_a_stale_or_future_message_timestamp_is_rejected(client, minutes):
    moment = (timezone.now() + dt.timedelta(minutes=minutes)).isoformat()
    _header_rejection(client.search(CRITERIA, message_ts=moment), "rjct.message_ts.invalid")


@pytest.mark.parametrize("value", ["yesterday", "2026-01-15T10:00:00", 1767225600])
def test_an_unreadable_message_timestamp_is_rejected(client, value):
    _header_rejection(client.search(CRITERIA, message_ts=value, valid=False),
                      "rjct.message_ts.invalid")


def test_a_stale_request_timestamp_rejects_that_request(client):
    message = _message()
    message["search_request"][0]["timestamp"] = "2020-01-01T00:00:00+07:00"
    status, body = client.post(SEARCH_URL, client.envelope("search", message))
    assert status == 200 and body["header"]["status"] == "succ"
    assert_valid(body, "search_response_envelope")
    (item,) = body["message"]["search_response"]
    assert item["status"] == "rjct" and item["status_reason_code"] == "rjct.timestamp.invalid"


def test_an_unknown_sender_is_rejected(make_sender):
    stranger = make_sender("stranger")
    stranger.sender_id = "nobody-we-know"
    _error(stranger.search(CRITERIA), 401, "err.sender_id.invalid")


def test_an_inactive_sender_is_rejected(client):
    from konvergen.dci.services import sender_set_active

    sender_set_active(sender=Sender.objects.get(sender_id="dinsos-jabar"), active=False)
    _error(client.search(CRITERIA), 401, "err.sender_id.invalid")


def test_an_operation_the_sender_may_not_use_is_forbidden(make_sender):
    status_only = make_sender("status-only", operations=["txn-status"])
    _error(status_only.search(CRITERIA), 403, "err.request.forbidden")
    search_only = make_sender("search-only", operations=["search"])
    _error(search_only.status("transaction_id", "t-1"), 403, "err.request.forbidden")


def test_a_message_for_another_receiver_is_rejected(client):
    _error(client.search(CRITERIA, receiver_id="some-other-registry"), 400,
           "err.receiver_id.invalid")


def test_an_encrypted_message_is_not_supported(client):
    _error(client.search(CRITERIA, is_msg_encrypted=True), 400, "err.encryption.invalid")


@pytest.mark.parametrize("body", [
    b"not json", b"[]", b"{}", json.dumps({"header": {"sender_id": "dinsos-jabar"}}).encode(),
])
def test_an_unreadable_message_is_a_bad_request(client, body):
    _error(client.post(SEARCH_URL, body), 400, "err.request.bad")
    _error(client.post(STATUS_URL, body), 400, "err.request.bad")


def test_a_message_without_its_payload_is_a_bad_request(client):
    envelope = client.envelope("search", {"transaction_id": "t-1"})
    _error(client.post(SEARCH_URL, envelope), 400, "err.request.bad")
    envelope = client.envelope("search", _message())
    del envelope["message"]
    _error(client.post(SEARCH_URL, envelope), 400, "err.request.bad")


def test_a_wrong_action_or_count_rejects_the_message(client):
    _header_rejection(client.search(CRITERIA, action="subscribe", valid=False),
                      "rjct.action.invalid")
    _header_rejection(client.search(CRITERIA, total_count=2), "rjct.total_count.invalid")
    _header_rejection(client.search(*[CRITERIA] * 11), "rjct.total_count.limit_exceeded")
    _header_rejection(client.search(CRITERIA, version="2.0.0"), "rjct.version.invalid")


def test_a_replayed_message_is_rejected(client):
    envelope = client.envelope("search", _message())
    status, first = client.post(SEARCH_URL, envelope)
    assert status == 200 and first["header"]["status"] == "succ"
    _header_rejection(client.post(SEARCH_URL, envelope), "rjct.message_id.duplicate")
    assert Transaction.objects.filter(message_id=envelope["header"]["message_id"]).count() == 1


def test_duplicate_reference_ids_reject_the_repeat(client):
    message = _message()
    message["search_request"].append(dict(message["search_request"][0]))
    status, body = client.post(SEARCH_URL, client.envelope("search", message, total=2))
    assert status == 200
    assert_valid(body, "search_response_envelope")
    first, second = body["message"]["search_response"]
    assert first["status"] == "succ"
    assert second["status_reason_code"] == "rjct.reference_id.duplicate"


def test_get_and_session_users_get_no_page(personas, client):
    browser = personas.client_for(personas.admin)
    assert browser.get(SEARCH_URL).status_code == 405
    response = browser.post(SEARCH_URL, {})
    assert response.status_code == 400 and response.json()["errors"][0]["code"] == \
        "err.request.bad"


def test_every_rejection_is_audited_without_personal_data(client):
    client.search(idtype("NIK", ASEP_NIK), message_ts="2020-01-01T00:00:00+00:00")
    envelope = client.envelope("search", _message())
    envelope["signature"] = "invalid-signature"
    client.post(SEARCH_URL, envelope)
    rows = list(AuditEntry.objects.filter(action__startswith="dci.").exclude(
        action="dci.sender_create").order_by("id"))
    assert [(r.action, r.actor_label) for r in rows] == [
        ("dci.search", "dci:dinsos-jabar"), ("dci.reject", "dci:dinsos-jabar")]
    assert rows[0].changes["reason"] == "rjct.message_ts.invalid"
    assert rows[1].changes["error"] == "err.signature.invalid"
    assert rows[0].region_code == rows[1].region_code == "32.04"
    assert ASEP_NIK not in json.dumps([r.changes for r in rows])
