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
