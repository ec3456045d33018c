"""The meetings of a TKPK (the regional poverty alleviation coordination team): coordination
meetings (rakor), plenary meetings (rapat pleno), technical or working-group meetings and
evaluation meetings, each with its agenda, decisions, attendance and minutes.

* :class:`Meeting` — one meeting of the TKPK of a kab/kota or a province. The LP2KD of the
  kab/kota lists the year's meetings in chapter VI (``reports.generators.governance``).

The minutes (notulen / berita acara) are stored as the other apps store their uploads: a
file of its own under ``UPLOAD_DIR/meetings/<random>/``, whose path the row keeps.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    COORDINATION = "coordination", _("Coordination meeting (rakor)")
    PLENARY = "plenary", _("Plenary meeting (rapat pleno)")
    TECHNICAL = "technical", _("Technical or working-group meeting")
    EVALUATION = "evaluation", _("Evaluation meeting")


class Meeting(models.Model):
    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("region"))
    held_on = models.DateField(_("date held"), db_index=True)
    kind = models.CharField(_("kind of meeting"), max_length=20, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=200)
    agenda = models.TextField(_("agenda"), blank=True)
    decisions = models.TextField(_("decisions and conclusions"), blank=True)
    attendees = models.PositiveIntegerField(_("number of attendees"))
    organisations = models.ManyToManyField("organisations.Organisation", blank=True,
                                           related_name="+",
                                           verbose_name=_("organisations present"))
    chaired_by = models.CharField(_("chaired by"), max_length=200, blank=True)
    #: The minutes' stored path ("" when none was uploaded) and the name it is offered under.
    minutes_file = models.CharField(max_length=500, blank=True)
    minutes_name = models.CharField(_("minutes"), max_length=255, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   null=True, blank=True, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("TKPK meeting")
        verbose_name_plural = _("TKPK meetings")
        ordering = ["held_on", "id"]
        indexes = [models.Index(fields=["region", "held_on"], name="meeting_region_held")]

    def __str__(self) -> str:
        return f"{self.held_on:%Y-%m-%d} {self.title}"
