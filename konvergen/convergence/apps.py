from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConvergenceConfig(AppConfig):
    name = "konvergen.convergence"
    verbose_name = _("Convergence")

    def ready(self) -> None:
        # Explicit hooks: a changed programme or intervention, and a new register snapshot,
        # refresh the region's stored convergence summaries.
        from konvergen.convergence.services import (
            convergence_refresh_after_change,
            convergence_refresh_after_import,
        )
        from konvergen.core import hooks

        # Named like the refresh job's kind, so the convergence dashboard's failure notice
        # shows a failed (or skipped) hook too; after an import it runs once welfare has
        # classified the snapshot, whatever the order of INSTALLED_APPS.
        hooks.register(hooks.PROGRAMMES_CHANGED, convergence_refresh_after_change,
                       name="convergence.refresh")
        hooks.register(hooks.SNAPSHOT_STORED, convergence_refresh_after_import,
                       name="convergence.refresh", after=("welfare.recompute",))
        from konvergen.convergence import home
        from konvergen.core import home as core_home

        core_home.register("convergence", home.panel, order=80)
