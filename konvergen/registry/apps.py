from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegistryConfig(AppConfig):
    name = "konvergen.registry"
    verbose_name = _("Target register")

    def ready(self) -> None:
        # The home page's panel of failed background jobs (``core.home``).
        from konvergen.core import home as core_home
        from konvergen.registry import home

        core_home.register("jobs", home.panel, order=10)
