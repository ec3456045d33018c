"""Writes of the API app: clients and their tokens, the per-client rate window, the audit
row of every call, and answers kept for an ``Idempotency-Key``."""

import hashlib
import hmac
import secrets
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from konvergen.api.models import (
    DEFAULT_RATE_LIMIT,
    SCOPES,
    ApiClient,
    IdempotentResult,
    RateWindow,
)
from konvergen.audit.services import audit_record

#: Tokens read ``kvg_<prefix>_<secret>``: the prefix finds the client, the whole token's
#: SHA-256 is compared in constant time.
TOKEN_MARK = "kvg"
ERR_UNKNOWN_SCOPE = "unknown scope(s): %(scopes)s; known: %(known)s"
#: How long answers kept for an ``Idempotency-Key`` are honoured.
IDEMPOTENCY_DAYS = 7


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _check_scopes(scopes) -> list[str]:
    scopes = sorted({s.strip() for s in scopes if s and s.strip()})
    unknown = [s for s in scopes if s not in SCOPES]
    if unknown:
        raise ValidationError(ERR_UNKNOWN_SCOPE % {"scopes": ", ".join(unknown),
                                                   "known": ", ".join(SCOPES)})
    return scopes


def api_client_create(*, name: str, user, scopes, rate_limit: int = DEFAULT_RATE_LIMIT,
                      acting_user=None) -> tuple[ApiClient, str]:
    """A new client acting as ``user`` with ``scopes``; returns it and its token, which is
    shown this once (only its prefix and digest are kept)."""
    scopes = _check_scopes(scopes)
    if rate_limit < 1:
        raise ValidationError("the rate limit is at least one request a minute")
    prefix = secrets.token_hex(4)
    token = f"{TOKEN_MARK}_{prefix}_{secrets.token_urlsafe(32)}"
    with transaction.atomic():
        client = ApiClient.objects.create(
            name=name, user=user, scopes=scopes, rate_limit=rate_limit, token_prefix=prefix,
            token_sha256=token_digest(token),
            created_by=acting_user if getattr(acting_user, "pk", None) else None,
        )
        audit_record(actor=acting_user, action="api.client_create", obj=client,
                     changes={"name": name, "user": user.get_username(), "scopes": scopes,
                              "rate_limit": rate_limit, "token_prefix": prefix})
    return client, token


def api_client_revoke(*, client: ApiClient, acting_user=None) -> ApiClient:
    """Revoke a client: its token answers 401 from now on (the row stays, for the audit)."""
    with transaction.atomic():
        ApiClient.objects.filter(pk=client.pk).update(is_active=False,
                                                      revoked_at=timezone.now())
        client.refresh_from_db()
        audit_record(actor=acting_user, action="api.client_revoke", obj=client,
                     changes={"token_prefix": client.token_prefix})
    return client


def client_for_token(token: str) -> ApiClient | None:
    """The active client holding ``token`` whose user is active, else None."""
    mark, _sep, rest = (token or "").partition("_")
    prefix, _sep, secret = rest.partition("_")
    if mark != TOKEN_MARK or not prefix or not secret:
        return None
    client = (ApiClient.objects.select_related("user")
              .filter(token_prefix=prefix).first())
    if client is None or not hmac.compare_digest(client.token_sha256, token_digest(token)):
        return None
    if not client.is_active or client.revoked_at or not client.user.is_active:
        return None
    return client


def rate_hit(client: ApiClient) -> int | None:
    """Count one request in the client's current one-minute window; ``None`` while within
    its limit, else the seconds until the window ends (for ``Retry-After``).

    One conditional UPDATE per request (an INSERT the first time in a minute), so every web
    process sees the same count."""
    now = timezone.now()
    window = now.replace(second=0, microsecond=0)
    windows = RateWindow.objects.filter(client=client, window=window)
    if not windows.update(count=F("count") + 1):
        try:
            with transaction.atomic():
                RateWindow.objects.create(client=client, window=window, count=1)
        except IntegrityError:  # another process opened the window first
            windows.update(count=F("count") + 1)
        else:
            # Once a minute per client: forget old windows, note the client was used.
            RateWindow.objects.filter(client=client, window__lt=window).delete()
            ApiClient.objects.filter(pk=client.pk).update(last_used_at=now)
    count = windows.values_list("count", flat=True).first() or 0
    if count <= client.rate_limit:
        return None
    return max(1, 60 - now.second)


def call_audit(*, client: ApiClient | None, method: str, path: str, status: int,
               count: int | None, region_code: str = "", action: str = "api.call") -> None:
    """The audit row of one call: client, method, path, status and how many records it
    returned or wrote — never what they held (no query string, no body)."""
    changes = {"method": method, "path": path[:300], "status": status}
    if count is not None:
        changes["count"] = count
    if client is None:
        audit_record(actor=None, action="api.unauthorised", object_type="api.apiclient",
                     region_code=region_code, changes=changes)
        return
    audit_record(actor=client.user, action=action, object_type="api.apiclient",
                 object_id=str(client.pk), object_repr=client.name[:200],
                 region_code=region_code, changes={"client": client.name, **changes},
                 read=method in ("GET", "HEAD"))


def idempotent_result(*, client: ApiClient, key: str) -> IdempotentResult | None:
    since = timezone.now() - timedelta(days=IDEMPOTENCY_DAYS)
    return IdempotentResult.objects.filter(client=client, key=key, created_at__gte=since).first()


def idempotent_keep(*, client: ApiClient, key: str, request: str, status: int,
                    body: dict) -> None:
    """Keep the answer to a write sent with ``key`` (replacing an expired one)."""
    IdempotentResult.objects.filter(client=client, key=key).delete()
    IdempotentResult.objects.create(client=client, key=key[:100], request=request[:300],
                                    status=status, body=body)
