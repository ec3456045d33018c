"""Village verification: what a desa/kelurahan proposes to change in the target register,
the village deliberation (musdes, or muskel in a kelurahan) that agreed it, the social
office's validation and the secretariat's ratification.

A ratified proposal is a *local decision*: ``services.local_decisions_apply`` lays it over
the register after every snapshot, until a newer national snapshot agrees with it (then
``agreed_snapshot`` is set and it is no longer applied).
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from konvergen.regions import codes


class Musdes(models.Model):
    """One village deliberation: musyawarah desa (desa) or musyawarah kelurahan (kelurahan)."""

    region_code = models.CharField(_("desa/kelurahan"), max_length=13, db_index=True)
    held_on = models.DateField(_("date"))
    place = models.CharField(_("place"), max_length=200)
    attendees_count = models.PositiveIntegerField(_("number of attendees"))
    attendees = models.TextField(_("attendees"), blank=True,
                                 help_text=_("One name (and function) per line."))
    minutes_file = models.CharField(_("minutes (berita acara)"), max_length=500)
    signed_by = models.CharField(_("signed by (kepala desa / lurah)"), max_length=200)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("village deliberation")
        verbose_name_plural = _("village deliberations")
        ordering = ["-held_on", "-id"]

    def __str__(self) -> str:
        return f"{self.kind_label} {self.region_code} {self.held_on}"

    @property
    def is_kelurahan(self) -> bool:
        return codes.is_kelurahan(self.region_code)

    @property
    def kind_label(self) -> str:
        return "Muskel" if self.is_kelurahan else "Musdes"

    @property
    def minutes_name(self) -> str:
        return self.minutes_file.rsplit("/", 1)[-1]


class Proposal(models.Model):
    """A change a village proposes for one family of its desa (or a new family)."""

    class Kind(models.TextChoices):
        NEW = "new", _("New family (usulan baru)")
        CORRECTION = "correction", _("Correction (perbaikan)")
        DEACTIVATION = "deactivation", _("Deactivation")

    class Reason(models.TextChoices):
        DIED = "died", _("Died (meninggal)")
        MOVED = "moved", _("Moved away (pindah)")
        INELIGIBLE = "ineligible", _("No longer eligible (tidak memenuhi syarat)")

    class State(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")
        VALIDATED = "validated", _("Validated")
        RETURNED = "returned", _("Returned")
        RATIFIED = "ratified", _("Ratified")
        REJECTED = "rejected", _("Rejected")

    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    state = models.CharField(_("state"), max_length=10, choices=State.choices,
                             default=State.DRAFT, db_index=True)
    region_code = models.CharField(_("desa/kelurahan"), max_length=13, db_index=True)
    #: The register family (corrections and deactivations; the matched family once national
    #: data holds a new family).
    family = models.ForeignKey("registry.Family", on_delete=models.PROTECT, null=True,
                               blank=True, related_name="+", verbose_name=_("family"))
    deactivation_reason = models.CharField(_("deactivation reason"), max_length=12,
                                           choices=Reason.choices, blank=True)
    reason = models.TextField(_("reason"))
    evidence_file = models.CharField(_("evidence"), max_length=500)
    #: Proposed values: for a new family its fields, housing and members; for a correction
    #: only the changed family and housing fields, and members as {person id: {field: value}}.
    data = models.JSONField(_("proposed data"), default=dict)
    musdes = models.ForeignKey(Musdes, on_delete=models.PROTECT, null=True, blank=True,
                               related_name="proposals", verbose_name=_("village deliberation"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    validated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                     null=True, blank=True, related_name="+")
    validated_at = models.DateTimeField(null=True, blank=True)
    validation_note = models.TextField(_("validation note"), blank=True)
    ratified_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    null=True, blank=True, related_name="+")
    ratified_at = models.DateTimeField(null=True, blank=True)
    ratification_note = models.TextField(_("ratification note"), blank=True)
    #: The first national snapshot that agrees with the ratified decision (then not applied).
    agreed_snapshot = models.ForeignKey("registry.Snapshot", on_delete=models.PROTECT,
                                        null=True, blank=True, related_name="+")
    agreed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("village proposal")
        verbose_name_plural = _("village proposals")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["state", "kind"], name="proposal_state_kind")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk} {self.region_code}"

    @property
    def is_applied(self) -> bool:
        """A local decision laid over the register (ratified, national data not yet agreeing)."""
        return (self.state == self.State.RATIFIED and self.agreed_snapshot_id is None
                and self.kind != self.Kind.NEW)

    @property
    def evidence_name(self) -> str:
        return self.evidence_file.rsplit("/", 1)[-1]


class Correction(models.Model):
    """One corrected current value of a ratified-or-pending correction, in columns so the
    register can be overwritten with one ``UPDATE`` per field."""

    class Target(models.TextChoices):
        FAMILY = "family", _("family")
        PERSON = "person", _("person")

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="corrections")
    target = models.CharField(max_length=6, choices=Target.choices)
    family = models.ForeignKey("registry.Family", on_delete=models.PROTECT, related_name="+",
                               db_constraint=False)
    person = models.ForeignKey("registry.Person", on_delete=models.PROTECT, null=True,
                               blank=True, related_name="+", db_constraint=False)
    field = models.CharField(max_length=20)
    old_value = models.CharField(max_length=300, blank=True)
    new_value = models.CharField(max_length=300, blank=True)

    class Meta:
        indexes = [models.Index(fields=["target", "field"], name="correction_field")]

    def __str__(self) -> str:
        return f"{self.target}.{self.field}={self.new_value}"


class ProposalEvent(models.Model):
    """A step in a proposal's life, shown on its page (the audit log holds the same)."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="events")
    from_state = models.CharField(max_length=10, blank=True)
    to_state = models.CharField(max_length=10)
    note = models.TextField(blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True,
                              blank=True, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"#{self.proposal_id} {self.from_state}->{self.to_state}"
