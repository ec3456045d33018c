from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TargetsConfig(AppConfig):
    name = "konvergen.targets"
    verbose_name = _("Indicators and targets")

    def ready(self) -> None:
        # After a register snapshot (and its welfare and convergence figures), the indicators
        # computed from the register are stored again.
        from konvergen.registry import hooks as registry_hooks
        from konvergen.targets.services import computed_values_after_import

        registry_hooks.register_after_import(computed_values_after_import,
                                             order=registry_hooks.INDICATORS)
