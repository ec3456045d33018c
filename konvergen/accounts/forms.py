from django import forms
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from konvergen.accounts import throttle

LOCKED = _("Too many failed sign-in attempts. Wait %(minutes)s minutes and try again.")


class ThrottledAuthenticationForm(AuthenticationForm):
    def clean(self):
        username = (self.data.get("username") or "").strip()
        ip = self.request.META.get("REMOTE_ADDR") if self.request else None
        if username and throttle.is_locked(username=username, ip_address=ip):
            raise forms.ValidationError(
                LOCKED,
                code="locked",
                params={"minutes": settings.LOGIN_FAILURE_WINDOW_SECONDS // 60},
            )
        try:
            cleaned = super().clean()
        except forms.ValidationError:
            if username:
                throttle.record_failure(username=username, ip_address=ip)
            raise
        throttle.clear_failures(username=username)
        return cleaned
