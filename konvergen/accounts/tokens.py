"""Invitation links: a signed, timestamped token naming the user and a fingerprint of its
(unusable) password. Setting the password changes the fingerprint, so a link works once;
a new invitation draws a new unusable password, so older links stop working too."""

from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.utils.crypto import constant_time_compare, salted_hmac

_SALT = "konvergen.accounts.invitation"


def _fingerprint(user) -> str:
    return salted_hmac(_SALT, f"{user.pk}:{user.password}").hexdigest()[:20]


def invitation_token(user) -> str:
    return signing.dumps({"u": user.pk, "f": _fingerprint(user)}, salt=_SALT, compress=True)


def invitation_user(token: str):
    """The invited user the token names, or None when it is forged, expired, already used
    or replaced by a newer invitation."""
    from konvergen.accounts.models import User

    try:
        data = signing.loads(token, salt=_SALT,
                             max_age=timedelta(days=settings.KONVERGEN_INVITATION_DAYS))
        user = User.objects.get(pk=data["u"])
    except (signing.BadSignature, User.DoesNotExist, KeyError, TypeError, ValueError):
        return None
    if not user.is_active or user.has_usable_password():
        return None
    if not constant_time_compare(str(data.get("f", "")), _fingerprint(user)):
        return None
    return user
