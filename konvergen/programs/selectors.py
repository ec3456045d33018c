"""Reads of the programmes app."""

from django.db.models import Count, Exists, F, OuterRef, Q, Sum
from django.urls import reverse
from django.utils.translation import get_language

from konvergen.accounts import access
from konvergen.linkage.models import BeneficiaryList
from konvergen.organisations.models import Organisation
from konvergen.programs.models import Group, GroupMember, Intervention, ListUse, Programme
from konvergen.regions.filters import overlap_q, within_q
from konvergen.registry.models import Family, Person
from konvergen.welfare.engine import DEFAULT_INDICATORS


def visible_programmes(user):
    """Programmes of regions in, above or below the user's scope."""
    return (
        Programme.objects.filter(access.programmes_q(user, "region"))
        .select_related("organisation", "region")
        .order_by("region_id", "organisation__name", "code")
    )


def manageable_organisations(user):
    """Organisations the user may register programmes for."""
    orgs = access.visible(user, Organisation.objects.filter(is_active=True),
                          feature="programmes_manage", region_field="region__code")
    limited = access.organisations_acting_in_scope(user, "programmes_manage")
    return orgs if limited is None else orgs.filter(pk__in=limited)


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
        within_q(code, "dataset__region__code")
    )
    lists = access.visible(user, lists, feature="linkage", region_field="dataset__region__code")
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


def family_interventions(family_id: int, *, redaction: access.Redaction) -> list[Intervention]:
    """The family's interventions (and its members'), and help to the groups its members
    belong to in that period, newest period first; each with ``member_name``, the member
    helped, empty where ``redaction`` hides personal data."""
    member = GroupMember.objects.filter(
        Q(left_year__isnull=True) | Q(left_year__gte=OuterRef("year")),
        person__family_id=family_id, group_id=OuterRef("group_id"),
        joined_year__lte=OuterRef("year"),
    )
    rows = list(
        Intervention.objects.filter(
            Q(family_id=family_id) | Q(Exists(member), family__isnull=True)
        )
        .select_related("programme", "programme__organisation", "person", "group")
        .order_by("-year", "programme__code")[:200]
    )
    for row in rows:
        row.member_name = redaction.hide(
            (row.person.name or "") if row.person is not None else "")
    return rows


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
    orgs = access.visible(user, Organisation.objects.filter(is_active=True),
                          feature="groups_manage", region_field="region__code")
    allowed = access.group_organisations(user, region_code)
    return orgs if allowed is None else orgs.filter(pk__in=allowed)


def group_members(group: Group, *, redaction: access.Redaction) -> list[GroupMember]:
    """Every membership of the group, current and former (``left_year`` set), members'
    names and NIKs masked where ``redaction`` hides personal data."""
    members = list(
        GroupMember.objects.filter(group=group)
        .select_related("person", "person__family")
        .order_by("person__name", "pk")
    )
    redaction.apply([m.person for m in members], {"name": "name", "nik": "nik"})
    return members


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
    persons = access.visible(user, Person.objects.filter(
        is_current=True,
        region_code__startswith=group.region_code[:5] + ".",
    ), feature="groups_manage", region_field="region_code").exclude(
        pk__in=GroupMember.objects.filter(group=group, left_year__isnull=True)
        .values("person_id"))
    if q.isdigit():
        persons = persons.filter(nik=q) if len(q) == 16 else persons.filter(nik__startswith=q)
    else:
        persons = persons.filter(name__icontains=q)
    return list(persons.select_related("family").order_by("region_code", "name")[:limit])


def programmes_for(region_code: str):
    """Programmes that can reach families of a dataset of ``region_code``: those of the
    region, of regions above it and of regions below it."""
    return Programme.objects.filter(overlap_q(region_code, "region__code"))


def group_programmes(user, group: Group) -> list[Programme]:
    """Group-unit programmes that can reach the group's desa and that the user manages."""
    programmes = (
        access.visible(user, programmes_for(group.region_code).filter(target_unit="group"),
                       feature="programmes_manage", region_field="region__code")
        .select_related("organisation")
        .order_by("code")
    )
    out = []
    for programme in programmes:
        orgs = access.programme_organisations(user, programme.region_id)
        if orgs is None or programme.organisation_id in orgs:
            out.append(programme)
    return out


def family_groups(family_id: int, *, redaction: access.Redaction) -> list[GroupMember]:
    """The family's members' memberships of groups, current ones first, with their years
    (for the family profile). Where ``redaction`` hides personal data, ``member_name`` is
    ``None`` and ``group_url`` empty (the group's page lists its members)."""
    rows = list(
        GroupMember.objects.filter(person__family_id=family_id)
        .select_related("group", "person")
        .order_by(F("left_year").desc(nulls_first=True), "group__name", "pk")
    )
    for row in rows:
        row.member_name = redaction.hide(row.person.name, None)
        row.group_url = redaction.hide(reverse("programs:group", args=[row.group_id]))
    return rows


# --- One programme's interventions -----------------------------------------------------------

INTERVENTION_PAGE = 200


def intervention_scope_q(user, *, feature: str = "register") -> Q:
    """Interventions to a family (or, for a whole group, a group) of a region in the user's
    ``feature`` scope (``Q()`` for the whole country: no join to the groups)."""
    if access.is_country_wide(user, feature=feature):
        return Q()
    return access.region_q(user, "family__region_code", feature=feature) | (
        Q(family__isnull=True) & access.region_q(user, "group__region_code", feature=feature))


def intervention_family_scope_q(user) -> Q:
    """Interventions (by ``family__region_code``) to families in the user's register scope:
    what a status file may change."""
    return access.region_q(user, "family__region_code", feature="register")


def programme_intervention_rows(user, programme: Programme, *, status: str = "",
                                year: int | None = None, q: str = ""):
    """The programme's interventions to families in the user's register scope, newest
    first, filtered by ``status``, ``year`` and a NIK/No KK/name search (``q``); each row
    has masked names and NIKs where the user may not see personal data there
    (``access.redaction``). Returns ``(rows of the page, total, counts per
    status)``."""
    base = Intervention.objects.filter(programme=programme).filter(intervention_scope_q(user))
    if year:
        base = base.filter(year=year)
    counts = dict(base.order_by().values_list("status").annotate(n=Count("id")))
    rows = base.filter(status=status) if status else base
    q = q.strip()
    if q:
        personal = access.redaction(user, programme.region_id).visible
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
        family, person, group = row.family, row.person, row.group  # preloaded, or None
        region = family.region_code if family is not None else (
            group.region_code if group is not None else programme.region_id)
        redaction = access.redaction(user, region)
        row.personal = redaction.visible
        if family is not None:
            head, nik, kk = family.head_name, family.head_nik, family.kk_number
            if person is not None:
                head, nik = person.name, person.nik
            row.who, row.who_nik, row.who_kk = (redaction.name(head), redaction.nik(nik),
                                                redaction.no_kk(kk))
        else:
            row.who, row.who_nik, row.who_kk = group.name if group is not None else "", "", ""
    return page, total, counts


def intervention_beneficiary(user, intervention: Intervention) -> tuple[str, str]:
    """Who an intervention to a family helped, as the edit page shows it: the member's name
    and NIK, or the head's name and No KK; masked (name and NIK of the member or head) where
    the user may not see personal data in the family's desa."""
    if not intervention.family_id:
        return "", ""
    family, person = intervention.family, intervention.person
    assert family is not None  # family_id is set
    redaction = access.redaction(user, family.region_code)
    if redaction.visible:
        if person is not None:
            return person.name, person.nik
        return family.head_name, family.kk_number
    if person is not None:
        return redaction.name(person.name), redaction.nik(person.nik)
    return redaction.name(family.head_name), redaction.nik(family.head_nik)


def intervention_uploads(programme: Programme, limit: int = 20):
    from konvergen.programs.models import InterventionUpload

    return list(InterventionUpload.objects.filter(programme=programme)
                .select_related("created_by")[:limit])


def programme_for(user, programme_id, *, manage: bool = False):
    """A programme of a region in the user's scope (any role may read the catalogue); with
    ``manage`` only the secretariat of its region or an officer of its organisation
    (``access.programme_visible``). Http404 otherwise."""
    from django.http import Http404

    programme = access.get_visible(
        Programme.objects.select_related("organisation", "region"), None, programme_id)
    if not access.programme_visible(user, programme, manage=manage):
        raise Http404(access.NOT_FOUND)
    return programme


def group_for(user, group_id, *, manage: bool = False):
    """A group the user may see (``access.groups_q``), or change with ``manage``. Http404
    otherwise, the same as for a group that does not exist."""
    return access.get_visible(Group.objects.select_related("organisation"),
                              access.groups_q(user, manage=manage), group_id)


def organisation_needs(organisation_ids) -> list[str]:
    """The needs the organisations' programmes address, each once, in programme order."""
    needs: list[str] = []
    for programme_needs in Programme.objects.filter(
            organisation_id__in=organisation_ids).values_list("needs", flat=True):
        needs.extend(n for n in programme_needs if n not in needs)
    return needs


def programmes_by_ids(ids):
    """The programmes of ``ids`` (a queryset: a form's choices)."""
    return Programme.objects.filter(pk__in=list(ids))


# --- reads of the group and intervention pages -----------------------------------------------

def groups_total(groups) -> int:
    """How many groups a list of groups holds (before it is cut for the page)."""
    return groups.count()


def member_candidate(user, *, person_id=None, nik: str = "") -> Person | None:
    """The current register person the user may add to a group: by id, or by NIK when
    exactly one person has it; ``None`` otherwise."""
    persons = access.visible(user, Person.objects.filter(is_current=True),
                             feature="groups_manage", region_field="region_code")
    if person_id:
        return persons.filter(pk=person_id).first()
    if nik:
        found = list(persons.filter(nik=nik.strip())[:2])
        return found[0] if len(found) == 1 else None
    return None


def group_membership(group: Group, member_id: int) -> GroupMember | None:
    """One membership of the group with its person, or ``None``."""
    return GroupMember.objects.filter(group=group, pk=member_id).select_related(
        "person", "group").first()


def managed_intervention(user, programme: Programme, intervention_id: int) -> Intervention | None:
    """One of the programme's interventions to a family or group in the user's scope, or
    ``None``."""
    return (
        Intervention.objects.filter(programme=programme, pk=intervention_id)
        .filter(intervention_scope_q(user))
        .select_related("family", "person", "group", "programme").first()
    )


def persons_with_nik(user, nik: str) -> list[Person]:
    """Up to two current register persons with the NIK in the user's register scope."""
    return list(access.visible(user, Person.objects.filter(nik=nik, is_current=True),
                               feature="register", region_field="region_code")
                .select_related("family")[:2])


def families_with_kk(user, kk_number: str) -> list[Family]:
    """Up to two current register families with the No KK in the user's register scope."""
    return list(access.visible(user, Family.objects.filter(kk_number=kk_number,
                                                           is_current=True),
                               feature="register", region_field="region_code")[:2])


def intervention_upload(programme: Programme, upload_id: int):
    """One of the programme's intervention uploads, or ``None``."""
    from konvergen.programs.models import InterventionUpload

    return InterventionUpload.objects.filter(programme=programme, pk=upload_id).first()
