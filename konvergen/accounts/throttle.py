"""Throttling of failed sign-ins: after LOGIN_FAILURE_LIMIT failures for one username (or
from one address) within the window, further attempts are refused until the window passes.
Password-reset requests are throttled the same way (PASSWORD_RESET_LIMIT per address per
window), so the reset form cannot be used to flood a mailbox."""

from datetime import timedelta

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from konvergen.accounts.models import LoginAttempt, PasswordResetRequest


def is_locked(*, username: str, ip_address: str | None) -> bool:
    since = timezone.now() - timedelta(seconds=settings.LOGIN_FAILURE_WINDOW_SECONDS)
    who = Q(username=username.lower())
    if ip_address:
        who |= Q(ip_address=ip_address)
    recent = LoginAttempt.objects.filter(who, at__gte=since)
    by_user = recent.filter(username=username.lower()).count()
    by_ip = recent.filter(ip_address=ip_address).count() if ip_address else 0
    # An address gets more room than a username: an office shares one public address.
    return by_user >= settings.LOGIN_FAILURE_LIMIT or by_ip >= 4 * settings.LOGIN_FAILURE_LIMIT


def record_failure(*, username: str, ip_address: str | None) -> None:
    LoginAttempt.objects.create(username=username.lower(), ip_address=ip_address)


def clear_failures(*, username: str) -> None:
    LoginAttempt.objects.filter(username=username.lower()).delete()


def reset_is_limited(*, email: str, ip_address: str | None) -> bool:
    """Has this e-mail address (or client address) asked for too many resets lately?"""
    since = timezone.now() - timedelta(seconds=settings.PASSWORD_RESET_WINDOW_SECONDS)
    recent = PasswordResetRequest.objects.filter(at__gte=since)
    by_email = recent.filter(email=email.strip().lower()).count()
    by_ip = recent.filter(ip_address=ip_address).count() if ip_address else 0
    limit = settings.PASSWORD_RESET_LIMIT
    return by_email >= limit or by_ip >= 4 * limit


def record_reset_request(*, email: str, ip_address: str | None) -> None:
    PasswordResetRequest.objects.create(email=email.strip().lower()[:254], ip_address=ip_address)
