"""Answering DCI sync requests: check the envelope (sender, signature, receiver, allowed
operation), then the header (action, version, timestamp, message id), then each request of
the batch; store the transaction (counts only) and its audit row in one transaction.

Communication-layer failures (unreadable message, unknown sender, bad signature, operation
not allowed) answer an HTTP 4xx whose body is the specification's ``HttpErrorResponse``
(``errors``) and, for clients reading the ``Response`` acknowledgement, ``message`` with
``ack_status`` ``ERR`` and the same ``Error`` code. Header-level rejections answer 200 with
``header.status = rjct`` and a ``MsgHeaderStatusReasonCode``; a request of a batch that
cannot be answered gets ``status = rjct`` and a ``SearchStatusReasonCode`` in its own item.
"""

import datetime as dt
import json
import logging
import uuid
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from konvergen.audit.services import audit_record
from konvergen.dci import protocol, queries, selectors, signature
from konvergen.dci.models import Sender, Transaction, TransactionItem

log = logging.getLogger(__name__)

#: How far a message's ``message_ts`` (and a request's ``timestamp``) may be from our clock.
FRESHNESS = dt.timedelta(minutes=5)
#: The most requests one search message may carry.
MAX_BATCH = 10

_HTTP_STATUS = {
    protocol.ERR_REQUEST_BAD: 400,
    protocol.ERR_ENCRYPTION_INVALID: 400,
    protocol.ERR_RECEIVER_ID_INVALID: 400,
    protocol.ERR_SENDER_ID_INVALID: 401,
    protocol.ERR_SIGNATURE_MISSING: 401,
    protocol.ERR_SIGNATURE_INVALID: 401,
    protocol.ERR_REQUEST_FORBIDDEN: 403,
}
_HEADER_REQUIRED = ("message_id", "message_ts", "action", "sender_id", "total_count")


class Rejection(Exception):
    """A communication-layer error: ``code`` is an ``Error.code`` of the specification."""

    def __init__(self, code: str, message: str, sender: Sender | None = None):
        super().__init__(message)
        self.code = code
        self.message = message
        self.sender = sender


@dataclass
class Answer:
    http_status: int
    body: dict


def receiver_id() -> str:
    return getattr(settings, "DCI_RECEIVER_ID", "") or "konvergen"


@cache
def _signing_key(path: str):
    return serialization.load_pem_private_key(Path(path).read_bytes(), password=None)


def _now_ts() -> str:
    return timezone.now().isoformat(timespec="seconds")


def _new_id() -> str:
    return uuid.uuid4().hex


def _parse_ts(value) -> dt.datetime | None:
    if not isinstance(value, str):
        return None
    try:
        moment = dt.datetime.fromisoformat(value.strip())
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else None


def _fresh(moment: dt.datetime | None) -> bool:
    return moment is not None and abs(timezone.now() - moment) <= FRESHNESS


def _is_id(value) -> bool:
    return isinstance(value, str) and 0 < len(value) <= protocol.MAX_ID_LENGTH


def _error_body(code: str, message: str) -> dict:
    error = {"code": code, "message": message[:999]}
    return {
        "errors": [error],
        "message": {"ack_status": protocol.ERR, "timestamp": _now_ts(), "error": error,
                    "correlation_id": _new_id()},
    }


def _envelope(*, sender: Sender, action: str, status: str, message: dict | None,
              total: int, completed: int, reason: str = "", reason_message: str = "") -> dict:
    header = {
        "version": protocol.VERSION, "message_id": _new_id(), "message_ts": _now_ts(),
        "action": action, "status": status, "total_count": total, "completed_count": completed,
        "sender_id": receiver_id(), "receiver_id": sender.sender_id, "is_msg_encrypted": False,
    }
    if reason:
        header["status_reason_code"] = reason
    if reason_message:
        header["status_reason_message"] = reason_message[:999]
    envelope: dict = {}
    key_file = getattr(settings, "DCI_SIGNING_KEY_FILE", "")
    if key_file:
        kid = f"{receiver_id()}|{getattr(settings, 'DCI_SIGNING_KEY_ID', '') or '1'}|ed25519"
        envelope["signature"] = signature.sign(
            header, message, private_key=_signing_key(key_file), kid=kid,
            created=int(timezone.now().timestamp()))
    envelope["header"] = header
    if message is not None:
        envelope["message"] = message
    return envelope


def _read(body: bytes) -> dict:
    try:
        envelope = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise Rejection(protocol.ERR_REQUEST_BAD, "The body is not JSON.") from exc
    if (not isinstance(envelope, dict) or not isinstance(envelope.get("header"), dict)
            or "message" not in envelope):
        raise Rejection(protocol.ERR_REQUEST_BAD,
                        "The message must be an object of signature, header and message.")
    header = envelope["header"]
    missing = [name for name in _HEADER_REQUIRED if name not in header]
    if missing:
        raise Rejection(protocol.ERR_REQUEST_BAD, f"The header lacks {', '.join(missing)}.")
    if not isinstance(header["sender_id"], str) or not header["sender_id"]:
        raise Rejection(protocol.ERR_REQUEST_BAD, "header.sender_id is a string.")
    if not _is_id(header["message_id"]):
        raise Rejection(protocol.ERR_REQUEST_BAD, "header.message_id is a string of 1-99.")
    return envelope


def _authenticate(envelope: dict, *, operation: str) -> Sender:
    header = envelope["header"]
    if header.get("is_msg_encrypted") is True:
        raise Rejection(protocol.ERR_ENCRYPTION_INVALID,
                        "Encrypted messages are not supported; send the message in clear.")
    if not isinstance(envelope["message"], dict):
        raise Rejection(protocol.ERR_REQUEST_BAD, "message is an object.")
    sender = Sender.objects.filter(sender_id=header["sender_id"], is_active=True).first()
    if sender is None:
        raise Rejection(protocol.ERR_SENDER_ID_INVALID, "Unknown or inactive sender.")
    try:
        key = signature.load_public_key(sender.public_key)
    except ValueError:
        log.error("DCI sender %s has an unusable public key", sender.sender_id)
        raise Rejection(protocol.ERR_SIGNATURE_INVALID, "The sender's key is unusable.",
                        sender) from None
    try:
        parsed = signature.verify(envelope.get("signature"), header, envelope["message"],
                                  public_key=key, now=int(timezone.now().timestamp()))
    except signature.SignatureError as exc:
        code = (protocol.ERR_SIGNATURE_MISSING if exc.kind == signature.MISSING
                else protocol.ERR_SIGNATURE_INVALID)
        raise Rejection(code, f"Signature rejected: {exc.reason}.", sender) from None
    if parsed.sender_id != sender.sender_id or parsed.key_id != sender.key_id:
        raise Rejection(protocol.ERR_SIGNATURE_INVALID,
                        "Signature rejected: the kidId names another sender or key.", sender)
    receiver = header.get("receiver_id")
    if receiver not in (None, "", receiver_id()):
        raise Rejection(protocol.ERR_RECEIVER_ID_INVALID, "This registry is not the receiver.",
                        sender)
    if operation not in sender.operations:
        raise Rejection(protocol.ERR_REQUEST_FORBIDDEN,
                        "This operation is not allowed for the sender.", sender)
    return sender


def _header_reason(header: dict, *, action: str) -> tuple[str, str]:
    """The ``MsgHeaderStatusReasonCode`` rejecting the whole message, if any."""
    if header.get("action") != action:
        return protocol.HEADER_ACTION_INVALID, f"header.action must be {action}"
    if header.get("version", protocol.VERSION) != protocol.VERSION:
        return protocol.HEADER_VERSION_INVALID, f"version {protocol.VERSION} only"
    if not _fresh(_parse_ts(header.get("message_ts"))):
        return (protocol.HEADER_MESSAGE_TS_INVALID,
                "message_ts must be an ISO 8601 time with zone, within 5 minutes of ours")
    total = header.get("total_count")
    if isinstance(total, bool) or not isinstance(total, int) or total < 1:
        return protocol.HEADER_TOTAL_COUNT_INVALID, "total_count is a whole number from 1"
    return "", ""


def _reject(error: Rejection, envelope: dict | None, operation: str) -> Answer:
    header = (envelope or {}).get("header") or {}
    claimed = str(header["sender_id"]) if isinstance(header.get("sender_id"), str) else ""
    audit_record(
        actor=f"dci:{claimed[:100]}" if claimed else "dci", action="dci.reject",
        object_type="dci.sender", object_id=str(error.sender.pk) if error.sender else "",
        object_repr=(error.sender.sender_id if error.sender else claimed)[:200],
        region_code=error.sender.region_code if error.sender else "",
        changes={"operation": operation, "error": error.code},
    )
    return Answer(_HTTP_STATUS.get(error.code, 400), _error_body(error.code, error.message))


def _store(*, sender: Sender, action: str, header: dict, transaction_id: str, status: str,
           reason: str, items: list[dict]) -> Transaction | None:
    """Save the transaction and its items with an audit row; None when the sender already
    used this message_id (the caller answers ``rjct.message_id.duplicate``)."""
    correlation_id = _new_id()
    records = sum(i["returned_count"] for i in items)
    try:
        with transaction.atomic():
            txn = Transaction.objects.create(
                sender=sender, action=action, message_id=str(header.get("message_id"))[:99],
                transaction_id=transaction_id[:99], correlation_id=correlation_id,
                status=status, status_reason_code=reason, request_count=len(items),
                record_count=records, message_ts=_parse_ts(header.get("message_ts")),
            )
            TransactionItem.objects.bulk_create(
                [TransactionItem(transaction=txn, **item) for item in items])
            audit_record(
                actor=f"dci:{sender.sender_id}", action=f"dci.{action.replace('-', '_')}",
                obj=txn, region_code=sender.region_code,
                changes={"sender": sender.sender_id, "status": status, "reason": reason,
                         "requests": len(items), "records": records,
                         "matched": sum(i["total_count"] for i in items),
                         "rejected": sum(1 for i in items if i["status"] == protocol.RJCT),
                         "query_types": sorted({i["query_type"] for i in items
                                                if i["query_type"]})},
            )
    except IntegrityError:
        return None
    return txn


def _header_rejection(*, sender, action, answer_action, header, transaction_id, reason,
                      reason_message) -> Answer:
    if reason != protocol.HEADER_MESSAGE_ID_DUPLICATE:
        stored = _store(sender=sender, action=action, header=header,
                        transaction_id=transaction_id, status=protocol.RJCT, reason=reason,
                        items=[])
        if stored is None:
            reason, reason_message = (protocol.HEADER_MESSAGE_ID_DUPLICATE,
                                      "this message_id was used before")
    if reason == protocol.HEADER_MESSAGE_ID_DUPLICATE:
        audit_record(actor=f"dci:{sender.sender_id}", action="dci.reject", obj=sender,
                     region_code=sender.region_code,
                     changes={"operation": action, "status": protocol.RJCT, "reason": reason})
    total = header.get("total_count") if isinstance(header.get("total_count"), int) else 0
    return Answer(200, _envelope(sender=sender, action=answer_action, status=protocol.RJCT,
                                 message=None, total=max(total, 0), completed=0, reason=reason,
                                 reason_message=reason_message))


def _search_item(sender: Sender, request, seen: set[str]) -> tuple[dict, dict]:
    """(the ``search_response`` item, the stored item's fields) for one search request."""
    now = timezone.now()
    reference_id = request.get("reference_id") if isinstance(request, dict) else None
    stored = {"reference_id": str(reference_id or "")[:99], "query_type": "", "record_type": "",
              "status": protocol.RJCT, "status_reason_code": "", "total_count": 0,
              "returned_count": 0, "page_size": 0, "page_number": 0, "processed_at": now}
    item = {"reference_id": stored["reference_id"] or "-", "timestamp": _now_ts(),
            "status": protocol.RJCT}

    def reject(code, message):
        stored["status_reason_code"] = code
        item.update(status_reason_code=code, status_reason_message=message[:999])
        return item, stored

    if not _is_id(reference_id):
        return reject(protocol.SEARCH_REFERENCE_ID_INVALID, "reference_id is missing")
    if reference_id in seen:
        return reject(protocol.SEARCH_REFERENCE_ID_DUPLICATE, "reference_id repeats")
    seen.add(str(reference_id))
    if not _fresh(_parse_ts(request.get("timestamp"))):
        return reject(protocol.SEARCH_TIMESTAMP_INVALID,
                      "timestamp must be an ISO 8601 time with zone, within 5 minutes of ours")
    criteria = request.get("search_criteria")
    if isinstance(criteria, dict):
        stored["query_type"] = str(criteria.get("query_type", ""))[:20]
    try:
        query = queries.parse(criteria, query_types=sender.query_types,
                              id_types=sender.id_types, max_page_size=sender.max_page_size)
    except queries.CriteriaError as exc:
        return reject(exc.code, exc.message)
    page = selectors.search(sender=sender, query=query)
    stored.update(record_type=query.record_type, status=protocol.SUCC,
                  total_count=page.total_count, returned_count=len(page.records),
                  page_size=query.page_size, page_number=query.page_number)
    item.update(
        status=protocol.SUCC,
        data={"version": protocol.VERSION, "reg_type": protocol.REG_TYPE,
              "reg_record_type": query.record_type, "reg_records": page.records},
        pagination={"page_size": query.page_size, "page_number": query.page_number,
                    "total_count": page.total_count},
    )
    if isinstance(request.get("locale"), str):
        item["locale"] = request["locale"]
    return item, stored


def search_answer(*, body: bytes) -> Answer:
    """The answer to a ``/registry/sync/search`` request body."""
    envelope = None
    try:
        envelope = _read(body)
        sender = _authenticate(envelope, operation=protocol.ACTION_SEARCH)
        header, message = envelope["header"], envelope["message"]
        requests = message.get("search_request")
        if (not _is_id(message.get("transaction_id")) or not isinstance(requests, list)
                or not requests):
            raise Rejection(protocol.ERR_REQUEST_BAD,
                            "message needs transaction_id and a non-empty search_request.",
                            sender)
    except Rejection as error:
        return _reject(error, envelope, protocol.ACTION_SEARCH)
    transaction_id = message["transaction_id"]
    reason, reason_message = _header_reason(header, action=protocol.ACTION_SEARCH)
    if not reason and header["total_count"] != len(requests):
        reason, reason_message = (protocol.HEADER_TOTAL_COUNT_INVALID,
                                  "total_count must equal the number of search requests")
    if not reason and len(requests) > MAX_BATCH:
        reason, reason_message = (protocol.HEADER_TOTAL_COUNT_LIMIT_EXCEEDED,
                                  f"at most {MAX_BATCH} search requests per message")
    if not reason and Transaction.objects.filter(sender=sender,
                                                 message_id=header["message_id"]).exists():
        reason, reason_message = (protocol.HEADER_MESSAGE_ID_DUPLICATE,
                                  "this message_id was used before")
    if reason:
        return _header_rejection(sender=sender, action=protocol.ACTION_SEARCH,
                                 answer_action=protocol.ACTION_ON_SEARCH, header=header,
                                 transaction_id=transaction_id, reason=reason,
                                 reason_message=reason_message)
    seen: set[str] = set()
    answered = [_search_item(sender, request, seen) for request in requests]
    txn = _store(sender=sender, action=protocol.ACTION_SEARCH, header=header,
                 transaction_id=transaction_id, status=protocol.SUCC, reason="",
                 items=[stored for _, stored in answered])
    if txn is None:
        return _header_rejection(sender=sender, action=protocol.ACTION_SEARCH,
                                 answer_action=protocol.ACTION_ON_SEARCH, header=header,
                                 transaction_id=transaction_id,
                                 reason=protocol.HEADER_MESSAGE_ID_DUPLICATE,
                                 reason_message="this message_id was used before")
    response = {"transaction_id": transaction_id, "correlation_id": txn.correlation_id,
                "search_response": [item for item, _ in answered]}
    return Answer(200, _envelope(sender=sender, action=protocol.ACTION_ON_SEARCH,
                                 status=protocol.SUCC, message=response, total=len(requests),
                                 completed=len(requests)))


def _status_item(item: TransactionItem) -> dict:
    result: dict[str, object] = {"reference_id": item.reference_id or "-",
              "timestamp": item.processed_at.isoformat(timespec="seconds"),
              "status": item.status}
    if item.status_reason_code:
        result["status_reason_code"] = item.status_reason_code
    if item.status == protocol.SUCC:
        result["pagination"] = {"page_size": item.page_size, "page_number": item.page_number,
                                "total_count": item.total_count}
    return result


def txn_status_answer(*, body: bytes) -> Answer:
    """The answer to a ``/registry/sync/txn/status`` request body: the status and counts of
    one of the sender's own earlier searches (never its records: none are kept)."""
    envelope = None
    try:
        envelope = _read(body)
        sender = _authenticate(envelope, operation=protocol.ACTION_TXN_STATUS)
        header, message = envelope["header"], envelope["message"]
        request = message.get("txnstatus_request")
        if (not _is_id(message.get("transaction_id")) or not isinstance(request, dict)
                or request.get("txn_type") not in protocol.TXN_TYPES
                or request.get("attribute_type") not in protocol.ATTRIBUTE_TYPES
                or "attribute_value" not in request or not _is_id(request.get("reference_id"))):
            raise Rejection(protocol.ERR_REQUEST_BAD,
                            "message needs transaction_id and a txnstatus_request with "
                            "reference_id, txn_type, attribute_type and attribute_value.", sender)
    except Rejection as error:
        return _reject(error, envelope, protocol.ACTION_TXN_STATUS)
    transaction_id = message["transaction_id"]
    reason, reason_message = _header_reason(header, action=protocol.ACTION_TXN_STATUS)
    if not reason and header["total_count"] != 1:
        reason, reason_message = (protocol.HEADER_TOTAL_COUNT_INVALID,
                                  "total_count is 1 for a status request")
    if not reason and Transaction.objects.filter(sender=sender,
                                                 message_id=header["message_id"]).exists():
        reason, reason_message = (protocol.HEADER_MESSAGE_ID_DUPLICATE,
                                  "this message_id was used before")
    if reason:
        return _header_rejection(sender=sender, action=protocol.ACTION_TXN_STATUS,
                                 answer_action=protocol.ACTION_TXN_ON_STATUS, header=header,
                                 transaction_id=transaction_id, reason=reason,
                                 reason_message=reason_message)
    found, items = (selectors.transaction_items(sender=sender,
                                                attribute_type=request["attribute_type"],
                                                value=request["attribute_value"])
                    if request["txn_type"] == "search" else (None, []))
    status = protocol.SUCC if found else protocol.RJCT
    stored = {"reference_id": request["reference_id"], "query_type": "", "record_type": "",
              "status": status, "status_reason_code": "", "total_count": 1 if found else 0,
              "returned_count": 0, "page_size": 0, "page_number": 0,
              "processed_at": timezone.now()}
    txn = _store(sender=sender, action=protocol.ACTION_TXN_STATUS, header=header,
                 transaction_id=transaction_id, status=status, reason="", items=[stored])
    if txn is None:
        return _header_rejection(sender=sender, action=protocol.ACTION_TXN_STATUS,
                                 answer_action=protocol.ACTION_TXN_ON_STATUS, header=header,
                                 transaction_id=transaction_id,
                                 reason=protocol.HEADER_MESSAGE_ID_DUPLICATE,
                                 reason_message="this message_id was used before")
    if found is None:
        return Answer(200, _envelope(sender=sender, action=protocol.ACTION_TXN_ON_STATUS,
                                     status=protocol.RJCT, message=None, total=1, completed=1,
                                     reason_message="No transaction of this sender matches."))
    response = {
        "transaction_id": transaction_id, "correlation_id": txn.correlation_id,
        "txnstatus_response": {
            "txn_type": "search",
            "txn_status": {"transaction_id": found.transaction_id,
                           "correlation_id": found.correlation_id,
                           "search_response": [_status_item(i) for i in items]},
        },
    }
    return Answer(200, _envelope(sender=sender, action=protocol.ACTION_TXN_ON_STATUS,
                                 status=protocol.SUCC, message=response, total=1, completed=1))


def sender_create(*, sender_id: str, name: str, public_key: str, region=None,
                  operations: list[str], query_types: list[str], id_types: list[str],
                  fields: list[str], key_id: str = "1", max_page_size: int = 100,
                  acting_user=None) -> Sender:
    """Register a sender (validated like the admin form) with its audit row."""
    sender = Sender(sender_id=sender_id, name=name, public_key=public_key.strip() + "\n",
                    region=region, operations=operations, query_types=query_types,
                    id_types=id_types, fields=fields, key_id=key_id, max_page_size=max_page_size)
    sender.full_clean()
    with transaction.atomic():
        sender.save()
        audit_record(actor=acting_user, action="dci.sender_create", obj=sender,
                     region_code=sender.region_code,
                     changes={"operations": operations, "query_types": query_types,
                              "id_types": id_types, "fields": fields,
                              "max_page_size": max_page_size})
    return sender


def sender_set_active(*, sender: Sender, active: bool, acting_user=None) -> Sender:
    with transaction.atomic():
        sender.is_active = active
        sender.save(update_fields=["is_active"])
        audit_record(actor=acting_user, action="dci.sender_activate" if active
                     else "dci.sender_deactivate", obj=sender, region_code=sender.region_code)
    return sender
