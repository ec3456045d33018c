"""Writes to accounts and role assignments, each audited."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from konvergen.accounts.models import (
    ORGANISATION_ROLES,
    WHOLE_COUNTRY_NATIONAL_ONLY,
    Role,
    RoleAssignment,
    User,
)
from konvergen.audit.services import audit_record
from konvergen.regions.models import Level, Region


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
