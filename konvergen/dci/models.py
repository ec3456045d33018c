"""Senders allowed to query the register through the DCI Social Registry interface, and the
transactions they made (status and counts only: no query values, no personal data)."""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from konvergen.dci import fields, protocol, signature


def _check_choices(values, allowed, label):
    if not isinstance(values, list) or any(v not in allowed for v in values):
        raise ValidationError(
            _("%(label)s must be a list of: %(allowed)s"),
            params={"label": label, "allowed": ", ".join(allowed)},
        )


class Sender(models.Model):
    """A system (an SPMIS, a ministry's registry) that may query the register: its key, what
    it may ask and which fields it receives, within one region."""

    sender_id = models.CharField(_("sender ID"), max_length=200, unique=True,
                                 help_text=_("header.sender_id of its messages"))
    name = models.CharField(_("name"), max_length=200)
    key_id = models.CharField(_("key ID"), max_length=100, default="1",
                              help_text=_("the unique_key_id part of the signature's kidId"))
    public_key = models.TextField(_("public key (Ed25519, PEM)"))
    region = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("region"),
        help_text=_("Only families of this region and below are searched; empty: the whole "
                    "country."),
    )
    operations = models.JSONField(_("allowed operations"), default=list, blank=True)
    query_types = models.JSONField(_("allowed query types"), default=list, blank=True)
    id_types = models.JSONField(_("allowed identifier types"), default=list, blank=True)
    fields = models.JSONField(
        _("fields returned"), default=list, blank=True,
        help_text=_("Empty: counts only (total_count, no records)."),
    )
    max_page_size = models.PositiveIntegerField(_("largest page size"), default=100)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("DCI sender")
        verbose_name_plural = _("DCI senders")
        ordering = ["sender_id"]

    def __str__(self) -> str:
        return self.sender_id

    @property
    def region_code(self) -> str:
        return self.region_id or ""

    def clean(self):
        try:
            signature.load_public_key(self.public_key or "")
        except ValueError as exc:
            raise ValidationError({"public_key": _("Not an Ed25519 public key in PEM.")}) from exc
        _check_choices(self.operations, protocol.OPERATIONS, _("Operations"))
        _check_choices(self.query_types, protocol.QUERY_TYPES, _("Query types"))
        _check_choices(self.id_types, protocol.ID_TYPES, _("Identifier types"))
        _check_choices(self.fields, fields.FIELDS, _("Fields"))
        if "|" in self.sender_id or "|" in self.key_id:
            raise ValidationError(_("Sender and key IDs may not contain '|'."))


class Transaction(models.Model):
    """One authenticated request message of a sender and how it was answered."""

    sender = models.ForeignKey(Sender, on_delete=models.PROTECT, related_name="transactions")
    action = models.CharField(max_length=20)
    message_id = models.CharField(max_length=protocol.MAX_ID_LENGTH)
    transaction_id = models.CharField(max_length=protocol.MAX_ID_LENGTH, blank=True)
    #: Ours: the ``correlation_id`` of the answer.
    correlation_id = models.CharField(max_length=protocol.MAX_ID_LENGTH, unique=True)
    status = models.CharField(max_length=4)
    status_reason_code = models.CharField(max_length=60, blank=True)
    request_count = models.PositiveIntegerField(default=0)
    record_count = models.PositiveIntegerField(default=0)
    message_ts = models.DateTimeField(null=True, blank=True)
    received_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("DCI transaction")
        verbose_name_plural = _("DCI transactions")
        ordering = ["-received_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["sender", "message_id"], name="dci_message_once"),
        ]
        indexes = [models.Index(fields=["sender", "transaction_id"], name="dci_txn_sender")]

    def __str__(self) -> str:
        return f"{self.sender_id} {self.action} {self.transaction_id}"


class TransactionItem(models.Model):
    """One request of a message's batch (a ``search_request`` item): counts only."""

    transaction = models.ForeignKey(Transaction, on_delete=models.CASCADE, related_name="items")
    reference_id = models.CharField(max_length=protocol.MAX_ID_LENGTH)
    query_type = models.CharField(max_length=20, blank=True)
    record_type = models.CharField(max_length=10, blank=True)
    status = models.CharField(max_length=4)
    status_reason_code = models.CharField(max_length=60, blank=True)
    total_count = models.PositiveIntegerField(default=0)
    returned_count = models.PositiveIntegerField(default=0)
    page_size = models.PositiveIntegerField(default=0)
    page_number = models.PositiveIntegerField(default=0)
    processed_at = models.DateTimeField()

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["reference_id"], name="dci_item_reference")]

    def __str__(self) -> str:
        return f"{self.transaction_id}:{self.reference_id}"
