"""The DCI Social Registry protocol's vocabulary, as the specification names it: no Django.

Source: SPDCI "Interoperability APIs - Social Registry", version 1.0.0
(``social_api_v1.0.0.yaml`` of spdci/api-standards, as corrected in OpenSPP/spdci-compliance
``spec/social_api_v1.0.0.yaml``). Every code below is spelt exactly as the specification
spells it; ``docs/dci.md`` says which parts Konvergen implements.
"""

VERSION = "1.0.0"

#: ``header.action`` of the requests we answer and of our answers.
ACTION_SEARCH = "search"
ACTION_ON_SEARCH = "on-search"
ACTION_TXN_STATUS = "txn-status"
ACTION_TXN_ON_STATUS = "txn-on-status"

#: Request status (``UnSubscribeResponse.status``, used by every header and response item).
RCVD, PDNG, SUCC, RJCT = "rcvd", "pdng", "succ", "rjct"

#: ``MsgHeaderStatusReasonCode``: why a whole message was rejected.
HEADER_VERSION_INVALID = "rjct.version.invalid"
HEADER_MESSAGE_ID_DUPLICATE = "rjct.message_id.duplicate"
HEADER_MESSAGE_TS_INVALID = "rjct.message_ts.invalid"
HEADER_ACTION_INVALID = "rjct.action.invalid"
HEADER_ACTION_NOT_SUPPORTED = "rjct.action.not_supported"
HEADER_TOTAL_COUNT_INVALID = "rjct.total_count.invalid"
HEADER_TOTAL_COUNT_LIMIT_EXCEEDED = "rjct.total_count.limit_exceeded"

#: ``SearchStatusReasonCode``: why one search request of a batch was rejected.
SEARCH_REFERENCE_ID_INVALID = "rjct.reference_id.invalid"
SEARCH_REFERENCE_ID_DUPLICATE = "rjct.reference_id.duplicate"
SEARCH_TIMESTAMP_INVALID = "rjct.timestamp.invalid"
SEARCH_CRITERIA_INVALID = "rjct.search_criteria.invalid"
SEARCH_SORT_INVALID = "rjct.sort.invalid"
SEARCH_PAGINATION_INVALID = "rjct.pagination.invalid"

#: ``Error.code``: communication-layer errors (the message is not processed at all).
ERR_REQUEST_BAD = "err.request.bad"
ERR_REQUEST_FORBIDDEN = "err.request.forbidden"
ERR_REQUEST_NOT_FOUND = "err.request.not_found"
ERR_SENDER_ID_INVALID = "err.sender_id.invalid"
ERR_RECEIVER_ID_INVALID = "err.receiver_id.invalid"
ERR_SIGNATURE_MISSING = "err.signature.missing"
ERR_SIGNATURE_INVALID = "err.signature.invalid"
ERR_ENCRYPTION_INVALID = "err.encryption.invalid"

#: ``ack_status`` of the ``Response`` acknowledgement object.
ACK, NACK, ERR = "ACK", "NACK", "ERR"

#: ``search_criteria.query_type`` values this registry answers (``expression`` is not).
QUERY_IDTYPE_VALUE = "idtype-value"
QUERY_PREDICATE = "predicate"
QUERY_TYPES = (QUERY_IDTYPE_VALUE, QUERY_PREDICATE)

#: ``search_criteria.response_entity``: a family is a Group, a person a Member.
GROUP, MEMBER = "Group", "Member"

#: Predicate operators and conditions (``expression1.operator``, ``condition``).
OPERATORS = ("gt", "lt", "eq", "ge", "le", "in")
CONDITIONS = ("and", "or", "not")

#: ``txnstatus_request.txn_type`` and ``attribute_type``.
TXN_TYPES = ("search", "subscribe", "receipt")
ATTRIBUTE_TYPES = ("transaction_id", "reference_id_list", "correlation_id")

#: Our registry type in ``data.reg_type`` (the specification's own example form).
REG_TYPE = "ns:org:RegistryType:Social"

#: Operations a sender may be allowed (``header.action`` of the request).
OPERATIONS = (ACTION_SEARCH, ACTION_TXN_STATUS)

#: Identifier types of ``idtype-value`` queries: the national ID, the family card number,
#: and the DTSEN identifier (of a family for Group searches, of a person for Member ones).
ID_NIK, ID_KK, ID_DTSEN = "NIK", "KK", "DTSEN"
ID_TYPES = (ID_NIK, ID_KK, ID_DTSEN)

#: Longest identifier strings the specification allows (``transaction_id`` and friends).
MAX_ID_LENGTH = 99
