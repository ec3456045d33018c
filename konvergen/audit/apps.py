from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "konvergen.audit"
    verbose_name = _("Audit log")

    def ready(self) -> None:
        from konvergen.audit import receivers  # noqa: F401  (login/logout events)
