from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LinkageConfig(AppConfig):
    name = "konvergen.linkage"
    verbose_name = _("Linkage")
