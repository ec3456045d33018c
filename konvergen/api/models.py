"""API clients: another system acting as a service account, with a token and scopes.

A client's *reach* (regions × organisations) is its user's role assignments, so every
access decision is ``accounts.access``'s; its *scopes* only say which kinds of call it may
make at all. The token is shown once: only its prefix (for lookup) and its SHA-256 are kept.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

#: Every scope a client may hold, and what it opens.
SCOPES: dict[str, str] = {
    "families:read": "families of the register (list, detail)",
    "persons:read": "persons of the register (names and NIK masked)",
    "persons:pii": "unmasked names, NIK, No KK and addresses where the user may see them",
    "programmes:read": "programmes and their interventions",
    "interventions:write": "record interventions in bulk",
    "lists:read": "beneficiary lists: status, counts and link results",
    "lists:write": "upload a beneficiary list and start linking it",
    "convergence:read": "convergence figures of a region and year",
    "indicators:read": "indicators and targets of a region",
}

#: Requests per minute when a client is created without its own limit.
DEFAULT_RATE_LIMIT = 120


class ApiClient(models.Model):
    """A system calling the REST API on behalf of ``user`` (a service account)."""

    name = models.CharField(_("name"), max_length=120)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="api_clients",
        verbose_name=_("acts as"),
    )
    scopes = models.JSONField(_("scopes"), default=list)
    rate_limit = models.PositiveIntegerField(_("requests per minute"),
                                             default=DEFAULT_RATE_LIMIT)
    is_active = models.BooleanField(_("active"), default=True)
    #: The first characters of the token, stored in clear to find the client.
    token_prefix = models.CharField(max_length=16, unique=True)
    token_sha256 = models.CharField(max_length=64)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="+", verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)

    class Meta:
        verbose_name = _("API client")
        verbose_name_plural = _("API clients")
        ordering = ["name", "pk"]

    def __str__(self) -> str:
        return self.name


class RateWindow(models.Model):
    """Requests of one client in one fixed one-minute window (``services.rate_hit``)."""

    client = models.ForeignKey(ApiClient, on_delete=models.CASCADE, related_name="+")
    window = models.DateTimeField()
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["client", "window"], name="api_rate_window_once")
        ]

    def __str__(self) -> str:
        return f"{self.client_id}@{self.window:%H:%M} {self.count}"


class IdempotentResult(models.Model):
    """The answer to a write sent with an ``Idempotency-Key``: the same key from the same
    client gets the same answer again instead of a second write."""

    client = models.ForeignKey(ApiClient, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=100)
    #: What the key was used for (method and path): reusing it elsewhere is an error.
    request = models.CharField(max_length=300)
    status = models.PositiveSmallIntegerField()
    body = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["client", "key"], name="api_idempotency_key_once")
        ]

    def __str__(self) -> str:
        return f"{self.client_id}:{self.key}"
