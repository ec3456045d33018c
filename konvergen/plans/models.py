"""Agency action plans (RAT, *rencana aksi tahunan*) and their quarterly realisation.

* :class:`ActionPlan` — one organisation's plan for one kab/kota and year; it is signed off
  as a whole (its items and targets).
* :class:`PlanItem` — one programme / kegiatan / sub-kegiatan line (Kepmendagri 050 codes)
  with its output indicator, annual and per-quarter targets (K = output, Rp = budget).
* :class:`QuarterReport` — the realisation of one quarter (triwulan I–IV): K and Rp per
  item (:class:`Realisation`), drivers, obstacles, follow-up and evidence files; signed off
  on its own.
* :class:`SignoffEvent` — every step of either sign-off (who, when, comment).
* :class:`Deadline` — the due date of a quarter's report in a region and year.

Both signed objects move ``draft → submitted → verified → approved``; ``returned`` re-opens
them for the agency. Only ``draft`` and ``returned`` are editable (``EDITABLE``): what is
under review or approved is locked. The rules live in ``services``; the arithmetic of the
E.81 columns in ``e81`` (no Django).
"""

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from konvergen.core.models import StepEvent
from konvergen.programs.models import Funding, Sector, Strategy


class State(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    VERIFIED = "verified", _("Verified")
    RETURNED = "returned", _("Returned")
    APPROVED = "approved", _("Approved")


#: States in which the organisation may change the data.
EDITABLE = frozenset({State.DRAFT, State.RETURNED})


class ExpenditureTag(models.TextChoices):
    """The P3KE/PPKE tag of a line's spending on extreme poverty."""

    DIRECT = "direct", _("Direct (langsung)")
    INDIRECT = "indirect", _("Indirect (tidak langsung)")
    SUPPORT = "support", _("Supporting (penunjang)")


class BeneficiaryUnit(models.TextChoices):
    FAMILY = "family", _("Families")
    PERSON = "person", _("Persons")


class SignedOff(models.Model):
    """The sign-off fields an action plan and a quarter report share."""

    state = models.CharField(_("state"), max_length=10, choices=State.choices,
                             default=State.DRAFT, db_index=True)
    #: The first submission (lateness is judged on it; a return does not reset it).
    first_submitted_at = models.DateTimeField(_("first submitted"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                     null=True, blank=True, related_name="+")
    verified_at = models.DateTimeField(_("verified"), null=True, blank=True)
    verified_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    null=True, blank=True, related_name="+")
    approved_at = models.DateTimeField(_("approved"), null=True, blank=True)
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    null=True, blank=True, related_name="+")
    returned_at = models.DateTimeField(_("returned"), null=True, blank=True)
    return_note = models.TextField(_("reason for returning"), blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True

    @property
    def is_editable(self) -> bool:
        return self.state in EDITABLE

    @property
    def is_locked(self) -> bool:
        return self.state == State.APPROVED


class ActionPlan(SignedOff):
    """One organisation's annual action plan in one kab/kota."""

    organisation = models.ForeignKey("organisations.Organisation", on_delete=models.PROTECT,
                                     related_name="action_plans",
                                     verbose_name=_("organisation"))
    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("region"))
    year = models.PositiveSmallIntegerField(_("year"))
    #: The medium-term plan (RPJMD / Renstra) period, for the E.81 multi-year columns.
    period_start = models.PositiveSmallIntegerField(_("plan period from"), null=True,
                                                    blank=True)
    period_end = models.PositiveSmallIntegerField(_("plan period to"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("action plan")
        verbose_name_plural = _("action plans")
        ordering = ["region_id", "-year", "organisation__name"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "region", "year"],
                                    name="action_plan_once"),
        ]

    def __str__(self) -> str:
        return f"RAT {self.organisation} {self.region_id} {self.year}"


class PlanItem(models.Model):
    """One sub-kegiatan line of a plan and its output indicator.

    Quarterly targets are **per quarter** (what is planned in that triwulan, not cumulative);
    when any is given, those of K and of Rp each add up to the annual target."""

    plan = models.ForeignKey(ActionPlan, on_delete=models.CASCADE, related_name="items")
    position = models.PositiveIntegerField(_("no."), default=0)
    goal = models.CharField(_("goal (sasaran)"), max_length=300, blank=True)
    programme_code = models.CharField(_("programme code"), max_length=20)
    programme_name = models.CharField(_("programme"), max_length=300)
    activity_code = models.CharField(_("activity code"), max_length=24)
    activity_name = models.CharField(_("activity (kegiatan)"), max_length=300)
    sub_activity_code = models.CharField(_("sub-activity code"), max_length=32)
    sub_activity_name = models.CharField(_("sub-activity (sub-kegiatan)"), max_length=300)
    strategy = models.CharField(_("strategy"), max_length=12, choices=Strategy.choices)
    sector = models.CharField(_("sector"), max_length=16, choices=Sector.choices)
    expenditure_tag = models.CharField(_("expenditure tag"), max_length=10,
                                       choices=ExpenditureTag.choices)
    indicator = models.CharField(_("output indicator"), max_length=300)
    #: ``indicator`` compared case- and space-insensitively: with the sub-kegiatan code the
    #: key a re-uploaded file updates a line by.
    indicator_key = models.CharField(max_length=300, editable=False)
    unit = models.CharField(_("unit"), max_length=60)
    target_k = models.DecimalField(_("annual target (K)"), max_digits=18, decimal_places=2)
    target_rp = models.DecimalField(_("annual budget (Rp)"), max_digits=18, decimal_places=0)
    q1_k = models.DecimalField(_("Q1 target (K)"), max_digits=18, decimal_places=2, null=True,
                               blank=True)
    q2_k = models.DecimalField(_("Q2 target (K)"), max_digits=18, decimal_places=2, null=True,
                               blank=True)
    q3_k = models.DecimalField(_("Q3 target (K)"), max_digits=18, decimal_places=2, null=True,
                               blank=True)
    q4_k = models.DecimalField(_("Q4 target (K)"), max_digits=18, decimal_places=2, null=True,
                               blank=True)
    q1_rp = models.DecimalField(_("Q1 budget (Rp)"), max_digits=18, decimal_places=0,
                                null=True, blank=True)
    q2_rp = models.DecimalField(_("Q2 budget (Rp)"), max_digits=18, decimal_places=0,
                                null=True, blank=True)
    q3_rp = models.DecimalField(_("Q3 budget (Rp)"), max_digits=18, decimal_places=0,
                                null=True, blank=True)
    q4_rp = models.DecimalField(_("Q4 budget (Rp)"), max_digits=18, decimal_places=0,
                                null=True, blank=True)
    funding_source = models.CharField(_("funding source"), max_length=16,
                                      choices=Funding.choices)
    #: Desa/kelurahan or kecamatan codes inside the plan's region (empty: the whole region).
    locations = models.JSONField(_("locations"), default=list, blank=True)
    beneficiaries = models.PositiveIntegerField(_("beneficiaries"), null=True, blank=True)
    beneficiary_unit = models.CharField(_("beneficiaries counted in"), max_length=8,
                                        choices=BeneficiaryUnit.choices,
                                        default=BeneficiaryUnit.FAMILY)
    programme = models.ForeignKey("programs.Programme", on_delete=models.SET_NULL, null=True,
                                  blank=True, related_name="+",
                                  verbose_name=_("Konvergen programme"))
    #: E.81 columns 6 and 7: the target at the end of the plan period and the realisation
    #: up to last year (empty when not known).
    period_target_k = models.DecimalField(_("target at the end of the plan period (K)"),
                                          max_digits=18, decimal_places=2, null=True,
                                          blank=True)
    period_target_rp = models.DecimalField(_("target at the end of the plan period (Rp)"),
                                           max_digits=18, decimal_places=0, null=True,
                                           blank=True)
    prior_k = models.DecimalField(_("realisation up to last year (K)"), max_digits=18,
                                  decimal_places=2, null=True, blank=True)
    prior_rp = models.DecimalField(_("realisation up to last year (Rp)"), max_digits=18,
                                   decimal_places=0, null=True, blank=True)
    responsible_unit = models.CharField(_("responsible unit"), max_length=200, blank=True)
    note = models.CharField(_("remarks"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("action plan item")
        verbose_name_plural = _("action plan items")
        ordering = ["plan_id", "position", "sub_activity_code", "id"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "sub_activity_code", "indicator_key"],
                                    name="plan_item_key"),
        ]

    def __str__(self) -> str:
        return f"{self.sub_activity_code} {self.indicator}"

    def quarter_targets_k(self) -> list:
        return [self.q1_k, self.q2_k, self.q3_k, self.q4_k]

    def quarter_targets_rp(self) -> list:
        return [self.q1_rp, self.q2_rp, self.q3_rp, self.q4_rp]


class QuarterReport(SignedOff):
    """The realisation of one quarter of a plan, with its narrative."""

    plan = models.ForeignKey(ActionPlan, on_delete=models.CASCADE, related_name="reports")
    quarter = models.PositiveSmallIntegerField(_("quarter"), choices=[
        (1, "I"), (2, "II"), (3, "III"), (4, "IV")])
    drivers = models.TextField(_("drivers (pendorong)"), blank=True)
    obstacles = models.TextField(_("obstacles (penghambat)"), blank=True)
    follow_up = models.TextField(_("follow-up (tindak lanjut)"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("quarterly report")
        verbose_name_plural = _("quarterly reports")
        ordering = ["plan_id", "quarter"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "quarter"], name="quarter_report_once"),
        ]

    def __str__(self) -> str:
        return f"{self.plan} TW {self.quarter}"


class Realisation(models.Model):
    """What an item achieved **in** one quarter (not cumulative): K and Rp."""

    report = models.ForeignKey(QuarterReport, on_delete=models.CASCADE,
                               related_name="realisations")
    item = models.ForeignKey(PlanItem, on_delete=models.CASCADE, related_name="realisations")
    k = models.DecimalField(_("realisation (K)"), max_digits=18, decimal_places=2, null=True,
                            blank=True)
    rp = models.DecimalField(_("realisation (Rp)"), max_digits=18, decimal_places=0,
                             null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["report", "item"], name="realisation_once"),
        ]

    def __str__(self) -> str:
        return f"{self.report_id}:{self.item_id}"


class Evidence(models.Model):
    """A file backing a quarter's realisation (photos, minutes, SP2D, lists)."""

    report = models.ForeignKey(QuarterReport, on_delete=models.CASCADE,
                               related_name="evidence")
    file_path = models.CharField(max_length=500)
    file_name = models.CharField(_("file"), max_length=255)
    description = models.CharField(_("description"), max_length=300, blank=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    null=True, blank=True, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return self.file_name


class SignoffEvent(StepEvent):
    """One step of a sign-off: of the plan itself (``report`` empty) or of a quarter."""

    plan = models.ForeignKey(ActionPlan, on_delete=models.CASCADE, related_name="events")
    report = models.ForeignKey(QuarterReport, on_delete=models.CASCADE, null=True,
                               blank=True, related_name="events")

    def __str__(self) -> str:
        return f"{self.plan_id}/{self.report_id or '-'} {self.from_state}->{self.to_state}"


def default_due_date(year: int, quarter: int) -> dt.date:
    """The default due date: the 10th day after the quarter ends (TW I: 10 April)."""
    end_month = quarter * 3
    first_next = dt.date(year + (end_month == 12), end_month % 12 + 1, 1)
    return first_next + dt.timedelta(days=9)


class Deadline(models.Model):
    """The secretariat's due date for one quarter's reports in a region and year."""

    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("year"))
    quarter = models.PositiveSmallIntegerField(_("quarter"))
    due_on = models.DateField(_("due date"))
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   null=True, blank=True, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("report deadline")
        verbose_name_plural = _("report deadlines")
        constraints = [
            models.UniqueConstraint(fields=["region", "year", "quarter"],
                                    name="plan_deadline_once"),
        ]

    def __str__(self) -> str:
        return f"{self.region_id} {self.year} TW{self.quarter}: {self.due_on}"


class ItemUpload(models.Model):
    """A spreadsheet of plan items: counts and the rejected rows (kept to download)."""

    plan = models.ForeignKey(ActionPlan, on_delete=models.CASCADE, related_name="uploads")
    file_name = models.CharField(_("file"), max_length=255)
    file_path = models.CharField(max_length=500)
    headers = models.JSONField(default=list)
    mapping = models.JSONField(default=dict)
    counts = models.JSONField(default=dict)
    #: ``[{"row", "field", "code", "message_id", "message_en", "data"}]``
    rejected = models.JSONField(default=list)
    error_id = models.TextField(blank=True)
    error_en = models.TextField(blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.plan_id}:{self.file_name}"
