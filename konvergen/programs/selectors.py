"""Reads of the programmes app."""

from django.db.models import Count, Q, Sum

from konvergen.accounts import access
from konvergen.linkage.models import BeneficiaryList
from konvergen.organisations.models import Organisation
from konvergen.programs.models import Intervention, Programme


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
    return list(
        Intervention.objects.filter(programme=programme)
        .values("year", "status")
        .annotate(n=Count("id"), families=Count("family_id", distinct=True), value=Sum("value"))
        .order_by("-year", "status")
    )


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


def family_interventions(family_id: int) -> list[Intervention]:
    """The family's interventions (and its members'), newest period first."""
    return list(
        Intervention.objects.filter(family_id=family_id)
        .select_related("programme", "programme__organisation", "person", "group")
        .order_by("-year", "programme__code")[:200]
    )
