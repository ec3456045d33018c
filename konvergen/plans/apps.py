from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlansConfig(AppConfig):
    name = "konvergen.plans"
    verbose_name = _("Action plans and quarterly progress")

    def ready(self) -> None:
        # The home page's panel of this app (``core.home``).
        from konvergen.core import home as core_home
        from konvergen.plans import home

        core_home.register("plans", home.panel, order=30)
