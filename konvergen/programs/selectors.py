"""Reads of the programmes app."""

from django.db.models import Count, Exists, F, OuterRef, Q, Sum
from django.utils.translation import get_language

from konvergen.accounts import access
from konvergen.linkage.models import BeneficiaryList
from konvergen.organisations.models import Organisation
from konvergen.programs.models import Group, GroupMember, Intervention, ListUse, Programme
from konvergen.registry.models import Person
from konvergen.welfare.engine import DEFAULT_INDICATORS


def visible_programmes(user):
    """Programmes of regions in, above or below the user's scope."""
    scopes = access.scope_codes(user, feature="programmes")
    if access.WHOLE_COUNTRY in scopes:
        q = Q()
    else:
        q = Q(pk__in=[])
        for scope in scopes:
            parts = scope.split(".")
            above = [".".join(parts[:n]) for n in range(1, len(parts) + 1)]
            q |= Q(region_id__in=above) | Q(region__code__startswith=scope + ".")
    return (
        Programme.objects.filter(q)
        .select_related("organisation", "region")
        .order_by("region_id", "organisation__name", "code")
    )


def manageable_organisations(user):
    """Organisations the user may register programmes for."""
    scopes = access.scope_codes(user, feature="programmes_manage")
    orgs = Organisation.objects.filter(access.scope_q(scopes, "region__code"), is_active=True)
    limited: set[int] = set()
    for scope in scopes:
        allowed = access.programme_organisations(user, scope)
        if allowed is None:
            return orgs
        limited |= allowed
    return orgs.filter(pk__in=limited)


def programme_interventions(programme: Programme) -> list[dict]:
    """Interventions per period and status, the status as its label."""
    labels = dict(Intervention.Status.choices)
    rows = list(
        Intervention.objects.filter(programme=programme)
        .values("year", "status")
        .annotate(n=Count("id"), families=Count("family_id", distinct=True), value=Sum("value"))
        .order_by("-year", "status")
    )
    for row in rows:
        row["status_label"] = labels.get(row["status"], row["status"])
    return rows


def need_names(codes) -> list[str]:
    """Names of need indicators in the current language (the code when unknown)."""
    english = (get_language() or "id").startswith("en")
    names = {i.code: i.name_en if english else i.name_id for i in DEFAULT_INDICATORS}
    return [names.get(c, c) for c in codes or []]


def usable_lists(user, programme: Programme):
    """Linked lists the user may use for the programme: same register region, the user's
    own organisation's lists unless secretariat."""
    code = programme.region_id
    lists = BeneficiaryList.objects.filter(status=BeneficiaryList.Status.DONE).filter(
        Q(dataset__region_id=code) | Q(dataset__region__code__startswith=code + ".")
    )
    scopes = access.scope_codes(user, feature="linkage")
    lists = lists.filter(access.scope_q(scopes, "dataset__region__code"))
    orgs = access.linkage_organisations(user, code)
    if orgs is not None:
        lists = lists.filter(organisation_id__in=orgs)
    return lists.select_related("organisation").order_by("-id")


def programme_list_uses(user, programme: Programme) -> list[ListUse]:
    """The lists a programme follows; ``linkable`` says whether the user may open the list
    (list names are shown to everyone who sees the programme, the rows only to its owners)."""
    uses = list(programme.list_uses.select_related("beneficiary_list").order_by("-period", "id"))
    openable = set(usable_lists(user, programme).values_list("pk", flat=True)) if uses else set()
    for use in uses:
        use.linkable = use.beneficiary_list_id in openable
    return uses


def family_interventions(family_id: int) -> list[Intervention]:
    """The family's interventions (and its members'), and help to the groups its members
    belong to in that period, newest period first."""
    member = GroupMember.objects.filter(
        Q(left_year__isnull=True) | Q(left_year__gte=OuterRef("year")),
        person__family_id=family_id, group_id=OuterRef("group_id"),
        joined_year__lte=OuterRef("year"),
    )
    return list(
        Intervention.objects.filter(
            Q(family_id=family_id) | Q(Exists(member), family__isnull=True)
        )
        .select_related("programme", "programme__organisation", "person", "group")
        .order_by("-year", "programme__code")[:200]
    )


# --- Groups ----------------------------------------------------------------------------------


def visible_groups(user, *, q: str = "", kind: str = ""):
    """Groups the user may see (``access.groups_q``), with their member counts."""
    groups = Group.objects.filter(access.groups_q(user))
    if kind:
        groups = groups.filter(kind=kind)
    q = q.strip()
    if q:
        groups = groups.filter(Q(name__icontains=q) | Q(region_code__startswith=q))
    return (
        groups.select_related("organisation")
        .annotate(n_members=Count("memberships", distinct=True,
                                  filter=Q(memberships__left_year__isnull=True)),
                  n_help=Count("interventions", distinct=True))
        .order_by("region_code", "name")
    )


def group_organisations(user, region_code: str):
    """Organisations the user may record a group for in ``region_code``."""
    scopes = access.scope_codes(user, feature="groups_manage")
    orgs = Organisation.objects.filter(access.scope_q(scopes, "region__code"), is_active=True)
    allowed = access.group_organisations(user, region_code)
    return orgs if allowed is None else orgs.filter(pk__in=allowed)


def group_members(group: Group) -> list[GroupMember]:
    """Every membership of the group, current and former (``left_year`` set)."""
    return list(
        GroupMember.objects.filter(group=group)
        .select_related("person", "person__family")
        .order_by("person__name", "pk")
    )


def group_interventions(group: Group) -> list[Intervention]:
    return list(
        Intervention.objects.filter(group=group, family__isnull=True)
        .select_related("programme", "programme__organisation")
        .order_by("-year", "programme__code")
    )


def person_candidates(user, group: Group, q: str, limit: int = 20) -> list[Person]:
    """Current register persons (the latest snapshot) the user may see, in the group's
    kab/kota, by NIK (16 digits, exact) or name, not current members (a former member can
    be added again: their membership re-opens)."""
    q = q.strip()
    if not q:
        return []
    scopes = access.scope_codes(user, feature="groups_manage")
    persons = Person.objects.filter(
        access.scope_q(scopes, "region_code"),
        is_current=True,
        region_code__startswith=group.region_code[:5] + ".",
    ).exclude(pk__in=GroupMember.objects.filter(group=group, left_year__isnull=True)
              .values("person_id"))
    if q.isdigit():
        persons = persons.filter(nik=q) if len(q) == 16 else persons.filter(nik__startswith=q)
    else:
        persons = persons.filter(name__icontains=q)
    return list(persons.select_related("family").order_by("region_code", "name")[:limit])


def group_programmes(user, group: Group) -> list[Programme]:
    """Group-unit programmes that can reach the group's desa and that the user manages."""
    from konvergen.convergence.services import programmes_for

    scopes = access.scope_codes(user, feature="programmes_manage")
    programmes = (
        programmes_for(group.region_code)
        .filter(target_unit="group")
        .filter(access.scope_q(scopes, "region__code"))
        .select_related("organisation")
        .order_by("code")
    )
    out = []
    for programme in programmes:
        orgs = access.programme_organisations(user, programme.region_id)
        if orgs is None or programme.organisation_id in orgs:
            out.append(programme)
    return out


def family_groups(family_id: int) -> list[GroupMember]:
    """The family's members' memberships of groups, current ones first, with their years
    (for the family profile)."""
    return list(
        GroupMember.objects.filter(person__family_id=family_id)
        .select_related("group", "person")
        .order_by(F("left_year").desc(nulls_first=True), "group__name", "pk")
    )


# --- One programme's interventions -----------------------------------------------------------

INTERVENTION_PAGE = 200


def intervention_scope_q(scopes) -> Q:
    """Interventions to a family (or, for a whole group, a group) of a region in
    ``scopes`` (``access.scope_codes``)."""
    if access.WHOLE_COUNTRY in scopes:
        return Q()
    return access.scope_q(scopes, "family__region_code") | (
        Q(family__isnull=True) & access.scope_q(scopes, "group__region_code"))


def programme_intervention_rows(user, programme: Programme, *, status: str = "",
                                year: int | None = None, q: str = ""):
    """The programme's interventions to families in the user's register scope, newest
    first, filtered by ``status``, ``year`` and a NIK/No KK/name search (``q``); each row
    has ``masked`` names and NIKs where the user may not see personal data there
    (``access.can_view_personal_data``). Returns ``(rows of the page, total, counts per
    status)``."""
    scopes = access.scope_codes(user, feature="register")
    base = Intervention.objects.filter(programme=programme).filter(intervention_scope_q(scopes))
    if year:
        base = base.filter(year=year)
    counts = dict(base.order_by().values_list("status").annotate(n=Count("id")))
    rows = base.filter(status=status) if status else base
    q = q.strip()
    if q:
        personal = access.can_view_personal_data(user, programme.region_id)
        if q.isdigit():
            rows = rows.filter(Q(family__kk_number=q) | Q(person__nik=q)
                               | Q(family__head_nik=q) | Q(pk=int(q) if len(q) < 12 else 0))
        elif personal:
            rows = rows.filter(Q(family__head_name__icontains=q) | Q(person__name__icontains=q)
                               | Q(item__icontains=q))
        else:
            rows = rows.filter(item__icontains=q)
    total = rows.count()
    page = list(
        rows.select_related("family", "person", "group", "created_by", "updated_by")
        .order_by("-year", "-pk")[:INTERVENTION_PAGE]
    )
    for row in page:
        region = row.family.region_code if row.family_id else (
            row.group.region_code if row.group_id else programme.region_id)
        row.personal = access.can_view_personal_data(user, region)
        if row.family_id:
            head, nik, kk = row.family.head_name, row.family.head_nik, row.family.kk_number
            if row.person_id:
                head, nik = row.person.name, row.person.nik
            if not row.personal:
                head, nik, kk = access.mask_name(head), access.mask_nik(nik), access.mask_nik(kk)
            row.who, row.who_nik, row.who_kk = head, nik, kk
        else:
            row.who, row.who_nik, row.who_kk = row.group.name if row.group_id else "", "", ""
    return page, total, counts


def intervention_uploads(programme: Programme, limit: int = 20):
    from konvergen.programs.models import InterventionUpload

    return list(InterventionUpload.objects.filter(programme=programme)
                .select_related("created_by")[:limit])
