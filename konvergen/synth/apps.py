from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SynthConfig(AppConfig):
    name = "konvergen.synth"
    verbose_name = _("Synthetic demo data")
