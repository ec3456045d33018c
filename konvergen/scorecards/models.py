"""A region's own weights for a preset scorecard, and the scorecards a secretariat defines.

The presets are code (``engine.local_agency_scorecard``, ``engine.pmk_97_2023``): their
criteria and rules are fixed, the secretariat of a region chooses how much each criterion
weighs. A ``CustomScorecard`` is data: criteria the secretariat picks from the source
catalogue (``sources.py``), each with a rule and a weight. Nothing here names a person.
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


class Peers(models.TextChoices):
    AGENCIES = "agencies", _("Organisations of a kabupaten/kota")
    REGIONS = "regions", _("Kabupaten/kota of a province")


class CustomScorecard(models.Model):
    """A scorecard a secretariat defines itself: weighted criteria, each reading a named
    source (``sources.CATALOGUE``) through a scoring rule of the engine.

    ``peers`` says who is compared: the organisations of ``region`` (a kab/kota) or the
    kab/kota of ``region`` (a province). Archived cards are kept (their audit trail refers
    to them) but no longer listed."""

    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("region"))
    peers = models.CharField(_("compares"), max_length=10, choices=Peers.choices)
    name = models.CharField(_("name"), max_length=160)
    description = models.TextField(_("description"), blank=True, default="")
    #: Award places per group (strategy; kabupaten/kota).
    top = models.PositiveSmallIntegerField(_("award places"), default=3)
    #: Kabupaten and kota ranked apart (regions only), as the fiscal incentive does.
    separate_kinds = models.BooleanField(_("rank kabupaten and kota separately"),
                                         default=True)
    archived = models.BooleanField(_("archived"), default=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["region_id", "name", "id"]

    def __str__(self) -> str:
        return self.name


class CustomCriterion(models.Model):
    """One weighted criterion of a ``CustomScorecard``, in display order."""

    scorecard = models.ForeignKey(CustomScorecard, on_delete=models.CASCADE,
                                  related_name="criteria")
    position = models.PositiveSmallIntegerField(default=0)
    key = models.SlugField(max_length=40)
    label = models.CharField(_("label"), max_length=160)
    source = models.CharField(_("source"), max_length=40)
    #: What the source needs besides the peers: an indicator code, a quarter.
    parameter = models.CharField(_("parameter"), max_length=40, blank=True, default="")
    rule = models.CharField(_("scoring rule"), max_length=12)
    weight = models.FloatField(_("weight"))
    polarity = models.CharField(_("polarity"), max_length=6, blank=True, default="")
    cap = models.FloatField(_("cap"), null=True, blank=True)

    class Meta:
        ordering = ["scorecard_id", "position", "id"]
        constraints = [models.UniqueConstraint(fields=["scorecard", "key"],
                                               name="custom_criterion_key_once")]

    def __str__(self) -> str:
        return self.label
