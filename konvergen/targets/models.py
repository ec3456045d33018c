"""Indicators, their values per region and period, plan documents, targets and status bands.

* :class:`Indicator` — what is measured (code, unit, polarity, source kind).
* :class:`IndicatorValue` — one figure per indicator × region × year × BPS period (official,
  sector or computed from the register), with its source and as-of date. The national
  figure has the region code ``""`` (the whole country).
* :class:`PlanDocument` — the RPJMD/RPKD/RKPD/RAT a target comes from.
* :class:`Baseline` — the starting point (year, value) of a document's targets.
* :class:`Target` — the current target value of an indicator × region × year, with its
  document; every change is kept in :class:`TargetRevision` (who, when, old and new).
* :class:`StatusBands` — a region's achievement thresholds (on track / needs attention).
* :class:`OfficialImport` and :class:`ImportRejection` — an import of official figures,
  its counts and the rows it could not take.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

#: Region code of national figures (the whole country).
NATIONAL = ""


class Polarity(models.TextChoices):
    HIGHER = "higher", _("Higher is better")
    LOWER = "lower", _("Lower is better")


class SourceKind(models.TextChoices):
    BPS = "bps", _("BPS (official)")
    SECTOR = "sector", _("Sector agency")
    COMPUTED = "computed", _("Computed from the register")


class Period(models.TextChoices):
    ANNUAL = "", _("Annual")
    MARCH = "maret", _("March")
    SEPTEMBER = "september", _("September")


class Indicator(models.Model):
    code = models.SlugField(_("code"), max_length=40, unique=True)
    external_code = models.CharField(_("external code (Kodref/SIPD)"), max_length=60,
                                     blank=True)
    name_id = models.CharField(_("name (Indonesian)"), max_length=160)
    name_en = models.CharField(_("name (English)"), max_length=160)
    unit = models.CharField(_("unit"), max_length=40)
    polarity = models.CharField(_("polarity"), max_length=6, choices=Polarity.choices)
    informational = models.BooleanField(
        _("informational (no achievement judged)"), default=False)
    definition = models.TextField(_("definition"), blank=True)
    decimals = models.PositiveSmallIntegerField(_("decimals"), default=2)
    source_kind = models.CharField(_("source"), max_length=10, choices=SourceKind.choices)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        ordering = ["position", "code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name_id}"

    def name(self, language: str = "id") -> str:
        return self.name_en if language.startswith("en") and self.name_en else self.name_id


class OfficialImport(models.Model):
    """One upload of an official figures file (CSV or XLSX)."""

    file_name = models.CharField(_("file"), max_length=255)
    file_path = models.CharField(max_length=500)
    sha256 = models.CharField(max_length=64)
    #: The importer's region (their scope); "" for an administrator's import.
    region_code = models.CharField(max_length=13, blank=True)
    mapping = models.JSONField(default=dict)
    options = models.JSONField(default=dict)
    headers = models.JSONField(default=list)
    unknown_columns = models.JSONField(default=list)
    counts = models.JSONField(default=dict)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.created_at:%Y-%m-%d})" if self.created_at else \
            self.file_name


class ImportRejection(models.Model):
    batch = models.ForeignKey(OfficialImport, on_delete=models.CASCADE,
                              related_name="rejections")
    row_number = models.PositiveIntegerField()
    column = models.CharField(max_length=200, blank=True)
    value = models.CharField(max_length=300, blank=True)
    reason = models.CharField(max_length=40)
    message_id = models.CharField(max_length=300)
    message_en = models.CharField(max_length=300)

    class Meta:
        ordering = ["batch", "row_number", "id"]

    def __str__(self) -> str:
        return f"{self.batch_id}:{self.row_number} {self.reason}"


class IndicatorValue(models.Model):
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="values")
    region_code = models.CharField(_("region"), max_length=13, db_index=True)
    year = models.PositiveSmallIntegerField(_("year"))
    period = models.CharField(_("period"), max_length=10, choices=Period.choices, blank=True,
                              default="")
    value = models.FloatField(_("value"))
    source_kind = models.CharField(_("source"), max_length=10, choices=SourceKind.choices)
    source = models.CharField(_("source detail"), max_length=255, blank=True)
    as_of = models.DateField(_("as of"), null=True, blank=True)
    batch = models.ForeignKey(OfficialImport, on_delete=models.SET_NULL, null=True,
                              blank=True, related_name="+")
    snapshot = models.ForeignKey("registry.Snapshot", on_delete=models.SET_NULL, null=True,
                                 blank=True, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("indicator value")
        verbose_name_plural = _("indicator values")
        ordering = ["indicator", "region_code", "year", "period"]
        constraints = [
            models.UniqueConstraint(fields=["indicator", "region_code", "year", "period"],
                                    name="indicator_value_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.indicator_id} {self.region_code or 'ID'} {self.year}{self.period}"


class PlanDocument(models.Model):
    class Kind(models.TextChoices):
        RPJMD = "rpjmd", _("RPJMD (medium-term development plan)")
        RPKD = "rpkd", _("RPKD (regional poverty alleviation plan)")
        RKPD = "rkpd", _("RKPD (annual government work plan)")
        RAT = "rat", _("RAT (annual action plan)")

    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("region"))
    kind = models.CharField(_("kind"), max_length=6, choices=Kind.choices)
    number = models.CharField(_("number"), max_length=120, blank=True)
    title = models.CharField(_("title"), max_length=300)
    year_start = models.PositiveSmallIntegerField(_("first year"))
    year_end = models.PositiveSmallIntegerField(_("last year"))
    issued_on = models.DateField(_("date"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("plan document")
        verbose_name_plural = _("plan documents")
        ordering = ["region", "-year_start", "kind", "id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(year_end__gte=models.F("year_start")),
                                   name="plan_document_years"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display().split(' ')[0]} {self.year_start}–{self.year_end}: " \
               f"{self.title}"

    def covers(self, year: int) -> bool:
        return self.year_start <= year <= self.year_end


class Baseline(models.Model):
    document = models.ForeignKey(PlanDocument, on_delete=models.PROTECT,
                                 related_name="baselines")
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="+")
    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("baseline year"))
    value = models.FloatField(_("baseline value"))
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   null=True, blank=True, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["indicator", "region", "document"],
                                    name="baseline_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.indicator_id} {self.region_id} {self.year}={self.value}"


class Target(models.Model):
    """The target in force for one indicator, region and year (one at a time: setting it
    again, from the same or another document, makes a new revision)."""

    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="targets")
    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("year"))
    value = models.FloatField(_("target"))
    document = models.ForeignKey(PlanDocument, on_delete=models.PROTECT,
                                 related_name="targets", verbose_name=_("plan document"))
    note = models.CharField(_("note"), max_length=300, blank=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   null=True, blank=True, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("target")
        verbose_name_plural = _("targets")
        ordering = ["indicator", "region", "year"]
        constraints = [
            models.UniqueConstraint(fields=["indicator", "region", "year"],
                                    name="target_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.indicator_id} {self.region_id} {self.year}={self.value}"


class TargetRevision(models.Model):
    """One change of a target or a baseline: the value before and after, who and when."""

    class Kind(models.TextChoices):
        TARGET = "target", _("Target")
        BASELINE = "baseline", _("Baseline")

    kind = models.CharField(max_length=8, choices=Kind.choices)
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="+")
    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField()
    document = models.ForeignKey(PlanDocument, on_delete=models.PROTECT, related_name="+")
    old_value = models.FloatField(null=True, blank=True)
    new_value = models.FloatField(null=True, blank=True)
    old_document = models.ForeignKey(PlanDocument, on_delete=models.PROTECT, null=True,
                                     blank=True, related_name="+")
    note = models.CharField(max_length=300, blank=True)
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   null=True, blank=True, related_name="+")
    changed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-changed_at", "-id"]
        indexes = [models.Index(fields=["indicator", "region"], name="target_rev_ind_region")]

    def __str__(self) -> str:
        return f"{self.kind} {self.indicator_id} {self.region_id} {self.year}"


class StatusBands(models.Model):
    """A region's thresholds (percent achievement); the nearest region above applies when a
    region has none, else the defaults (100 and 90)."""

    region = models.OneToOneField("regions.Region", on_delete=models.PROTECT,
                                  related_name="+", primary_key=True)
    on_track = models.FloatField(_("on track from (% achievement)"), default=100.0)
    attention = models.FloatField(_("needs attention from (% achievement)"), default=90.0)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   null=True, blank=True, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("status bands")
        verbose_name_plural = _("status bands")
        constraints = [
            models.CheckConstraint(condition=models.Q(attention__lte=models.F("on_track")),
                                   name="status_bands_order"),
        ]

    def __str__(self) -> str:
        return f"{self.region_id} {self.on_track}/{self.attention}"
