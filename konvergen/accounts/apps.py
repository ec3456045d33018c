from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "konvergen.accounts"
    verbose_name = _("Accounts and roles")

    def ready(self):
        from django.contrib import admin

        # middleware: the sign-in signal that marks a session as owing its TOTP code.
        from konvergen.accounts import (
            access,
            middleware,  # noqa: F401
        )

        # The admin site is for administrators only, whatever is_staff says.
        admin.site.has_permission = lambda request: (  # type: ignore[method-assign]
            request.user.is_active
            and request.user.is_staff
            and access.has_feature(request.user, "admin_site")
        )
