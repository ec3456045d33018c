"""Welfare status and needs: the rules a region uses, and the results per snapshot.

* :class:`RuleSet` — how a region classifies families in a year (desil cut-offs, or poverty
  and extreme-poverty lines in Rp per capita per day), the MPI cut-off and the small-cell k.
* :class:`IndicatorSetting` — a region's need indicators (a region without rows uses the
  defaults in ``engine/config.py``; the nearest region above with rows wins).
* :class:`WelfareRun` — one computation of a snapshot, with the exact configuration used.
* :class:`FamilyWelfare` — per family and snapshot: status, need bitmask (bit order in the
  run's configuration), MPI score.
* :class:`RegionSummary` / :class:`NeedSummary` — additive sums per snapshot × region code at
  every level, so pages read precomputed figures.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from konvergen.welfare.engine import DIMENSIONS, RULES


class StatusMethod(models.TextChoices):
    DESIL = "desil", _("By welfare decile (desil)")
    CONSUMPTION = "consumption", _("By per-capita consumption against the poverty lines")


class Status(models.IntegerChoices):
    EXTREME = 1, _("Extreme poor")
    POOR = 2, _("Poor")
    VULNERABLE = 3, _("Vulnerable")
    NOT_POOR = 4, _("Not poor")
    UNKNOWN = 0, _("Unknown")


DIMENSION_LABELS = {
    "food": _("Food"),
    "water": _("Clean water"),
    "sanitation": _("Sanitation"),
    "health": _("Health"),
    "education": _("Education"),
    "information": _("Information"),
    "housing": _("Decent housing"),
    "electricity": _("Electricity"),
    "income_work": _("Income and work"),
}
assert set(DIMENSION_LABELS) == set(DIMENSIONS)


class RuleSet(models.Model):
    region = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("region")
    )
    year = models.PositiveSmallIntegerField(_("year"))
    method = models.CharField(
        _("status method"), max_length=12, choices=StatusMethod.choices, default="desil"
    )
    desil_extreme = models.PositiveSmallIntegerField(_("extreme poor up to desil"), default=1)
    desil_poor = models.PositiveSmallIntegerField(_("poor up to desil"), default=2)
    desil_vulnerable = models.PositiveSmallIntegerField(_("vulnerable up to desil"), default=4)
    poverty_line_day = models.FloatField(
        _("poverty line (Rp per capita per day)"), null=True, blank=True
    )
    extreme_line_day = models.FloatField(
        _("extreme-poverty line (Rp per capita per day)"), null=True, blank=True
    )
    vulnerable_factor = models.FloatField(
        _("vulnerable below this multiple of the poverty line"), default=1.5
    )
    mpi_k = models.FloatField(_("MPI poverty cut-off k"), default=1 / 3)
    small_cell_k = models.PositiveSmallIntegerField(
        _("suppress cells with fewer families than"), default=10
    )
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("status rules")
        verbose_name_plural = _("status rules")
        constraints = [
            models.UniqueConstraint(fields=["region", "year"], name="ruleset_region_year")
        ]

    def __str__(self) -> str:
        return f"{self.region_id} {self.year}"


class IndicatorSetting(models.Model):
    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+")
    position = models.PositiveSmallIntegerField(default=0)
    code = models.SlugField(_("code"), max_length=40)
    name_id = models.CharField(_("name (Indonesian)"), max_length=120)
    name_en = models.CharField(_("name (English)"), max_length=120)
    dimension = models.CharField(
        _("dimension"), max_length=20, choices=[(d, DIMENSION_LABELS[d]) for d in DIMENSIONS]
    )
    rule = models.CharField(_("rule"), max_length=40, choices=[(r, r) for r in RULES])
    params = models.JSONField(_("parameters"), default=dict)
    weight = models.FloatField(_("weight"))
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["region", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["region", "code"], name="indicator_region_code")
        ]

    def __str__(self) -> str:
        return f"{self.region_id} {self.code}"


class WelfareRun(models.Model):
    snapshot = models.OneToOneField(
        "registry.Snapshot", on_delete=models.PROTECT, related_name="welfare_run"
    )
    computed_at = models.DateTimeField(auto_now=True)
    config = models.JSONField(default=dict)
    families = models.PositiveIntegerField(default=0)
    seconds = models.FloatField(default=0)

    def __str__(self) -> str:
        return f"welfare {self.snapshot_id}"

    @property
    def indicators(self) -> list[dict]:
        return list(self.config.get("indicators", []))


class FamilyWelfare(models.Model):
    # Like the register's bulk tables: no database constraints (a million rows would queue
    # two million checks for the commit) — only ``welfare_recompute`` writes this table, from
    # the snapshot's own rows — and the snapshot is indexed through the unique constraint.
    snapshot = models.ForeignKey("registry.Snapshot", on_delete=models.PROTECT, related_name="+",
                                 db_constraint=False, db_index=False)
    family = models.ForeignKey("registry.Family", on_delete=models.PROTECT, related_name="+",
                               db_constraint=False)
    region_code = models.CharField(max_length=13)
    status = models.PositiveSmallIntegerField(choices=Status.choices)
    needs = models.BigIntegerField(default=0)
    score = models.FloatField(default=0)
    mpi_poor = models.BooleanField(default=False)
    persons = models.PositiveSmallIntegerField(default=1)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["snapshot", "family"], name="family_welfare_unique")
        ]

    def __str__(self) -> str:
        return f"{self.family_id}@{self.snapshot_id}"


class RegionSummary(models.Model):
    snapshot = models.ForeignKey("registry.Snapshot", on_delete=models.PROTECT, related_name="+")
    region_code = models.CharField(max_length=13)
    level = models.PositiveSmallIntegerField()
    families = models.PositiveIntegerField()
    persons = models.PositiveIntegerField()
    families_extreme = models.PositiveIntegerField()
    families_poor = models.PositiveIntegerField()
    families_vulnerable = models.PositiveIntegerField()
    families_not_poor = models.PositiveIntegerField()
    families_unknown = models.PositiveIntegerField()
    persons_extreme = models.PositiveIntegerField()
    persons_poor = models.PositiveIntegerField()
    persons_vulnerable = models.PositiveIntegerField()
    persons_not_poor = models.PositiveIntegerField()
    persons_unknown = models.PositiveIntegerField()
    mpi_poor_families = models.PositiveIntegerField()
    mpi_poor_persons = models.PositiveIntegerField()
    mpi_score_persons = models.FloatField()
    consumption_persons = models.PositiveIntegerField()
    fgt0_persons = models.PositiveIntegerField()
    fgt1_persons = models.FloatField()
    fgt2_persons = models.FloatField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["region_code", "snapshot"], name="region_summary_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.region_code}@{self.snapshot_id}"


class NeedSummary(models.Model):
    snapshot = models.ForeignKey("registry.Snapshot", on_delete=models.PROTECT, related_name="+")
    region_code = models.CharField(max_length=13)
    indicator = models.CharField(max_length=40)
    families = models.PositiveIntegerField()
    persons = models.PositiveIntegerField()
    censored_persons = models.PositiveIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["region_code", "snapshot", "indicator"], name="need_summary_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.indicator} {self.region_code}@{self.snapshot_id}"
