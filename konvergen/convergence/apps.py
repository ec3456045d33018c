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
        from konvergen.programs import hooks as program_hooks
        from konvergen.registry import hooks as registry_hooks

        program_hooks.register_after_change(convergence_refresh_after_change)
        registry_hooks.register_after_import(
            convergence_refresh_after_import, order=registry_hooks.CONVERGENCE)
        from konvergen.convergence import home
        from konvergen.core import home as core_home

        core_home.register("convergence", home.panel, order=80)
