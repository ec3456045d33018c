from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DciConfig(AppConfig):
    name = "konvergen.dci"
    verbose_name = _("DCI social registry interface")
