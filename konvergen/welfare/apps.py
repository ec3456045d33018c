from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WelfareConfig(AppConfig):
    name = "konvergen.welfare"
    verbose_name = _("Welfare status and needs")

    def ready(self) -> None:
        # Explicit hook: every committed register import recomputes that snapshot's
        # status, needs and aggregates (registry knows nothing about welfare).
        # The name is the recompute job's kind, so the region dashboard's failure notice
        # (``{% failed_recompute "welfare" %}``) shows a failed hook too.
        from konvergen.core import hooks
        from konvergen.welfare.services import welfare_recompute_after_import

        hooks.register(hooks.SNAPSHOT_STORED, welfare_recompute_after_import,
                       name="welfare.recompute")

        # Welfare's sections of the family profile and the region page (``core.panels``).
        from konvergen.core import panels as core_panels
        from konvergen.welfare import panels

        core_panels.register(core_panels.FAMILY, "welfare", panels.family_panel, order=10,
                             template="welfare/_family_needs.html")
        core_panels.register(core_panels.REGION, "welfare", panels.region_panel, order=10,
                             template="welfare/_region_panel.html")
