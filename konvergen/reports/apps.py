from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "konvergen.reports"
    verbose_name = _("Annual report (LP2KD)")

    def ready(self) -> None:
        # The home page's panel of this app (``core.home``).
        from konvergen.core import home as core_home
        from konvergen.reports import home

        core_home.register("reports", home.panel, order=40)
