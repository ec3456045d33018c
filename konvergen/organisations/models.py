from django.db import models
from django.utils.translation import gettext_lazy as _


class OrganisationKind(models.TextChoices):
    AGENCY = "agency", _("Regional agency (OPD)")
    VERTICAL = "vertical", _("Vertical / ministry programme")
    BUMD = "bumd", _("Regional enterprise (BUMD)")
    CSR = "csr", _("Business (CSR)")
    ZAKAT = "zakat", _("BAZNAS / zakat body")
    UNIVERSITY = "university", _("University")
    COMMUNITY = "community", _("Community organisation")
    MEDIA = "media", _("Media")
    COOPERATIVE = "cooperative", _("Cooperative")
    SECRETARIAT = "secretariat", _("TKPK secretariat")


class Pentahelix(models.TextChoices):
    GOVERNMENT = "government", _("Government")
    BUSINESS = "business", _("Business")
    ACADEMIA = "academia", _("Academia")
    COMMUNITY = "community", _("Community")
    MEDIA = "media", _("Media")


class Organisation(models.Model):
    """An agency (OPD), a partner or the secretariat itself, based in one region."""

    name = models.CharField(_("name"), max_length=200)
    short_name = models.CharField(_("short name"), max_length=40, blank=True)
    kind = models.CharField(_("type"), max_length=20, choices=OrganisationKind.choices)
    pentahelix = models.CharField(
        _("pentahelix category"), max_length=20, choices=Pentahelix.choices
    )
    region = models.ForeignKey(
        "regions.Region",
        on_delete=models.PROTECT,
        related_name="organisations",
        verbose_name=_("region"),
    )
    is_active = models.BooleanField(_("active"), default=True)
    #: Whether the viewing user may edit it (set by the directory page).
    editable = False

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["region_id", "name"]
        constraints = [
            models.UniqueConstraint(fields=["region", "name"], name="organisation_unique_name"),
        ]

    def __str__(self) -> str:
        return self.short_name or self.name
