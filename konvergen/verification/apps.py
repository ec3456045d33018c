from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VerificationConfig(AppConfig):
    name = "konvergen.verification"
    verbose_name = _("Village verification (musdes/muskel)")

    def ready(self) -> None:
        # Ratified local decisions are laid over every committed snapshot before welfare
        # and convergence recompute (registry knows nothing about verification).
        from konvergen.registry import hooks
        from konvergen.verification.services import apply_local_decisions_after_import

        hooks.register_after_import(apply_local_decisions_after_import,
                                    order=hooks.LOCAL_DECISIONS)
        from konvergen.core import home as core_home
        from konvergen.verification import home

        core_home.register("verification", home.panel, order=20)
