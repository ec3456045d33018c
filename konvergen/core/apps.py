from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "konvergen.core"
    verbose_name = _("Konvergen")

    def ready(self) -> None:
        from django.contrib import admin
        from django.core import checks

        from konvergen.core import hooks

        # The hooks' declared order (an unknown name, a cycle) is checked by ``check``.
        checks.register(hooks.system_check)

        # Who may use the admin site is the access policy's to say: AccountsConfig.ready().
        admin.site.site_header = _("Konvergen administration")
        admin.site.site_title = _("Konvergen")
