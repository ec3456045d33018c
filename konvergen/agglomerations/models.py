"""Agglomerations: clusters of kab/kota whose coordinator (BP Taskin nationally, a
province's TKPK secretariat inside its province) gives each member a leading sector and
supporting sectors, so that their programmes support each other.

* :class:`Agglomeration` — the cluster and its agreement (MoU number and date, parties).
* :class:`Member` — one kab/kota of it with its leading sector and supporting sectors
  (the programmes' own :class:`~konvergen.programs.models.Sector` values, so a
  programme or an action-plan item of the sector counts for it).

Nothing here names a person: the pages built on it show aggregates only.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from konvergen.programs.models import Sector


class Agglomeration(models.Model):
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    mou_number = models.CharField(_("MoU number"), max_length=120, blank=True)
    mou_date = models.DateField(_("MoU date"), null=True, blank=True)
    #: The parties to the MoU, one per line (the bupati/wali kota, the governor, BP Taskin …).
    parties = models.TextField(_("parties"), blank=True)
    #: Whose coordination it is: the province when every member lies in it, "" when the
    #: members span provinces (national coordination). Kept by the services from the
    #: members; audit rows of the agglomeration carry it as their region.
    owner_scope = models.CharField(_("coordinated at"), max_length=13, blank=True,
                                   db_index=True)
    #: The cooperation ended (the MoU expired or was not renewed): listed apart, still
    #: readable, no longer changed.
    archived = models.BooleanField(_("archived"), default=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   null=True, blank=True, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("agglomeration")
        verbose_name_plural = _("agglomerations")
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name

    @property
    def party_list(self) -> list[str]:
        return [line.strip() for line in self.parties.splitlines() if line.strip()]


class Member(models.Model):
    agglomeration = models.ForeignKey(Agglomeration, on_delete=models.CASCADE,
                                      related_name="members")
    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("kabupaten/kota"))
    leading_sector = models.CharField(_("leading sector"), max_length=16,
                                      choices=Sector.choices)
    #: Sector values (``Sector``), never the leading one, in the order given.
    supporting_sectors = models.JSONField(_("supporting sectors"), default=list, blank=True)

    class Meta:
        verbose_name = _("member")
        verbose_name_plural = _("members")
        ordering = ["agglomeration_id", "region_id"]
        constraints = [
            models.UniqueConstraint(fields=["agglomeration", "region"],
                                    name="agglomeration_member_once"),
        ]

    def __str__(self) -> str:
        return f"{self.region_id} {self.leading_sector}"

    @property
    def supporting_labels(self) -> list[str]:
        labels = dict(Sector.choices)
        return [str(labels.get(s, s)) for s in self.supporting_sectors]
