from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WelfareConfig(AppConfig):
    name = "konvergen.welfare"
    verbose_name = _("Welfare status and needs")

    def ready(self) -> None:
        # Explicit hook: every committed register import recomputes that snapshot's
        # status, needs and aggregates (registry knows nothing about welfare).
        from konvergen.registry import hooks
        from konvergen.welfare.services import welfare_recompute_after_import

        hooks.register_after_import(welfare_recompute_after_import, order=hooks.WELFARE)
