"""Reads of the meetings pages and of the LP2KD: the meetings a user may see, a region's
meetings of a year, and the regions a user keeps or reads meetings of."""

from __future__ import annotations

from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404

from konvergen.accounts import access
from konvergen.meetings.models import Meeting
from konvergen.organisations.models import Organisation
from konvergen.regions.models import Level, Region

#: The regions whose TKPK holds meetings.
TKPK_LEVELS = (Level.PROVINCE, Level.KABKOTA)


def meetings_q(user, *, feature: str = "meetings") -> Q:
    """Meetings of the regions inside the user's ``feature`` scope."""
    return access.region_q(user, "region__code", feature=feature)


def _with_related(qs: QuerySet) -> QuerySet:
    return qs.select_related("region", "created_by", "updated_by").prefetch_related(
        Prefetch("organisations", Organisation.objects.order_by("name")))


def access_meeting(user, meeting_id: int, *, manage: bool = False) -> Meeting:
    """A meeting the user may read (or, with ``manage``, change). Http404 otherwise, the same
    as for a meeting that does not exist."""
    feature = "meetings_manage" if manage else "meetings"
    try:
        return _with_related(Meeting.objects.filter(meetings_q(user, feature=feature))).get(
            pk=meeting_id)
    except (Meeting.DoesNotExist, ValueError, TypeError):
        raise Http404(access.NOT_FOUND) from None


def meetings_for(user, region: Region, year: int) -> QuerySet:
    """The meetings of ``region`` held in ``year`` that the user may read, oldest first."""
    return _with_related(Meeting.objects.filter(meetings_q(user), region=region,
                                                held_on__year=year)).order_by("held_on", "id")


def meetings_of_year(region: Region, year: int) -> list[Meeting]:
    """Every meeting of ``region`` held in ``year`` (for the region's own LP2KD), oldest
    first, with the organisations present."""
    return list(Meeting.objects.filter(region=region, held_on__year=year).prefetch_related(
        "organisations").order_by("held_on", "id"))


def years_of(region: Region) -> list[int]:
    """The years in which ``region`` has meetings recorded, newest first."""
    return sorted({d.year for d in Meeting.objects.filter(region=region).dates(
        "held_on", "year")}, reverse=True)


def index_regions(user, year: int) -> list[tuple[Region, int]]:
    """The provinces and kab/kota of the user's ``meetings`` scope (with the whole country:
    those that have meetings) with the number of meetings held in ``year``."""
    if not access.has_feature(user, "meetings"):
        return []
    regions = Region.objects.filter(level__in=TKPK_LEVELS, is_active=True)
    if access.is_country_wide(user, feature="meetings"):
        regions = regions.filter(code__in=Meeting.objects.values("region_id"))
    else:
        regions = access.visible(user, regions, feature="meetings")
    counts = dict(Meeting.objects.filter(region__in=regions, held_on__year=year).values(
        "region_id").annotate(n=Count("id")).values_list("region_id", "n"))
    return [(r, counts.get(r.code, 0)) for r in regions.order_by("code")]


def may_manage(user, region: Region) -> bool:
    """Does the user keep the meetings of ``region`` (the secretariat, administrators)?"""
    return access.in_scope(user, region.code, feature="meetings_manage")


def organisation_choices(region: Region, meeting: Meeting | None = None) -> QuerySet:
    """The organisations that may be marked present: the active ones of the region, and
    those already marked on ``meeting``."""
    q = Q(is_active=True)
    if meeting is not None:
        q |= Q(pk__in=meeting.organisations.values("pk"))
    return Organisation.objects.filter(q, region=region).order_by("name")
