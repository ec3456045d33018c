"""A sender asks how one of its own searches went: by its transaction_id, by our
correlation_id or by its reference ids; it learns statuses and counts, never records."""

import json

from konvergen.audit.models import AuditEntry
from konvergen.dci.models import Transaction
from tests.dci.conftest import ASEP_NIK, KK_P001, assert_valid, idtype, predicate


def _status(result):
    status, body = result
    assert status == 200, body
    assert_valid(body, "txn_status_response_envelope")
    assert body["header"]["action"] == "txn-on-status"
    return body


def test_the_status_of_a_search_by_transaction_id(dinsos):
    _, searched = dinsos.search(idtype("NIK", ASEP_NIK),
                                predicate(("desil", "le", 2), pagination={"page_size": 1}),
                                predicate(("income", "lt", 1)), transaction_id="txn-42")
    body = _status(dinsos.status("transaction_id", "txn-42"))
    assert body["header"]["status"] == "succ"
    response = body["message"]["txnstatus_response"]
    assert response["txn_type"] == "search"
    status = response["txn_status"]
    assert status["transaction_id"] == "txn-42"
    assert status["correlation_id"] == searched["message"]["correlation_id"]
    items = status["search_response"]
    assert [(i["reference_id"], i["status"]) for i in items] == [
        ("ref-1", "succ"), ("ref-2", "succ"), ("ref-3", "rjct")]
    assert items[1]["pagination"] == {"page_size": 1, "page_number": 1, "total_count": 2}
    assert items[2]["status_reason_code"] == "rjct.search_criteria.invalid"
    assert "data" not in json.dumps(items) and ASEP_NIK not in json.dumps(body)


def test_the_status_by_correlation_id_and_by_reference_ids(dinsos):
    _, searched = dinsos.search(idtype("KK", KK_P001), idtype("NIK", ASEP_NIK))
    correlation_id = searched["message"]["correlation_id"]
    by_correlation = _status(dinsos.status("correlation_id", correlation_id))
    assert len(by_correlation["message"]["txnstatus_response"]["txn_status"]
               ["search_response"]) == 2
    by_reference = _status(dinsos.status("reference_id_list", ["ref-2"]))
    (item,) = by_reference["message"]["txnstatus_response"]["txn_status"]["search_response"]
    assert item["reference_id"] == "ref-2" and item["pagination"]["total_count"] == 1


def test_an_unknown_transaction_is_answered_rjct(dinsos):
    body = _status(dinsos.status("transaction_id", "never-sent"))
    assert body["header"]["status"] == "rjct" and "message" not in body
    body = _status(dinsos.status("transaction_id", "never-sent", txn_type="subscribe"))
    assert body["header"]["status"] == "rjct"


def test_a_sender_cannot_see_another_senders_transactions(make_sender, register):
    first, second = make_sender("first"), make_sender("second")
    first.search(idtype("KK", KK_P001), transaction_id="shared-id")
    body = _status(second.status("transaction_id", "shared-id"))
    assert body["header"]["status"] == "rjct"


def test_status_requests_are_stored_and_audited(dinsos):
    dinsos.search(idtype("KK", KK_P001), transaction_id="txn-7")
    dinsos.status("transaction_id", "txn-7")
    actions = list(Transaction.objects.order_by("id").values_list("action", "status"))
    assert actions == [("search", "succ"), ("txn-status", "succ")]
    audit = AuditEntry.objects.filter(action="dci.txn_status").get()
    assert audit.changes["sender"] == "dinsos-jabar" and audit.region_code == "32.04"
