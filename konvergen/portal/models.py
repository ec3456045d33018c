"""Whether a kab/kota publishes its aggregates on the public portal (opt-in, by its
secretariat). Nothing here names a person."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Publication(models.Model):
    region = models.OneToOneField("regions.Region", on_delete=models.CASCADE, primary_key=True,
                                  related_name="+", verbose_name=_("region"))
    published = models.BooleanField(_("published on the public portal"), default=False)
    #: Who answers for the data (Satu Data "produsen data"), e.g. "Sekretariat TKPK …".
    producer = models.CharField(_("data producer"), max_length=200, blank=True)
    contact = models.CharField(_("contact (e-mail or telephone)"), max_length=200, blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                   null=True, related_name="+")

    class Meta:
        verbose_name = _("publication")
        verbose_name_plural = _("publications")

    def __str__(self) -> str:
        return f"{self.region_id} {'on' if self.published else 'off'}"
