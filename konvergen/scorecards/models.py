"""A region's own weights for a preset scorecard.

The scorecards themselves are code (``engine.local_agency_scorecard``, ``engine.pmk_97_2023``):
their criteria and rules are fixed, the secretariat of a region chooses how much each
criterion weighs. Nothing here names a person.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Preset(models.TextChoices):
    LOCAL_AGENCY = "local-agency", _("Local agency scorecard")


class ScorecardWeights(models.Model):
    region = models.ForeignKey("regions.Region", on_delete=models.CASCADE, related_name="+")
    scorecard = models.CharField(_("scorecard"), max_length=32, choices=Preset.choices)
    #: {criterion key: weight} for the top-level criteria; keys not given keep the preset's.
    weights = models.JSONField(_("weights"), default=dict)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                   null=True, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["region", "scorecard"],
                                               name="scorecard_weights_once")]

    def __str__(self) -> str:
        return f"{self.scorecard} {self.region_id}"


class RegionCompliance(models.Model):
    """What a kab/kota reports for the extreme-poverty fiscal incentive (PMK 97/2023) of a
    year: its total spending budget (the denominator of the tagged-spending shares) and the
    compliance items, each yes/no. Kept by its TKPK secretariat (or the province's)."""

    region = models.ForeignKey("regions.Region", on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField(_("year"))
    spending_budget = models.DecimalField(
        _("total regional spending budget (Rp)"), max_digits=18, decimal_places=0,
        null=True, blank=True,
        help_text=_("The APBD spending (belanja daerah) of the year, excluding official "
                    "travel: the tagged spending is a share of it."))
    decree = models.BooleanField(_("decree (SK) on the extreme-poverty target data issued"),
                                 null=True, blank=True)
    verified_data = models.BooleanField(_("annex of verified and validated data"),
                                        null=True, blank=True)
    report_q1 = models.BooleanField(_("Q1 report submitted"), null=True, blank=True)
    report_q2 = models.BooleanField(_("Q2 report submitted"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True, default="")
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                   null=True, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["region", "year"],
                                               name="region_compliance_once")]

    def __str__(self) -> str:
        return f"{self.region_id} {self.year}"
