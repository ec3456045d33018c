"""Stored convergence: one run per register snapshot and period (year), the per-family
result the worklists read, and additive summaries per region code that the dashboard reads.
Nothing is computed per request."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class TargetRules(models.Model):
    """Which families a region counts as its target: welfare statuses, optionally within a
    desil range (the nearest region above with a row wins; none: extreme poor, poor and
    vulnerable, any desil)."""

    region = models.OneToOneField("regions.Region", on_delete=models.PROTECT, related_name="+")
    target_statuses = models.JSONField(_("target statuses"), default=list)
    desil_min = models.PositiveSmallIntegerField(_("from desil"), null=True, blank=True)
    desil_max = models.PositiveSmallIntegerField(_("up to desil"), null=True, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True, null=True)

    def __str__(self) -> str:
        return f"{self.region_id} {self.target_statuses} {self.desil_min}-{self.desil_max}"


class RefreshLock(models.Model):
    """One row per region whose convergence is refreshed: the lease that serialises two
    refreshes of the same region (``services.refresh_lock``), taken and released with a
    conditional UPDATE, so it holds no database lock while the region recomputes."""

    region_code = models.CharField(max_length=13, primary_key=True)
    holder = models.CharField(max_length=64, blank=True)
    acquired_at = models.DateTimeField(null=True)
    #: When the last refresh that finished had started: a refresh requested before that
    #: moment has nothing left to do.
    last_started_at = models.DateTimeField(null=True)

    def __str__(self) -> str:
        return f"{self.region_code} {self.holder or '-'}"


class ConvergenceRun(models.Model):
    snapshot = models.ForeignKey("registry.Snapshot", on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField()
    config = models.JSONField(default=dict)
    families = models.PositiveIntegerField(default=0)
    interventions = models.PositiveIntegerField(default=0)
    seconds = models.FloatField(default=0)
    computed_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["snapshot", "year"], name="convergence_run_unique")
        ]

    def __str__(self) -> str:
        return f"convergence {self.snapshot_id} {self.year}"


class FamilyConvergence(models.Model):
    run = models.ForeignKey(ConvergenceRun, on_delete=models.CASCADE, related_name="+",
                            db_constraint=False, db_index=False)
    family = models.ForeignKey("registry.Family", on_delete=models.DO_NOTHING, related_name="+",
                               db_constraint=False)
    region_code = models.CharField(max_length=13)
    desil = models.PositiveSmallIntegerField(null=True)
    status = models.PositiveSmallIntegerField()
    target = models.BooleanField()
    needs = models.BigIntegerField()
    covered = models.BigIntegerField()
    gaps = models.BigIntegerField()
    overlap = models.BigIntegerField()
    stage = models.PositiveSmallIntegerField()
    programmes = models.PositiveIntegerField()
    interventions = models.PositiveIntegerField()
    value = models.FloatField()
    outside = models.BooleanField()

    class Meta:
        indexes = [models.Index(fields=["run", "region_code"], name="family_conv_region")]

    def __str__(self) -> str:
        return f"{self.family_id}@{self.run_id}"


class _RegionRow(models.Model):
    run = models.ForeignKey(ConvergenceRun, on_delete=models.CASCADE, related_name="+")
    region_code = models.CharField(max_length=13)

    class Meta:
        abstract = True


class RegionConvergence(_RegionRow):
    level = models.PositiveSmallIntegerField()
    families = models.PositiveIntegerField()
    target_families = models.PositiveIntegerField()
    reached_families = models.PositiveIntegerField()
    unreached_families = models.PositiveIntegerField()
    fully_covered_families = models.PositiveIntegerField()
    overlap_families = models.PositiveIntegerField()
    nontarget_reached = models.PositiveIntegerField()
    outside_eligibility_families = models.PositiveIntegerField()
    stage_charity = models.PositiveIntegerField()
    stage_individual = models.PositiveIntegerField()
    stage_group = models.PositiveIntegerField()
    stage_graduated = models.PositiveIntegerField()
    interventions = models.BigIntegerField()
    value = models.FloatField()

    class Meta:
        indexes = [models.Index(fields=["region_code", "run"], name="region_conv_code")]

    def __str__(self) -> str:
        return f"{self.region_code}@{self.run_id}"


class NeedConvergence(_RegionRow):
    indicator = models.CharField(max_length=40)
    target_deprived = models.PositiveIntegerField()
    target_covered = models.PositiveIntegerField()
    families_covered = models.PositiveIntegerField()
    overlap_families = models.PositiveIntegerField()

    class Meta:
        indexes = [models.Index(fields=["region_code", "run"], name="need_conv_code")]

    def __str__(self) -> str:
        return f"{self.indicator} {self.region_code}@{self.run_id}"


class ProgrammeConvergence(_RegionRow):
    programme = models.ForeignKey("programs.Programme", on_delete=models.CASCADE,
                                  related_name="+", db_constraint=False)
    eligible = models.BigIntegerField()
    beneficiaries = models.BigIntegerField()
    inclusion_errors = models.BigIntegerField()
    exclusions = models.BigIntegerField()
    value = models.FloatField()

    class Meta:
        indexes = [models.Index(fields=["region_code", "run"], name="programme_conv_code")]

    def __str__(self) -> str:
        return f"{self.programme_id} {self.region_code}@{self.run_id}"


class BudgetConvergence(_RegionRow):
    dimension = models.CharField(max_length=20)
    key = models.CharField(max_length=40)
    families = models.PositiveIntegerField()
    interventions = models.BigIntegerField()
    value = models.FloatField()

    class Meta:
        indexes = [models.Index(fields=["region_code", "run"], name="budget_conv_code")]

    def __str__(self) -> str:
        return f"{self.dimension}={self.key} {self.region_code}@{self.run_id}"
