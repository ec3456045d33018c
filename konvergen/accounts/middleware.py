"""The second sign-in step: a user with a confirmed authenticator app passes its code
before any page.

Signing in (``user_logged_in``) marks the session as waiting for the code when the user has
such an app; only then does this middleware look further, so users without one cost
nothing and are never redirected."""

from django.contrib.auth import user_logged_in
from django.dispatch import receiver
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode

#: Session key: set while a signed-in session still owes its TOTP code.
PENDING = "konvergen_totp_pending"


@receiver(user_logged_in, dispatch_uid="konvergen.accounts.totp_pending")
def _mark_pending(sender, request, user, **kwargs):
    from konvergen.accounts import selectors

    if request is not None and hasattr(request, "session") and selectors.has_totp(user):
        request.session[PENDING] = True


class TwoFactorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        session = getattr(request, "session", None)
        if (session is not None and session.get(PENDING)
                and request.user.is_authenticated and not self._exempt(request.path)):
            verify = reverse("accounts:totp-verify")
            return redirect(f"{verify}?{urlencode({'next': request.get_full_path()})}")
        return self.get_response(request)

    @staticmethod
    def _exempt(path: str) -> bool:
        from django.conf import settings

        open_paths = (reverse("accounts:totp-verify"), reverse("accounts:logout"),
                      reverse("set_language"), reverse("core:healthz"))
        return path in open_paths or path.startswith("/" + settings.STATIC_URL.lstrip("/"))
