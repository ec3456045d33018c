from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProgramsConfig(AppConfig):
    name = "konvergen.programs"
    verbose_name = _("Programmes and interventions")

    def ready(self) -> None:
        from konvergen.core import hooks
        from konvergen.programs.services import list_uses_resync

        # Programmes that take their beneficiaries from a list follow its review decisions.
        hooks.register(hooks.ROWS_CHANGED, list_uses_resync, name="programs.list_uses_resync")

        # The programmes' section of the family profile (``core.panels``).
        from konvergen.core import panels as core_panels
        from konvergen.programs import panels

        core_panels.register(core_panels.FAMILY, "programs", panels.family_panel, order=20,
                             template="programs/_family_interventions.html")
