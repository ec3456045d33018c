from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VerificationConfig(AppConfig):
    name = "konvergen.verification"
    verbose_name = _("Village verification (musdes/muskel)")

    def ready(self) -> None:
        # Ratified local decisions are laid over every committed snapshot before welfare
        # (and so convergence) recompute (registry knows nothing about verification). Its
        # failure fails the import job too, which the queue then retries.
        from konvergen.core import hooks
        from konvergen.verification.services import apply_local_decisions_after_import

        hooks.register(hooks.SNAPSHOT_STORED, apply_local_decisions_after_import,
                       name="verification.local_decisions", before=("welfare.recompute",),
                       required=True)
        from konvergen.core import home as core_home
        from konvergen.verification import home

        core_home.register("verification", home.panel, order=20)
