from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AgglomerationsConfig(AppConfig):
    name = "konvergen.agglomerations"
    verbose_name = _("Agglomerations")
