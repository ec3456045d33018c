"""Families and persons of the target register."""

from datetime import datetime

from ninja import Query, Router

from konvergen.accounts import access
from konvergen.api import selectors
from konvergen.api.auth import Token
from konvergen.api.endpoints import ERRORS, aware, one, page, parse_cursor
from konvergen.api.schemas import FamilyOut, FamilyPage, PersonPage
from konvergen.registry import selectors as registry_selectors

router = Router(tags=["register"])
LIMIT = Query(selectors.DEFAULT_LIMIT, ge=1, le=selectors.MAX_LIMIT)


def _region(user, region: str | None) -> str | None:
    if region:
        access.access_region(user, region, feature="register")
    return region


@router.get("/families", response={200: FamilyPage, **ERRORS}, url_name="families",
            auth=Token("families:read"))
def families(request, region: str | None = None, updated_since: datetime | None = None,
             include_gone: bool = False, limit: int = LIMIT, cursor: str | None = None):
    """Families in the client's reach, by id. `region`: a region code (and below it).
    `updated_since`: only families whose current record came from a snapshot imported
    since then (delta sync); with `include_gone`, also families that left the register of
    a region that had a snapshot since then. Names, NIK, No KK and address are masked
    unless the client holds `persons:pii` and its user may see personal data there."""
    client = request.auth
    qs = selectors.families(client.user, region=_region(client.user, region),
                            updated_since=aware(updated_since), include_gone=include_gone)
    rows, after = selectors.keyset_page(qs, after=parse_cursor(cursor), limit=limit)
    snapshots = selectors.snapshots_of(rows)
    return page(request, [selectors.family_out(client, f, snapshots) for f in rows], after,
                region=region or "")


@router.get("/families/{int:family_id}", response={200: FamilyOut, **ERRORS},
            url_name="family", auth=Token("families:read"))
def family(request, family_id: int):
    client = request.auth
    found = registry_selectors.family_for(client.user, family_id)
    return one(request, selectors.family_out(client, found, selectors.snapshots_of([found])),
               region=found.region_code)


@router.get("/families/{int:family_id}/persons", response={200: PersonPage, **ERRORS},
            url_name="family-persons", auth=Token("persons:read"))
def family_persons(request, family_id: int, include_gone: bool = False, limit: int = LIMIT,
                   cursor: str | None = None):
    """The members of a family (masked as for `/families`)."""
    client = request.auth
    found = registry_selectors.family_for(client.user, family_id)
    qs = selectors.persons(client.user, region=None, updated_since=None,
                           include_gone=include_gone, family=found)
    rows, after = selectors.keyset_page(qs, after=parse_cursor(cursor), limit=limit)
    return page(request, [selectors.person_out(client, p) for p in rows], after,
                region=found.region_code)


@router.get("/persons", response={200: PersonPage, **ERRORS}, url_name="persons",
            auth=Token("persons:read"))
def persons(request, region: str | None = None, updated_since: datetime | None = None,
            include_gone: bool = False, limit: int = LIMIT, cursor: str | None = None):
    """Persons in the client's reach, by id, with the same filters as `/families`."""
    client = request.auth
    qs = selectors.persons(client.user, region=_region(client.user, region),
                           updated_since=aware(updated_since), include_gone=include_gone)
    rows, after = selectors.keyset_page(qs, after=parse_cursor(cursor), limit=limit)
    return page(request, [selectors.person_out(client, p) for p in rows], after,
                region=region or "")
