"""The DCI message signature: Ed25519 over a BLAKE2b-512 digest of ``header`` + ``message``.

The specification (``MsgSignature`` in ``social_api_v1.0.0.yaml``, v1.0.0) describes the
``signature`` member of the envelope as "Signature of {header}+{message} body verified using
sender's signing public key", in the HTTP-signature form::

    Signature: namespace="spdci", kidId="{sender_id}|{unique_key_id}|{algorithm}",
      algorithm="ed25519", created="1606970629", expires="1607030629",
      headers="(created) (expires) digest", signature="Base64(signing content)"

It does not fix the bytes that are signed, so Konvergen uses the profile of
draft-cavage-http-signatures-12 that this form comes from (as Beckn uses it):

* the signed body is the canonical JSON of ``header`` followed by that of ``message``
  (keys sorted, no insignificant whitespace, UTF-8; see :func:`canonical_body`);
* ``digest`` is ``BLAKE-512=`` and the Base64 BLAKE2b-512 hash of that body;
* the signing content is ``(created): {created}\\n(expires): {expires}\\ndigest: {digest}``;
* ``signature`` is the Base64 Ed25519 signature of the signing content.

No Django here: :func:`sign` is what a sender (and the tests) run, :func:`verify` what the
registry runs.

>>> from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
>>> key = Ed25519PrivateKey.generate()
>>> value = sign({"a": 1}, {"b": 2}, private_key=key, kid="dinsos|k1|ed25519", created=100)
>>> parsed = verify(value, {"a": 1}, {"b": 2}, public_key=key.public_key(), now=101)
>>> parsed.key_id, parsed.sender_id
('k1', 'dinsos')
"""

import base64
import binascii
import hashlib
import json
import re
from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

ALGORITHM = "ed25519"
SIGNED_HEADERS = "(created) (expires) digest"
#: How long a signature we make stays valid, and the clock difference we tolerate.
LIFETIME_SECONDS = 300
CLOCK_SKEW_SECONDS = 300
#: The longest validity window we accept from a sender.
MAX_LIFETIME_SECONDS = 3600

_PARAM = re.compile(r'\s*([A-Za-z]+)\s*=\s*"([^"]*)"\s*(?:,|$)')

MISSING = "missing"
INVALID = "invalid"


class SignatureError(Exception):
    """The signature is ``missing`` or ``invalid`` (``kind``), with the reason why."""

    def __init__(self, kind: str, reason: str):
        super().__init__(reason)
        self.kind = kind
        self.reason = reason


@dataclass(frozen=True)
class ParsedSignature:
    sender_id: str
    key_id: str
    algorithm: str
    created: int
    expires: int
    signature: bytes


def canonical_json(value) -> bytes:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False,
                      allow_nan=False).encode("utf-8")


def canonical_body(header, message) -> bytes:
    """The signed body: the canonical JSON of ``header`` then of ``message``."""
    return canonical_json(header) + canonical_json(message)


def digest(header, message) -> str:
    hashed = hashlib.blake2b(canonical_body(header, message), digest_size=64).digest()
    return "BLAKE-512=" + base64.b64encode(hashed).decode("ascii")


def signing_content(header, message, *, created: int, expires: int) -> bytes:
    return (f"(created): {created}\n(expires): {expires}\n"
            f"digest: {digest(header, message)}").encode()


def sign(header, message, *, private_key: Ed25519PrivateKey, kid: str, created: int,
         expires: int | None = None) -> str:
    """The ``signature`` member for an envelope of ``header`` and ``message``.

    ``kid`` is ``{sender_id}|{unique_key_id}|ed25519``."""
    expires = created + LIFETIME_SECONDS if expires is None else expires
    raw = private_key.sign(signing_content(header, message, created=created, expires=expires))
    return (f'Signature: namespace="spdci", kidId="{kid}", algorithm="{ALGORITHM}", '
            f'created="{created}", expires="{expires}", headers="{SIGNED_HEADERS}", '
            f'signature="{base64.b64encode(raw).decode("ascii")}"')


def parse(value) -> ParsedSignature:
    """Read the parameters of a ``signature`` string; SignatureError when it is unusable."""
    if value is None or (isinstance(value, str) and not value.strip()):
        raise SignatureError(MISSING, "no signature")
    if not isinstance(value, str):
        raise SignatureError(INVALID, "the signature is not a string")
    text = value.strip()
    for prefix in ("Signature:", "Signature"):
        if text.startswith(prefix):
            text = text[len(prefix):]
            break
    params = dict(_PARAM.findall(text))
    kid = params.get("kidId") or params.get("keyId") or ""
    parts = kid.split("|")
    if len(parts) != 3 or not all(parts):
        raise SignatureError(INVALID, "kidId must be {sender_id}|{unique_key_id}|{algorithm}")
    algorithm = params.get("algorithm", "")
    if algorithm != ALGORITHM or parts[2] != ALGORITHM:
        raise SignatureError(INVALID, f"only the {ALGORITHM} algorithm is accepted")
    if " ".join(params.get("headers", "").split()) != SIGNED_HEADERS:
        raise SignatureError(INVALID, f'headers must be "{SIGNED_HEADERS}"')
    try:
        created, expires = int(params["created"]), int(params["expires"])
        raw = base64.b64decode(params["signature"], validate=True)
    except (KeyError, ValueError, binascii.Error) as exc:
        raise SignatureError(INVALID, "created, expires or signature is malformed") from exc
    return ParsedSignature(sender_id=parts[0], key_id=parts[1], algorithm=algorithm,
                           created=created, expires=expires, signature=raw)


def load_public_key(pem: str) -> Ed25519PublicKey:
    """An Ed25519 public key from PEM (SubjectPublicKeyInfo); ValueError otherwise."""
    key = serialization.load_pem_public_key(pem.strip().encode("ascii"))
    if not isinstance(key, Ed25519PublicKey):
        raise ValueError("not an Ed25519 public key")
    return key


def public_key_pem(key: Ed25519PublicKey) -> str:
    return key.public_bytes(serialization.Encoding.PEM,
                            serialization.PublicFormat.SubjectPublicKeyInfo).decode("ascii")


def verify(value, header, message, *, public_key: Ed25519PublicKey, now: int) -> ParsedSignature:
    """Check ``value`` signs ``header`` + ``message`` with ``public_key`` and is valid at
    ``now`` (Unix seconds); the parsed signature, or SignatureError."""
    parsed = parse(value)
    if parsed.created > now + CLOCK_SKEW_SECONDS:
        raise SignatureError(INVALID, "the signature is created in the future")
    if parsed.expires < now or parsed.expires < parsed.created:
        raise SignatureError(INVALID, "the signature has expired")
    if parsed.expires - parsed.created > MAX_LIFETIME_SECONDS:
        raise SignatureError(INVALID, "the signature's validity window is too long")
    try:
        content = signing_content(header, message, created=parsed.created,
                                  expires=parsed.expires)
    except (TypeError, ValueError) as exc:
        raise SignatureError(INVALID, "the message cannot be canonicalised") from exc
    try:
        public_key.verify(parsed.signature, content)
    except InvalidSignature as exc:
        raise SignatureError(INVALID, "the signature does not match the message") from exc
    return parsed
