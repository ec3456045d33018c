"""The target register: snapshots of national data (DTSEN / P3KE / DTKS) for a region.

* A :class:`Dataset` is one source for one region (e.g. P3KE for Kabupaten Bandung); each
  import of its export files makes a :class:`Snapshot`. Snapshots are never overwritten.
* :class:`Family` and :class:`Person` are identities that persist across snapshots of a dataset
  (keyed by the source's own IDs) and carry the *current* values for search and for the other
  apps to point at.
* :class:`FamilyRecord` and :class:`PersonRecord` hold each family and person exactly as a
  snapshot had them, with the row they came from, so a profile can show any snapshot.
* :class:`ImportIssue` keeps every rejected row and every flag of a snapshot.

The four bulk tables (families, persons and their records) declare their foreign keys
without database constraints and without indexes the composite keys already cover: a
snapshot writes millions of rows in one statement, and per-row constraint triggers would
cost more than the insert itself. Integrity holds by construction — only
``registry.store`` writes these tables, deriving every key from a join on rows it has just
written, and nothing deletes identities (``on_delete=PROTECT``). The searched text columns
(NIK, KK, desa code) have one index each with the pattern operator class, which serves
equality and prefix (``LIKE 'x%'``) searches under any collation; Django's ``db_index``
would build two.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Source(models.TextChoices):
    P3KE = "p3ke", "P3KE"
    DTSEN = "dtsen", "DTSEN"
    DTKS = "dtks", "DTKS"
    CANONICAL = "canonical", _("Konvergen canonical layout")


#: Which source supplies a family's current values when several hold it (best first); a
#: region may set its own order on its dataset (``Dataset.authority``).
DEFAULT_AUTHORITY = [Source.DTSEN, Source.DTKS, Source.P3KE, Source.CANONICAL]


class Dataset(models.Model):
    """The register of one region: every source's snapshots of it (see ``registry.store``
    for how a snapshot of another source is linked onto the same families and persons)."""

    #: The source of the dataset's first import (kept for display; snapshots carry their own).
    source = models.CharField(_("source"), max_length=20, choices=Source.choices)
    authority = models.JSONField(
        _("source authority"), default=list, blank=True,
        help_text=_("Sources in the order their values are trusted, best first; empty means "
                    "DTSEN, DTKS, P3KE, canonical. Within a source the newest snapshot wins."),
    )
    region = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("region")
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("register dataset")
        verbose_name_plural = _("register datasets")
        constraints = [
            models.UniqueConstraint(fields=["source", "region"], name="dataset_source_region")
        ]

    def __str__(self) -> str:
        return f"{self.get_source_display()} {self.region_id}"

    @property
    def authority_order(self) -> list[str]:
        """Every source, best first: the region's setting, then the default for the rest."""
        chosen = [s for s in (self.authority or []) if s in Source.values]
        return chosen + [str(s) for s in DEFAULT_AUTHORITY if s not in chosen] + [
            s for s in Source.values if s not in chosen and s not in DEFAULT_AUTHORITY]


class Snapshot(models.Model):
    """One committed import of a dataset's export files."""

    dataset = models.ForeignKey(Dataset, on_delete=models.PROTECT, related_name="snapshots")
    source = models.CharField(_("source"), max_length=20, choices=Source.choices)
    snapshot_date = models.DateField(_("snapshot date"))
    previous = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    families_file = models.CharField(_("families file"), max_length=255)
    members_file = models.CharField(_("members file"), max_length=255)
    files_sha256 = models.CharField(max_length=64, db_index=True)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    counts = models.JSONField(default=dict)
    diff = models.JSONField(default=dict)
    header_report = models.JSONField(default=dict)

    class Meta:
        verbose_name = _("register snapshot")
        verbose_name_plural = _("register snapshots")
        ordering = ["-snapshot_date", "-id"]

    def __str__(self) -> str:
        return f"{self.get_source_display()} {self.dataset.region_id} {self.snapshot_date}"


class Family(models.Model):
    """One family of the region, whatever number of sources hold it.

    ``source``/``source_id`` are the IDs it was first seen under; the IDs other sources give
    it are :class:`FamilyAlias` rows. ``last_snapshot`` is the snapshot whose record supplies
    the current values (the best source by the dataset's authority order, newest first);
    ``is_current`` says some source's latest snapshot holds it.
    """

    dataset = models.ForeignKey(Dataset, on_delete=models.PROTECT, related_name="+",
                                db_constraint=False, db_index=False)
    source = models.CharField(_("source"), max_length=20, choices=Source.choices)
    source_id = models.CharField(_("family ID (source)"), max_length=64)
    last_snapshot = models.ForeignKey(Snapshot, on_delete=models.PROTECT, related_name="+",
                                      db_constraint=False, db_index=False)
    is_current = models.BooleanField(default=True)
    region_code = models.CharField(_("desa/kelurahan"), max_length=13)
    kk_number = models.CharField(_("KK number"), max_length=16, blank=True)
    head_name = models.CharField(_("head of family"), max_length=200, blank=True)
    head_nik = models.CharField(_("NIK of the head"), max_length=16, blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    desil = models.PositiveSmallIntegerField(_("welfare decile"), null=True, blank=True)

    class Meta:
        verbose_name = _("family")
        verbose_name_plural = _("families")
        constraints = [
            models.UniqueConstraint(
                fields=["dataset", "source", "source_id"], name="family_dataset_source_id"
            )
        ]
        indexes = [
            models.Index(fields=["region_code"], name="family_region",
                         opclasses=["varchar_pattern_ops"]),
            models.Index(fields=["kk_number"], name="family_kk",
                         opclasses=["varchar_pattern_ops"]),
        ]

    def __str__(self) -> str:
        return f"{self.source_id} {self.head_name}"


class Person(models.Model):
    """One person of the region across sources (see :class:`Family`)."""

    dataset = models.ForeignKey(Dataset, on_delete=models.PROTECT, related_name="+",
                                db_constraint=False, db_index=False)
    source = models.CharField(_("source"), max_length=20, choices=Source.choices)
    source_id = models.CharField(_("person ID (source)"), max_length=64)
    family = models.ForeignKey(Family, on_delete=models.PROTECT, related_name="members",
                               db_constraint=False)
    last_snapshot = models.ForeignKey(Snapshot, on_delete=models.PROTECT, related_name="+",
                                      db_constraint=False, db_index=False)
    is_current = models.BooleanField(default=True)
    region_code = models.CharField(max_length=13)
    nik = models.CharField(_("NIK"), max_length=16, blank=True)
    name = models.CharField(_("name"), max_length=200)
    sex = models.CharField(_("sex"), max_length=1, blank=True)
    birth_date = models.DateField(_("birth date"), null=True, blank=True)
    relation = models.CharField(_("relation to head"), max_length=20, blank=True)

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("persons")
        constraints = [
            models.UniqueConstraint(
                fields=["dataset", "source", "source_id"], name="person_dataset_source_id"
            )
        ]
        indexes = [
            models.Index(fields=["nik"], name="person_nik", opclasses=["varchar_pattern_ops"]),
        ]

    def __str__(self) -> str:
        return f"{self.source_id} {self.name}"


class FamilyAlias(models.Model):
    """The ID another source gives a family already in the register."""

    dataset = models.ForeignKey(Dataset, on_delete=models.PROTECT, related_name="+",
                                db_constraint=False, db_index=False)
    source = models.CharField(_("source"), max_length=20, choices=Source.choices)
    source_id = models.CharField(_("family ID (source)"), max_length=64)
    family = models.ForeignKey(Family, on_delete=models.PROTECT, related_name="aliases",
                               db_constraint=False)
    snapshot = models.ForeignKey(Snapshot, on_delete=models.PROTECT, related_name="+",
                                 db_constraint=False, db_index=False)
    #: How the link was made: "kk", "members" (NIK or name and birth date of members).
    method = models.CharField(max_length=10)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["dataset", "source", "source_id"],
                                    name="family_alias_unique")
        ]

    def __str__(self) -> str:
        return f"{self.source}:{self.source_id} → {self.family_id}"


class PersonAlias(models.Model):
    """The ID another source gives a person already in the register."""

    dataset = models.ForeignKey(Dataset, on_delete=models.PROTECT, related_name="+",
                                db_constraint=False, db_index=False)
    source = models.CharField(_("source"), max_length=20, choices=Source.choices)
    source_id = models.CharField(_("person ID (source)"), max_length=64)
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="aliases",
                               db_constraint=False)
    snapshot = models.ForeignKey(Snapshot, on_delete=models.PROTECT, related_name="+",
                                 db_constraint=False, db_index=False)
    #: "nik" or "name" (normalised name and birth date within the same family).
    method = models.CharField(max_length=10)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["dataset", "source", "source_id"],
                                    name="person_alias_unique")
        ]

    def __str__(self) -> str:
        return f"{self.source}:{self.source_id} → {self.person_id}"


class FamilyRecord(models.Model):
    """A family as one snapshot had it; ``row_number`` is its data row in the families file."""

    snapshot = models.ForeignKey(Snapshot, on_delete=models.PROTECT, related_name="+",
                                 db_constraint=False, db_index=False)
    family = models.ForeignKey(Family, on_delete=models.PROTECT, related_name="records",
                               db_constraint=False)
    row_number = models.PositiveIntegerField()
    region_code = models.CharField(max_length=13)
    kk_number = models.CharField(max_length=16, blank=True)
    address = models.CharField(max_length=300, blank=True)
    head_name = models.CharField(max_length=200, blank=True)
    head_nik = models.CharField(max_length=16, blank=True)
    desil = models.PositiveSmallIntegerField(null=True)
    latitude = models.FloatField(null=True)
    longitude = models.FloatField(null=True)
    house_ownership = models.CharField(max_length=60, blank=True)
    roof_type = models.CharField(max_length=60, blank=True)
    wall_type = models.CharField(max_length=60, blank=True)
    floor_type = models.CharField(max_length=60, blank=True)
    lighting_source = models.CharField(max_length=60, blank=True)
    cooking_fuel = models.CharField(max_length=60, blank=True)
    water_source = models.CharField(max_length=80, blank=True)
    toilet_facility = models.CharField(max_length=60, blank=True)
    toilet_type = models.CharField(max_length=60, blank=True)
    floor_area_m2 = models.FloatField(null=True)
    electricity_power = models.CharField(max_length=40, blank=True)
    has_savings = models.BooleanField(null=True)
    receives_bpnt = models.BooleanField(null=True)
    receives_bpum = models.BooleanField(null=True)
    receives_bst = models.BooleanField(null=True)
    receives_pkh = models.BooleanField(null=True)
    receives_sembako = models.BooleanField(null=True)
    stunting_risk = models.BooleanField(null=True)
    member_count = models.PositiveSmallIntegerField(null=True)
    per_capita_expenditure = models.FloatField(null=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["snapshot", "family"], name="family_record_unique")
        ]

    def __str__(self) -> str:
        return f"{self.family_id}@{self.snapshot_id}"


class PersonRecord(models.Model):
    snapshot = models.ForeignKey(Snapshot, on_delete=models.PROTECT, related_name="+",
                                 db_constraint=False, db_index=False)
    # Indexed through the unique (person, snapshot) constraint, which leads with it.
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="records",
                               db_constraint=False, db_index=False)
    family = models.ForeignKey(Family, on_delete=models.PROTECT, related_name="+",
                               db_constraint=False, db_index=False)
    row_number = models.PositiveIntegerField()
    nik = models.CharField(max_length=16, blank=True)
    name = models.CharField(max_length=200)
    dukcapil_verified = models.BooleanField(null=True)
    sex = models.CharField(max_length=1, blank=True)
    relation = models.CharField(max_length=20, blank=True)
    birth_place = models.CharField(max_length=100, blank=True)
    birth_date = models.DateField(null=True)
    marital_status = models.CharField(max_length=40, blank=True)
    occupation = models.CharField(max_length=100, blank=True)
    education = models.CharField(max_length=100, blank=True)
    disability = models.CharField(max_length=60, blank=True)
    chronic_illness = models.CharField(max_length=60, blank=True)
    school_participation = models.CharField(max_length=60, blank=True)
    health_insurance = models.CharField(max_length=60, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["person", "snapshot"], name="person_record_unique")
        ]
        indexes = [models.Index(fields=["snapshot", "family"], name="person_record_family")]

    def __str__(self) -> str:
        return f"{self.person_id}@{self.snapshot_id}"


class ImportIssue(models.Model):
    """A rejected row (not imported) or a flag (imported, but suspicious)."""

    class Kind(models.TextChoices):
        REJECTION = "rejection", _("Rejected")
        FLAG = "flag", _("Flag")

    # Indexed through ``issue_reason``, which leads with it. No database constraint: a
    # snapshot's 100,000 issues would each queue a check for the commit (Django still
    # cascades deletes).
    snapshot = models.ForeignKey(Snapshot, on_delete=models.CASCADE, related_name="issues",
                                 db_index=False, db_constraint=False)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    file = models.CharField(max_length=10)
    row_number = models.PositiveIntegerField()
    column = models.CharField(max_length=120, blank=True)
    value = models.CharField(max_length=300, blank=True)
    reason = models.CharField(max_length=60)
    message_id = models.CharField(max_length=300)
    message_en = models.CharField(max_length=300)
    record_id = models.CharField(max_length=64, blank=True)

    class Meta:
        indexes = [models.Index(fields=["snapshot", "kind", "reason"], name="issue_reason")]

    def __str__(self) -> str:
        return f"{self.kind} {self.file}:{self.row_number} {self.reason}"


class ImportJob(models.Model):
    """An import started from the browser or the command line, with its progress."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        UNCHANGED = "unchanged", _("Already imported")
        FAILED = "failed", _("Failed")

    dataset = models.ForeignKey(Dataset, on_delete=models.PROTECT, related_name="jobs")
    snapshot = models.ForeignKey(
        Snapshot, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    stage = models.CharField(max_length=60, blank=True)
    progress = models.PositiveSmallIntegerField(default=0)
    families_path = models.CharField(max_length=500)
    members_path = models.CharField(max_length=500)
    options = models.JSONField(default=dict)
    result = models.JSONField(default=dict)
    error = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"import {self.pk} {self.status}"

    @property
    def stage_label(self) -> str:
        return str(STAGES.get(self.stage, self.stage))


STAGES = {
    "reading": _("reading the files"),
    "validating": _("checking every row"),
    "writing": _("saving"),
    "comparing": _("comparing with the previous snapshot"),
    "computing": _("computing status and needs"),
    "done": _("finished"),
}
