"""Programmes of every stakeholder, who received them (interventions), and groups.

* :class:`Programme` — one programme of one organisation in one region: strategy, stage,
  sector, the need indicators it addresses (codes of ``docs/needs.md``), target unit,
  eligibility (desil range, optional rules), funding, budget, period and locations.
* :class:`Intervention` — programme × beneficiary (family, optionally the person or group)
  × period × status × value. Rows made from an uploaded list keep the list row they came
  from, so re-syncing after the review queue is idempotent.
* :class:`Group` / :class:`GroupMember` — UMKM groups, KUBE, cooperatives, for group
  empowerment and access to KUR credit.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Strategy(models.TextChoices):
    BURDEN = "burden", _("Reduce the expenditure burden")
    INCOME = "income", _("Raise income and capability")
    UMKM = "umkm", _("Develop and sustain micro and small enterprises")
    SYNERGY = "synergy", _("Synergise policies and programmes")
    POCKETS = "pockets", _("Reduce pockets of poverty")


class Stage(models.TextChoices):
    CHARITY = "charity", _("Charity (social assistance)")
    INDIVIDUAL = "individual", _("Individual empowerment")
    GROUP = "group", _("Group empowerment")


class Sector(models.TextChoices):
    FOOD = "food", _("Food")
    HOUSING = "housing", _("Housing")
    WASH = "wash", _("Water and sanitation")
    HEALTH = "health", _("Health")
    EDUCATION = "education", _("Education")
    EMPLOYMENT = "employment", _("Employment")
    UMKM = "umkm", _("UMKM and cooperatives")
    ENERGY = "energy", _("Energy")
    DIGITAL = "digital", _("Digital and creative economy")
    INFRASTRUCTURE = "infrastructure", _("Infrastructure")
    OTHER = "other", _("Other")


class TargetUnit(models.TextChoices):
    PERSON = "person", _("Person")
    FAMILY = "family", _("Family")
    GROUP = "group", _("Group")
    AREA = "area", _("Area")


class Funding(models.TextChoices):
    APBN = "apbn", "APBN"
    APBD_PROVINCE = "apbd_province", _("APBD province")
    APBD_REGENCY = "apbd_regency", _("APBD kabupaten/kota")
    DANA_DESA = "dana_desa", "Dana Desa"
    CSR = "csr", "CSR"
    ZIS = "zis", _("BAZNAS / ZIS")
    OTHER = "other", _("Other")


class Programme(models.Model):
    code = models.SlugField(_("code"), max_length=40)
    name = models.CharField(_("name"), max_length=200)
    organisation = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        related_name="programmes",
        verbose_name=_("organisation"),
    )
    region = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("region")
    )
    strategy = models.CharField(_("strategy"), max_length=12, choices=Strategy.choices)
    stage = models.CharField(_("stage"), max_length=12, choices=Stage.choices)
    sector = models.CharField(_("sector"), max_length=16, choices=Sector.choices)
    needs = models.JSONField(_("needs addressed"), default=list, blank=True)
    target_unit = models.CharField(
        _("target unit"), max_length=8, choices=TargetUnit.choices, default=TargetUnit.FAMILY
    )
    desil_min = models.PositiveSmallIntegerField(_("from desil"), null=True, blank=True)
    desil_max = models.PositiveSmallIntegerField(_("up to desil"), null=True, blank=True)
    eligibility_rules = models.TextField(_("other eligibility rules"), blank=True)
    funding_source = models.CharField(_("funding source"), max_length=16, choices=Funding.choices)
    budget = models.DecimalField(_("budget (Rp)"), max_digits=18, decimal_places=0, default=0)
    year_start = models.PositiveSmallIntegerField(_("from year"))
    year_end = models.PositiveSmallIntegerField(_("to year"))
    locations = models.JSONField(_("locations (region codes)"), default=list, blank=True)
    is_national = models.BooleanField(_("national programme"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("programme")
        verbose_name_plural = _("programmes")
        ordering = ["region_id", "code"]
        constraints = [
            models.UniqueConstraint(fields=["region", "code"], name="programme_region_code"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class Group(models.Model):
    """A UMKM group, KUBE or cooperative of one desa, recorded by the organisation that
    accompanies it; an intervention to the group counts for every member's family."""

    class Kind(models.TextChoices):
        UMKM = "umkm", _("UMKM group")
        KUBE = "kube", "KUBE"
        COOPERATIVE = "cooperative", _("Cooperative")
        OTHER = "other", _("Other")

    class Kur(models.TextChoices):
        NONE = "none", _("Not applied")
        APPLIED = "applied", _("Applied")
        APPROVED = "approved", _("Approved")
        DISBURSED = "disbursed", _("Disbursed")
        REJECTED = "rejected", _("Rejected")

    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("type"), max_length=12, choices=Kind.choices)
    region_code = models.CharField(_("desa/kelurahan"), max_length=13, db_index=True)
    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, null=True, blank=True,
        related_name="+", verbose_name=_("organisation"),
    )
    kur_status = models.CharField(
        _("KUR access"), max_length=10, choices=Kur.choices, default=Kur.NONE
    )
    kur_date = models.DateField(_("KUR status date"), null=True, blank=True)
    kur_amount = models.DecimalField(
        _("KUR credit (Rp)"), max_digits=16, decimal_places=0, null=True, blank=True
    )
    members: models.ManyToManyField = models.ManyToManyField(
        "registry.Person", through="GroupMember", related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True, null=True)

    class Meta:
        verbose_name = _("group")
        verbose_name_plural = _("groups")
        ordering = ["region_code", "name"]

    def __str__(self) -> str:
        return self.name


def this_year() -> int:
    """The current calendar year in the region's time zone (``TIME_ZONE``)."""
    return timezone.localdate().year


class GroupMember(models.Model):
    """One person's membership of a group over time: it counts for period ``Y`` when
    ``joined_year <= Y`` and ``left_year`` is empty (still a member) or ``>= Y``. One row per
    (group, person): re-joining re-opens the row (``services.group_member_add``)."""

    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="memberships")
    person = models.ForeignKey("registry.Person", on_delete=models.PROTECT, related_name="+")
    role = models.CharField(_("role"), max_length=40, blank=True)
    joined_year = models.PositiveSmallIntegerField(_("member since (year)"), default=this_year)
    #: The last year of the membership (inclusive); empty while still a member.
    left_year = models.PositiveSmallIntegerField(_("member until (year)"), null=True,
                                                 blank=True)

    # Not stored: set on the rows `programs.selectors.family_groups` lists (None or "" when
    # personal data is hidden).
    member_name: str | None
    group_url: str

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["group", "person"], name="group_member_unique"),
            models.CheckConstraint(
                condition=Q(left_year__isnull=True) | Q(left_year__gte=F("joined_year")),
                name="group_member_left_after_joined",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.group_id}:{self.person_id}"

    @property
    def is_current(self) -> bool:
        return self.left_year is None


class Intervention(models.Model):
    """One programme's help to one family (optionally one of its persons) or group.

    Its lifecycle is ``planned → delivered → completed``; a planned or delivered
    intervention may be ``cancelled`` (with a reason: never deleted). ``stopped`` is the
    older "help ended early" status some lists still carry. The date of each transition is
    kept (``planned_on`` … ``cancelled_on``); the allowed moves are :data:`TRANSITIONS`."""

    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        DELIVERED = "delivered", _("Delivered")
        COMPLETED = "completed", _("Completed")
        STOPPED = "stopped", _("Stopped")
        CANCELLED = "cancelled", _("Cancelled")

    class Origin(models.TextChoices):
        MANUAL = "manual", _("Recorded by hand")
        LIST = "list", _("Beneficiary list")
        WORKLIST = "worklist", _("Worklist plan")
        GROUP = "group", _("Help to a group")
        UNKNOWN = "", _("Unknown")

    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="interventions")
    #: Empty for an intervention to a whole group: it counts for every member's family.
    family = models.ForeignKey(
        "registry.Family", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    person = models.ForeignKey(
        "registry.Person", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    group = models.ForeignKey(
        Group, on_delete=models.PROTECT, null=True, blank=True, related_name="interventions"
    )
    year = models.PositiveSmallIntegerField(_("period (year)"), db_index=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices)
    value = models.DecimalField(_("value (Rp)"), max_digits=16, decimal_places=0, default=0)
    #: How many of ``item`` were given (kilograms of rice, months of a subsidy, …).
    units = models.FloatField(_("quantity"), null=True, blank=True)
    item = models.CharField(_("item given"), max_length=200, blank=True, default="",
                            db_default="")
    note = models.TextField(_("note"), blank=True, default="", db_default="")
    origin = models.CharField(_("origin"), max_length=10, choices=Origin.choices, blank=True,
                              default=Origin.UNKNOWN, db_default="")
    planned_on = models.DateField(_("planned on"), null=True, blank=True)
    delivered_on = models.DateField(_("delivered on"), null=True, blank=True)
    completed_on = models.DateField(_("completed on"), null=True, blank=True)
    cancelled_on = models.DateField(_("cancelled on"), null=True, blank=True)
    cancel_reason = models.CharField(_("reason for cancelling"), max_length=300, blank=True,
                                     default="", db_default="")
    updated_at = models.DateTimeField(null=True, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    list_row = models.ForeignKey(
        "linkage.ListRow", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    #: The list and row number it came from: stable when the list is linked again (its
    #: rows are rewritten), so a re-sync updates this intervention instead of adding one.
    source_list = models.ForeignKey(
        "linkage.BeneficiaryList", on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+",
    )
    source_row = models.PositiveIntegerField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    # Not stored: set on the rows the selectors list (`programs.selectors`), already masked.
    member_name: str
    personal: bool
    who: str
    who_nik: str
    who_kk: str

    class Meta:
        verbose_name = _("intervention")
        verbose_name_plural = _("interventions")
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "year", "list_row"],
                condition=models.Q(list_row__isnull=False),
                name="intervention_list_row_once",
            ),
            models.UniqueConstraint(
                fields=["programme", "year", "source_list", "source_row"],
                condition=models.Q(source_list__isnull=False),
                name="intervention_source_row_once",
            ),
            models.CheckConstraint(
                condition=models.Q(family__isnull=False) | models.Q(group__isnull=False),
                name="intervention_family_or_group",
            ),
        ]
        indexes = [
            models.Index(fields=["family", "year"], name="intervention_family_year"),
            models.Index(fields=["programme", "status"], name="intervention_programme_status"),
        ]

    def __str__(self) -> str:
        beneficiary = self.family_id if self.family_id else f"group {self.group_id}"
        return f"{self.programme_id}→{beneficiary} {self.year}"

    @property
    def status_date(self):
        """The date of the current status (empty when it was never recorded)."""
        return getattr(self, STATUS_DATE_FIELD.get(self.status, ""), None)

    @property
    def next_statuses(self) -> tuple[str, ...]:
        return TRANSITIONS.get(self.status, ())


S = Intervention.Status
#: The lifecycle: the statuses each status may move to. Completed, stopped and cancelled
#: are final.
TRANSITIONS: dict[str, tuple[str, ...]] = {
    S.PLANNED: (S.DELIVERED, S.CANCELLED),
    S.DELIVERED: (S.COMPLETED, S.CANCELLED),
    S.COMPLETED: (),
    S.STOPPED: (),
    S.CANCELLED: (),
}
#: The field holding the date a status was reached.
STATUS_DATE_FIELD: dict[str, str] = {
    S.PLANNED: "planned_on",
    S.DELIVERED: "delivered_on",
    S.COMPLETED: "completed_on",
    S.CANCELLED: "cancelled_on",
}


class InterventionUpload(models.Model):
    """A file of status updates for one programme's interventions (the agency's own CSV or
    XLSX): its headers, the user's column mapping, and once applied the counts and the
    rejected rows (kept to download, with row, field and reason)."""

    class State(models.TextChoices):
        UPLOADED = "uploaded", _("Waiting for the column mapping")
        APPLIED = "applied", _("Applied")
        FAILED = "failed", _("Could not be read")

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="uploads")
    file_name = models.CharField(_("file"), max_length=255)
    file_path = models.CharField(max_length=500)
    sha256 = models.CharField(max_length=64)
    headers = models.JSONField(default=list)
    mapping = models.JSONField(default=dict, blank=True)
    state = models.CharField(max_length=10, choices=State.choices, default=State.UPLOADED)
    counts = models.JSONField(default=dict, blank=True)
    #: ``[{"row", "field", "code", "message_id", "message_en", "data"}]``
    rejected = models.JSONField(default=list, blank=True)
    error = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    applied_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("intervention status file")
        verbose_name_plural = _("intervention status files")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.programme_id}:{self.file_name}"


class ListUse(models.Model):
    """A programme takes its beneficiaries of a period from a linked list: the settings of
    the last sync, re-applied whenever the list's rows change (a review decision, an undo,
    the list linked again), so the interventions follow the list without another click."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="list_uses")
    beneficiary_list = models.ForeignKey(
        "linkage.BeneficiaryList", on_delete=models.CASCADE, related_name="+"
    )
    period = models.PositiveSmallIntegerField(_("period (year)"))
    status = models.CharField(_("status"), max_length=10, choices=Intervention.Status.choices)
    value = models.DecimalField(_("value (Rp)"), max_digits=16, decimal_places=0, default=0)
    synced_at = models.DateTimeField(_("last synced"))
    synced_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="+",
    )
    #: Whether the viewing user may open the list (set by ``selectors.programme_list_uses``).
    linkable = False

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "beneficiary_list", "period"], name="list_use_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.programme_id}←{self.beneficiary_list_id} {self.period}"
