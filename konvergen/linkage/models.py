"""Stored linkage: trained models, uploaded lists, their rows' links, and review decisions.

The engine (``konvergen.linkage.engine``) is pure computation; these models keep what it
decided for each uploaded list, and what people decided in the review queue, so that every
programme's beneficiaries point at the same register persons.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class LinkageModelVersion(models.Model):
    """Fellegi–Sunter parameters trained (unsupervised) on a register snapshot."""

    dataset = models.ForeignKey("registry.Dataset", on_delete=models.PROTECT, related_name="+")
    version = models.PositiveIntegerField()
    snapshot = models.ForeignKey("registry.Snapshot", on_delete=models.PROTECT, related_name="+")
    params = models.JSONField()
    histogram = models.JSONField(default=dict, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["dataset", "version"], name="linkage_model_version")
        ]
        ordering = ["-version"]

    def __str__(self) -> str:
        return f"{self.dataset} v{self.version}"


class Thresholds(models.Model):
    """A region's match-probability thresholds: accept at or above ``accept``, send to
    review at or above ``review``, below that the row is not in the register."""

    region = models.OneToOneField("regions.Region", on_delete=models.PROTECT, related_name="+")
    accept = models.FloatField(_("accept at or above"), default=0.95)
    review = models.FloatField(_("review at or above"), default=0.5)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.region_id}: {self.review}–{self.accept}"


class RowStatus(models.TextChoices):
    MATCHED = "matched", _("Matched")
    REVIEW = "review", _("To review")
    UNMATCHED = "unmatched", _("Not in the register")


class BeneficiaryList(models.Model):
    """A list uploaded to be linked: a programme's beneficiaries, a partner's recipients,
    a village update."""

    class Unit(models.TextChoices):
        PERSON = "person", _("Persons (one row per person)")
        FAMILY = "family", _("Families (one row per family: No KK, head, address)")

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    dataset = models.ForeignKey("registry.Dataset", on_delete=models.PROTECT, related_name="+")
    organisation = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("organisation"),
    )
    name = models.CharField(_("name"), max_length=200)
    unit = models.CharField(
        _("each row is"), max_length=10, choices=Unit.choices, default=Unit.PERSON
    )
    file_name = models.CharField(max_length=255)
    file_path = models.CharField(max_length=500)
    mapping = models.JSONField(default=dict, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    error = models.TextField(blank=True)
    model_version = models.ForeignKey(
        LinkageModelVersion, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    counts = models.JSONField(default=dict, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-id"]

    def __str__(self) -> str:
        return self.name


class ListRow(models.Model):
    """One data row of an uploaded list and the register person it points at."""

    beneficiary_list = models.ForeignKey(
        BeneficiaryList, on_delete=models.CASCADE, related_name="rows"
    )
    row_number = models.PositiveIntegerField()
    data = models.JSONField(default=dict)  # the row as uploaded, by original header
    status = models.CharField(max_length=10, choices=RowStatus.choices, db_index=True)
    rule = models.CharField(max_length=20, blank=True)
    match_probability = models.FloatField(null=True)
    person = models.ForeignKey(
        "registry.Person", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    family = models.ForeignKey(
        "registry.Family", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    candidates = models.JSONField(default=list, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["beneficiary_list", "row_number"], name="list_row_unique"
            )
        ]
        indexes = [models.Index(fields=["beneficiary_list", "status"], name="list_row_status")]

    def __str__(self) -> str:
        return f"{self.beneficiary_list_id}:{self.row_number}"


class ReviewDecision(models.Model):
    """A reviewer's decision on a row; undoing it adds a new decision that restores the
    previous state, so the history stays complete."""

    class Action(models.TextChoices):
        ACCEPT = "accept", _("Accepted")
        REJECT = "reject", _("Rejected")
        UNDO = "undo", _("Undone")

    row = models.ForeignKey(ListRow, on_delete=models.CASCADE, related_name="decisions")
    action = models.CharField(max_length=10, choices=Action.choices)
    person = models.ForeignKey(
        "registry.Person", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    previous_status = models.CharField(max_length=10)
    previous_person = models.ForeignKey(
        "registry.Person", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    undone = models.BooleanField(default=False)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"{self.action} {self.row_id}"


class DuplicatePair(models.Model):
    """Two register persons the engine thinks may be one (two NIKs, a family registered
    twice after a move), waiting for a reviewer."""

    class Status(models.TextChoices):
        OPEN = "open", _("To review")
        MERGED = "merged", _("Merged")
        DISTINCT = "distinct", _("Different persons")

    dataset = models.ForeignKey("registry.Dataset", on_delete=models.PROTECT, related_name="+")
    person_a = models.ForeignKey("registry.Person", on_delete=models.PROTECT, related_name="+")
    person_b = models.ForeignKey("registry.Person", on_delete=models.PROTECT, related_name="+")
    match_probability = models.FloatField()
    kind = models.CharField(max_length=20, blank=True)
    evidence = models.JSONField(default=list, blank=True)
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.OPEN, db_index=True
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    found_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-match_probability", "id"]
        constraints = [
            models.UniqueConstraint(fields=["person_a", "person_b"], name="duplicate_pair_unique")
        ]

    def __str__(self) -> str:
        return f"{self.person_a_id} ~ {self.person_b_id}"


class PersonMerge(models.Model):
    """``merged`` is the same person as ``survivor``. Every list row and intervention that
    points at ``merged`` counts for ``survivor``; undoing the merge (a split) restores both."""

    pair = models.ForeignKey(DuplicatePair, on_delete=models.PROTECT, related_name="merges")
    survivor = models.ForeignKey("registry.Person", on_delete=models.PROTECT, related_name="+")
    merged = models.ForeignKey("registry.Person", on_delete=models.PROTECT, related_name="+")
    merged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    merged_at = models.DateTimeField(auto_now_add=True)
    split_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    split_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["merged"],
                condition=models.Q(split_at__isnull=True),
                name="person_merged_once",
            )
        ]

    def __str__(self) -> str:
        return f"{self.merged_id} -> {self.survivor_id}"
