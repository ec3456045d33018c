from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "konvergen.accounts"
    verbose_name = _("Accounts and roles")

    def ready(self):
        # The sign-in signal that marks a session as owing its TOTP code.
        from konvergen.accounts import middleware  # noqa: F401
