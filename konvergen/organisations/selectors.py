"""Reads of the stakeholder directory. ``organisations`` is below ``accounts``: the user's
part (which rows they may see, which regions they keep) is passed in by
``accounts.selectors``, which asks the access policy."""

from collections.abc import Callable

from django.db.models import Count, Q, QuerySet

from konvergen.organisations.models import Organisation, OrganisationKind, Pentahelix
from konvergen.regions.models import Level, Region


def directory(visible: Q, may_manage: Callable[[str], bool], *, kind: str = "",
              pentahelix: str = "") -> list[Organisation]:
    """The organisations of ``visible`` (the user's part of the directory) with their
    programme counts, by kind and pentahelix category when given; each with ``editable``:
    ``may_manage(region code)`` of its region."""
    rows = (Organisation.objects.filter(visible)
            .select_related("region").annotate(programme_count=Count("programmes", distinct=True))
            .order_by("region_id", "kind", "name"))
    if kind in OrganisationKind.values:
        rows = rows.filter(kind=kind)
    if pentahelix in Pentahelix.values:
        rows = rows.filter(pentahelix=pentahelix)
    out: list[Organisation] = list(rows)
    for org in out:
        org.editable = may_manage(org.region_id)
    return out


def directory_regions() -> QuerySet[Region]:
    """The active provinces and kab/kota (a directory is kept for each), by code."""
    return Region.objects.filter(level__lte=Level.KABKOTA, is_active=True).order_by("code")
