from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TargetsConfig(AppConfig):
    name = "konvergen.targets"
    verbose_name = _("Indicators and targets")

    def ready(self) -> None:
        # After a register snapshot and its welfare figures, the indicators computed from
        # the register are stored again.
        from konvergen.core import hooks
        from konvergen.targets.services import computed_values_after_import

        hooks.register(hooks.SNAPSHOT_STORED, computed_values_after_import,
                       name="targets.computed_values", after=("welfare.recompute",))
