"""Reads for the user-management pages: users with their role assignments preloaded, and
the regions and organisations a manager may choose from."""

from django.db.models import Prefetch, Q, QuerySet

from konvergen.accounts import access
from konvergen.accounts.models import RoleAssignment, TotpDevice, User
from konvergen.organisations import selectors as organisation_selectors
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
    if not access.has_scope(manager, feature="users_manage"):
        return []
    regions = access.visible(manager, Region.objects.filter(is_active=True),
                             feature="users_manage")
    if access.is_country_wide(manager, feature="users_manage"):
        regions = regions.filter(level__lte=Level.KABKOTA)
    return list(regions.order_by("code")[:REGION_SUGGESTIONS])


def grantable_organisations(manager):
    """Organisations a manager may name in an assignment: those based inside its scope or
    in a region above it (a province's agency working in a kabupaten)."""
    from konvergen.organisations.models import Organisation

    if not access.user_manage_scopes(manager):
        return Organisation.objects.none()
    return (Organisation.objects.filter(access.grantable_organisations_q(manager), is_active=True)
            .select_related("region")
            .order_by("region_id", "name"))


def user_by_id(user_id: int | None) -> User | None:
    """The user of ``user_id`` (an acting user recorded in a job), or ``None``."""
    return User.objects.filter(pk=user_id).first() if user_id is not None else None


def user_assignment(user: User, assignment_id) -> RoleAssignment | None:
    """One of the user's role assignments, or ``None``."""
    return RoleAssignment.objects.filter(user=user, pk=assignment_id or 0).first()


# --- the stakeholder directory (its pages ask the access policy: ``organisation_views``) -----

def stakeholder_directory(user, *, kind: str = "", pentahelix: str = "") -> list:
    """The organisations the user may see in the directory
    (``access.visible_organisations_q``), each ``editable`` where the user keeps the
    directory of its region."""
    return organisation_selectors.directory(
        access.visible_organisations_q(user),
        access.in_scope_test(user, feature="stakeholders_manage"),
        kind=kind, pentahelix=pentahelix)


def stakeholder_regions(user) -> list[Region]:
    """Provinces and kab/kota the user keeps the directory of."""
    if not access.has_scope(user, feature="stakeholders_manage"):
        return []
    return list(access.visible(user, organisation_selectors.directory_regions(),
                               feature="stakeholders_manage"))
