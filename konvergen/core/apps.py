from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "konvergen.core"
    verbose_name = _("Konvergen")

    def ready(self) -> None:
        from django.contrib import admin

        from konvergen.accounts import access

        # The admin site is for administrators only, whatever is_staff says.
        admin.site.has_permission = lambda request: (  # type: ignore[method-assign]
            request.user.is_active
            and request.user.is_staff
            and access.has_feature(request.user, "admin_site")
        )
        admin.site.site_header = _("Konvergen administration")
        admin.site.site_title = _("Konvergen")
