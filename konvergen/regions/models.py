from django.db import models
from django.utils.translation import gettext_lazy as _

from konvergen.regions.codes import covers


class Level(models.IntegerChoices):
    PROVINCE = 1, _("Province")
    KABKOTA = 2, _("Regency/City")
    KECAMATAN = 3, _("District (kecamatan)")
    DESA = 4, _("Village (desa/kelurahan)")


class Kind(models.TextChoices):
    PROVINSI = "provinsi", _("Province")
    KABUPATEN = "kabupaten", _("Regency (kabupaten)")
    KOTA = "kota", _("City (kota)")
    KECAMATAN = "kecamatan", _("District (kecamatan)")
    DESA = "desa", _("Village (desa)")
    KELURAHAN = "kelurahan", _("Urban village (kelurahan)")
    DESA_ADAT = "desa_adat", _("Customary village (desa adat)")


class CodeListVersion(models.Model):
    """One load of a Kemendagri code list (the decree changes every year)."""

    label = models.CharField(_("label"), max_length=120)
    source = models.CharField(_("source"), max_length=200)
    loaded_at = models.DateTimeField(_("loaded at"), auto_now_add=True)
    summary = models.JSONField(_("summary"), default=dict)

    class Meta:
        verbose_name = _("code list version")
        verbose_name_plural = _("code list versions")
        ordering = ["-loaded_at"]

    def __str__(self) -> str:
        return self.label


class Region(models.Model):
    """A province, kabupaten/kota, kecamatan or desa/kelurahan, keyed by its Kemendagri code.

    Every scope in Konvergen (a user's role, a family's address, a summary row) refers to a
    region by code; a region covers every code that starts with its code followed by a dot.
    """

    code = models.CharField(_("Kemendagri code"), max_length=13, primary_key=True)
    name = models.CharField(_("name"), max_length=120)
    level = models.PositiveSmallIntegerField(_("level"), choices=Level.choices, db_index=True)
    kind = models.CharField(_("type"), max_length=12, choices=Kind.choices)
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children"
    )
    bps_code = models.CharField(_("BPS code"), max_length=10, blank=True, db_index=True)
    latitude = models.FloatField(_("latitude"), null=True, blank=True)
    longitude = models.FloatField(_("longitude"), null=True, blank=True)
    geometry = models.TextField(_("boundary (GeoJSON)"), blank=True)
    population = models.PositiveIntegerField(_("population"), null=True, blank=True)
    area_km2 = models.FloatField(_("area (km²)"), null=True, blank=True)
    version = models.ForeignKey(
        CodeListVersion,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("code list version"),
    )
    is_active = models.BooleanField(_("in the current code list"), default=True)

    class Meta:
        verbose_name = _("region")
        verbose_name_plural = _("regions")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    def covers(self, code: str) -> bool:
        """True when ``code`` is this region or lies below it."""
        return covers(self.code, code)

    @property
    def has_geometry(self) -> bool:
        return bool(self.geometry)
