"""Reads for the user-management pages: users with their role assignments preloaded, and
the regions and organisations a manager may choose from."""

from django.db.models import Prefetch, Q, QuerySet

from konvergen.accounts import access
from konvergen.accounts.models import RoleAssignment, TotpDevice, User
from konvergen.regions.models import Level, Region

#: Regions offered as suggestions in the region field (the field takes any code in scope).
REGION_SUGGESTIONS = 2000


def managed_users(manager, *, q: str = "", role: str = "", active: str = "") -> QuerySet:
    """Users the manager sees (``access.users_q``), each with ``assignments`` (region and
    organisation loaded) and ``has_totp``."""
    users = User.objects.filter(access.users_q(manager))
    if q:
        users = users.filter(Q(username__icontains=q) | Q(first_name__icontains=q)
                             | Q(last_name__icontains=q) | Q(email__icontains=q))
    if role:
        users = users.filter(role_assignments__role=role).distinct()
    if active in ("1", "0"):
        users = users.filter(is_active=active == "1")
    return users.prefetch_related(
        Prefetch("role_assignments",
                 RoleAssignment.objects.select_related("region", "organisation")
                 .order_by("region_id", "role"), to_attr="assignments"),
    ).order_by("username")


def user_with_assignments(user: User) -> list[RoleAssignment]:
    return list(RoleAssignment.objects.filter(user=user)
                .select_related("region", "organisation").order_by("region_id", "role"))


def has_totp(user: User) -> bool:
    return TotpDevice.objects.filter(user=user, confirmed_at__isnull=False).exists()


def totp_users(users) -> set[int]:
    return set(TotpDevice.objects.filter(user__in=[u.pk for u in users],
                                         confirmed_at__isnull=False)
               .values_list("user_id", flat=True))


def region_suggestions(manager) -> list[Region]:
    """Regions of the manager's scope to suggest in the region field: down to desa for a
    regional manager, provinces and kab/kota for a country-wide one."""
    scopes = access.user_manage_scopes(manager)
    if not scopes:
        return []
    regions = Region.objects.filter(access.scope_q(scopes), is_active=True)
    if access.WHOLE_COUNTRY in scopes:
        regions = regions.filter(level__lte=Level.KABKOTA)
    return list(regions.order_by("code")[:REGION_SUGGESTIONS])


def grantable_organisations(manager):
    """Organisations a manager may name in an assignment: those based inside its scope or
    in a region above it (a province's agency working in a kabupaten)."""
    from konvergen.organisations.models import Organisation

    scopes = access.user_manage_scopes(manager)
    if not scopes:
        return Organisation.objects.none()
    q = access.scope_q(scopes, "region__code")
    for scope in scopes:
        if scope != access.WHOLE_COUNTRY:
            parts = scope.split(".")
            q |= Q(region__code__in=[".".join(parts[:i]) for i in range(1, len(parts))])
    return (Organisation.objects.filter(q, is_active=True).select_related("region")
            .order_by("region_id", "name"))
