"""Writes to accounts and role assignments, each audited."""

import logging

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from konvergen.accounts import access, totp
from konvergen.accounts.models import (
    ORGANISATION_ROLES,
    WHOLE_COUNTRY_NATIONAL_ONLY,
    Role,
    RoleAssignment,
    TotpDevice,
    User,
)
from konvergen.audit.services import audit_record
from konvergen.regions.models import Level, Region

logger = logging.getLogger(__name__)


def user_create(
    *,
    username: str,
    password: str,
    full_name: str = "",
    email: str = "",
    is_superuser: bool = False,
    acting_user=None,
) -> User:
    first, _sep, last = full_name.partition(" ")
    with transaction.atomic():
        user = User(
            username=username,
            email=email,
            first_name=first,
            last_name=last,
            is_staff=is_superuser,
            is_superuser=is_superuser,
        )
        user.set_password(password)
        user.save()
        audit_record(
            actor=acting_user,
            action="accounts.user_create",
            obj=user,
            changes={"username": username, "superuser": is_superuser},
        )
    return user


def user_set_password(*, user: User, password: str, acting_user=None) -> None:
    with transaction.atomic():
        user.set_password(password)
        user.save(update_fields=["password"])
        audit_record(actor=acting_user, action="accounts.password_set", obj=user)


def role_assignment_create(
    *,
    user: User,
    role: str,
    region: Region | None,
    organisation=None,
    personal_data: bool = False,
    acting_user=None,
) -> RoleAssignment:
    """Give ``user`` ``role`` over ``region`` and everything below it; ``region=None`` is
    the whole country, for national coordinators only."""
    if region is None:
        if role != Role.NATIONAL:
            raise ValidationError(WHOLE_COUNTRY_NATIONAL_ONLY)
        if RoleAssignment.objects.filter(user=user, role=role, region__isnull=True).exists():
            raise ValidationError(_("This user already covers the whole country."))
    if role in ORGANISATION_ROLES and organisation is None:
        raise ValidationError(_("Agency officers and partners need an organisation."))
    if role not in ORGANISATION_ROLES and organisation is not None:
        raise ValidationError(_("Only agency officers and partners act for an organisation."))
    if role == Role.VILLAGE and region is not None and region.level != Level.DESA:
        raise ValidationError(_("A village operator is assigned to one desa or kelurahan."))
    if organisation is not None and region is not None and not (
        region.covers(organisation.region_id) or organisation.region.covers(region.code)
    ):
        raise ValidationError(_("The organisation does not work in this region."))
    with transaction.atomic():
        assignment = RoleAssignment.objects.create(
            user=user,
            role=role,
            region=region,
            organisation=organisation,
            personal_data=personal_data,
        )
        audit_record(
            actor=acting_user,
            action="accounts.role_grant",
            obj=assignment,
            region_code=region.code if region else "",
            changes={
                "user": user.username,
                "role": role,
                "region": region.code if region else "",
                "organisation": organisation.pk if organisation else None,
                "personal_data": personal_data,
            },
        )
    return assignment


def role_assignment_revoke(*, assignment: RoleAssignment, acting_user=None) -> None:
    with transaction.atomic():
        audit_record(
            actor=acting_user,
            action="accounts.role_revoke",
            obj=assignment,
            region_code=assignment.region_id or "",
        )
        assignment.delete()


# --- User management by the secretariat (and administrators) -------------------------------
#
# Every function checks the manager's rights itself (``access.may_manage_user``,
# ``access.may_grant``), so a crafted request cannot act outside the manager's scope, and
# writes its audit row in the same transaction as the change.

NOT_YOURS = gettext_lazy("You may not manage this user: they hold a role outside your regions.")
ROLE_NOT_GRANTABLE = gettext_lazy("You may not grant this role in this region.")
USERNAME_TAKEN = gettext_lazy("Username: this username is already taken.")
LAST_ASSIGNMENT = gettext_lazy(
    "This is the user's last role: deactivate the user instead of removing it."
)
OWN_LAST_SECRETARIAT = gettext_lazy("You cannot remove your own last secretariat role.")
OWN_ACCOUNT = gettext_lazy("You cannot deactivate your own account.")
ALREADY_ACCEPTED = gettext_lazy("This user has already set a password: no invitation needed.")
WRONG_CODE = gettext_lazy("Code: this is not the current code of your authenticator app.")
NO_DEVICE = gettext_lazy("There is no authenticator app to confirm: start again.")


def _audit_region(user: User, manager) -> str:
    """The region an audit row about ``user`` is filed under: the user's assignment inside
    the manager's scope, so the manager's own audit page lists it."""
    manages = (access.in_scope_test(manager, feature="users_manage") if manager is not None
               else lambda code: False)
    codes = [a.region_id for a in RoleAssignment.objects.filter(user=user) if a.region_id]
    inside = [c for c in codes if manages(c)]
    return (inside or codes or [""])[0]


def _require_manage(manager, user: User) -> None:
    if not access.may_manage_user(manager, user):
        raise ValidationError(NOT_YOURS, code="not_yours")


def _check_grant(manager, role: str, region: Region | None) -> None:
    if not access.may_grant(manager, role, region.code if region else None):
        raise ValidationError(ROLE_NOT_GRANTABLE, code="not_grantable")


def user_invite(
    *,
    username: str,
    full_name: str,
    email: str,
    role: str,
    region: Region | None,
    organisation=None,
    personal_data: bool = False,
    acting_user,
) -> User:
    """Create a user without a usable password, holding ``role`` over ``region``; the
    invitation link (``tokens.invitation_token``) lets them set a password."""
    _check_grant(acting_user, role, region)
    username = username.strip()
    if User.objects.filter(username__iexact=username).exists():
        raise ValidationError(USERNAME_TAKEN, code="username_taken")
    first, _sep, last = full_name.strip().partition(" ")
    with transaction.atomic():
        user = User(username=username, email=email.strip(), first_name=first[:150],
                    last_name=last[:150])
        user.set_unusable_password()
        user.save()
        audit_record(
            actor=acting_user,
            action="accounts.user_invite",
            obj=user,
            region_code=region.code if region else "",
            changes={"username": username, "email": user.email, "role": role,
                     "region": region.code if region else "",
                     "organisation": organisation.pk if organisation else None},
        )
        role_assignment_create(user=user, role=role, region=region, organisation=organisation,
                               personal_data=personal_data, acting_user=acting_user)
    return user


def invitation_renew(*, user: User, acting_user) -> None:
    """Invalidate the user's earlier invitation links (a new unusable password changes the
    fingerprint they carry); the caller then sends a fresh one."""
    _require_manage(acting_user, user)
    if user.has_usable_password():
        raise ValidationError(ALREADY_ACCEPTED, code="accepted")
    with transaction.atomic():
        user.set_unusable_password()
        user.save(update_fields=["password"])
        audit_record(actor=acting_user, action="accounts.invitation_renew", obj=user,
                     region_code=_audit_region(user, acting_user))


def invitation_send(*, user: User, link: str) -> None:
    """E-mail the invitation link after the transaction commits (a rolled-back invitation
    sends nothing). Failing to send is logged: the manager also sees the link on the page."""
    from django.core.mail import send_mail
    from django.template.loader import render_to_string

    if not user.email:
        return

    def send():
        context = {"user": user, "link": link, "days": settings.KONVERGEN_INVITATION_DAYS}
        try:
            send_mail(
                subject=render_to_string("accounts/email/invitation_subject.txt",
                                         context).strip(),
                message=render_to_string("accounts/email/invitation.txt", context),
                from_email=None,
                recipient_list=[user.email],
            )
        except OSError:
            logger.exception("Invitation e-mail to user %s failed", user.pk)

    transaction.on_commit(send)


def invitation_accept(*, user: User, password: str) -> None:
    """The invitee sets its password (the token has been checked by the caller); the
    invitation link stops working."""
    with transaction.atomic():
        user.set_password(password)
        user.save(update_fields=["password"])
        audit_record(actor=user, action="accounts.invitation_accept", obj=user,
                     region_code=_audit_region(user, None))


def user_role_grant(
    *,
    user: User,
    role: str,
    region: Region | None,
    organisation=None,
    personal_data: bool = False,
    acting_user,
) -> RoleAssignment:
    _require_manage(acting_user, user)
    _check_grant(acting_user, role, region)
    return role_assignment_create(user=user, role=role, region=region,
                                  organisation=organisation, personal_data=personal_data,
                                  acting_user=acting_user)


def user_role_revoke(*, assignment: RoleAssignment, acting_user) -> None:
    """Remove a role assignment. A user keeps at least one (deactivate them instead), and a
    secretariat member cannot remove its own last secretariat role."""
    user = assignment.user
    _require_manage(acting_user, user)
    if not access.may_grant(acting_user, assignment.role, assignment.region_id):
        raise ValidationError(ROLE_NOT_GRANTABLE, code="not_grantable")
    others = RoleAssignment.objects.filter(user=user).exclude(pk=assignment.pk)
    if not acting_user.is_superuser and not others.exists():
        raise ValidationError(LAST_ASSIGNMENT, code="last_assignment")
    if (user.pk == acting_user.pk and assignment.role == Role.TKPK
            and not others.filter(role=Role.TKPK).exists() and not acting_user.is_superuser):
        raise ValidationError(OWN_LAST_SECRETARIAT, code="own_last_secretariat")
    role_assignment_revoke(assignment=assignment, acting_user=acting_user)


def user_set_active(*, user: User, active: bool, acting_user) -> None:
    """Deactivate (the user can no longer sign in; nothing is deleted) or reactivate."""
    _require_manage(acting_user, user)
    if user.pk == acting_user.pk and not active:
        raise ValidationError(OWN_ACCOUNT, code="own_account")
    if user.is_active == active:
        return
    with transaction.atomic():
        user.is_active = active
        user.save(update_fields=["is_active"])
        audit_record(actor=acting_user,
                     action="accounts.user_reactivate" if active else "accounts.user_deactivate",
                     obj=user, region_code=_audit_region(user, acting_user),
                     changes={"is_active": [not active, active]})


def user_password_change(*, user: User, password: str, reset: bool = False) -> None:
    """The user changes its own password (signed in) or sets a new one from a reset link."""
    with transaction.atomic():
        user.set_password(password)
        user.save(update_fields=["password"])
        audit_record(actor=user, action="accounts.password_reset" if reset
                     else "accounts.password_change", obj=user,
                     region_code=_audit_region(user, None))


# --- Two-factor sign-in (TOTP) ---------------------------------------------------------------

def totp_enrol_start(*, user: User) -> TotpDevice:
    """The user's authenticator device: an unconfirmed one with a new secret on the first
    call, the same one (same secret, so the scanned QR code stays valid) until it is
    confirmed; a confirmed device must be disabled before enrolling again."""
    device, _created = TotpDevice.objects.get_or_create(
        user=user, defaults={"secret": totp.new_secret()})
    return device


def _accept_code(device: TotpDevice, code: str) -> bool:
    step = totp.matching_step(device.secret, code, after_step=device.last_step)
    if step is None:
        return False
    # Conditional update: two requests racing with one code cannot both pass.
    return bool(TotpDevice.objects.filter(pk=device.pk, last_step__lt=step)
                .update(last_step=step))


def totp_confirm(*, user: User, code: str) -> TotpDevice:
    """Switch two-factor sign-in on once the user typed a valid code from its app."""
    device = TotpDevice.objects.filter(user=user, confirmed_at__isnull=True).first()
    if device is None:
        raise ValidationError(NO_DEVICE, code="no_device")
    with transaction.atomic():
        if not _accept_code(device, code):
            raise ValidationError(WRONG_CODE, code="wrong_code")
        device.confirmed_at = timezone.now()
        device.save(update_fields=["confirmed_at"])
        audit_record(actor=user, action="accounts.totp_enable", obj=user,
                     region_code=_audit_region(user, None))
    return device


def totp_disable(*, user: User, code: str) -> None:
    """Switch two-factor sign-in off: the user proves it still holds the app."""
    device = TotpDevice.objects.filter(user=user, confirmed_at__isnull=False).first()
    if device is None:
        raise ValidationError(NO_DEVICE, code="no_device")
    with transaction.atomic():
        if not _accept_code(device, code):
            raise ValidationError(WRONG_CODE, code="wrong_code")
        device.delete()
        audit_record(actor=user, action="accounts.totp_disable", obj=user,
                     region_code=_audit_region(user, None))


def totp_check(*, user: User, code: str) -> bool:
    """Is ``code`` a fresh valid code of the user's confirmed app (the sign-in step)?"""
    device = TotpDevice.objects.filter(user=user, confirmed_at__isnull=False).first()
    return device is not None and _accept_code(device, code)
