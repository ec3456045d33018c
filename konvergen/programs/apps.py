from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProgramsConfig(AppConfig):
    name = "konvergen.programs"
    verbose_name = _("Programmes and interventions")

    def ready(self) -> None:
        from konvergen.linkage.hooks import register_rows_changed
        from konvergen.programs.services import list_uses_resync

        # Programmes that take their beneficiaries from a list follow its review decisions.
        register_rows_changed(list_uses_resync)
