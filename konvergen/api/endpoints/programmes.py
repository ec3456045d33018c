"""Programmes and their interventions: read, and record in bulk."""

from datetime import datetime

from django.db import IntegrityError, transaction
from ninja import Header, Query, Router, Status

from konvergen.api import messages, selectors, services
from konvergen.api.auth import ApiError, Token
from konvergen.api.endpoints import ERRORS, aware, one, page, parse_cursor
from konvergen.api.schemas import (
    InterventionPage,
    InterventionsCreatedOut,
    InterventionsIn,
    ProgrammeOut,
    ProgrammePage,
    RowsRefusedOut,
)
from konvergen.programs import bulk
from konvergen.programs import selectors as program_selectors
from konvergen.programs.models import Intervention
from konvergen.registry.models import Family, Person

router = Router(tags=["programmes"])
LIMIT = Query(selectors.DEFAULT_LIMIT, ge=1, le=selectors.MAX_LIMIT)


@router.get("/programmes", response={200: ProgrammePage, **ERRORS}, url_name="programmes",
            auth=Token("programmes:read"))
def programmes(request, year: int | None = None, limit: int = LIMIT,
               cursor: str | None = None):
    """Programmes of the regions in, above and below the client's reach (the catalogue);
    `year`: only those running that year."""
    client = request.auth
    qs = selectors.programmes(client.user, year=year)
    rows, after = selectors.keyset_page(qs, after=parse_cursor(cursor), limit=limit)
    return page(request, [selectors.programme_out(p) for p in rows], after)


@router.get("/programmes/{int:programme_id}", response={200: ProgrammeOut, **ERRORS},
            url_name="programme", auth=Token("programmes:read"))
def programme(request, programme_id: int):
    found = program_selectors.programme_for(request.auth.user, programme_id)
    return one(request, selectors.programme_out(found), region=found.region_id)


@router.get("/programmes/{int:programme_id}/interventions",
            response={200: InterventionPage, **ERRORS}, url_name="programme-interventions",
            auth=Token("programmes:read"))
def interventions(request, programme_id: int, year: int | None = None,
                  status: Intervention.Status | None = None,
                  updated_since: datetime | None = None, limit: int = LIMIT,
                  cursor: str | None = None):
    """The programme's interventions to families (or groups) in the client's reach, by id;
    `updated_since`: recorded or changed since then."""
    user = request.auth.user
    found = program_selectors.programme_for(user, programme_id)
    qs = selectors.interventions(user, found, year=year, status=status,
                                 updated_since=aware(updated_since))
    rows, after = selectors.keyset_page(qs, after=parse_cursor(cursor), limit=limit)
    return page(request, [selectors.intervention_out(i) for i in rows], after,
                region=found.region_id)


def _row_error(row: int, field: str, message: messages.Message, value) -> dict:
    return {"row": row, "field": field, **message.body(value=value)}


def _resolve(user, rows) -> tuple[list[bulk.NewIntervention], list[dict]]:
    """The register family (and person) of every row, set-wise: one query per way of
    naming them, inside the user's register scope (others are "not found")."""
    ids = {r.family_id for r in rows if r.family_id is not None}
    kks = {r.kk_number for r in rows if r.family_id is None and r.kk_number}
    niks = {r.nik for r in rows if r.nik}
    by_id, by_kk, by_nik = selectors.families_and_persons(user, ids=ids, kks=kks, niks=niks)
    resolved, errors = [], []
    for number, r in enumerate(rows, start=1):
        family: Family | None = None
        person: Person | None = None
        if r.nik:
            people = by_nik.get(r.nik, [])
            if len(people) > 1:
                errors.append(_row_error(number, "nik", messages.ROW_AMBIGUOUS, r.nik))
                continue
            if not people:
                errors.append(_row_error(number, "nik", messages.ROW_PERSON_NOT_FOUND, r.nik))
                continue
            person = people[0]
            family = person.family
        if r.family_id is not None:
            family = by_id.get(r.family_id)
            if family is None:
                errors.append(_row_error(number, "family_id", messages.ROW_FAMILY_NOT_FOUND,
                                         r.family_id))
                continue
        elif r.kk_number and family is None:
            found = by_kk.get(r.kk_number, [])
            if len(found) != 1:
                message = messages.ROW_AMBIGUOUS if found else messages.ROW_FAMILY_NOT_FOUND
                errors.append(_row_error(number, "kk_number", message, r.kk_number))
                continue
            family = found[0]
        if family is None:
            errors.append(_row_error(number, "family_id", messages.ROW_NO_FAMILY, ""))
            continue
        resolved.append(bulk.NewIntervention(
            row=number, family=family, person=person, year=r.year, status=r.status,
            date=r.date, item=r.item, units=r.units, value=r.value, note=r.note))
    return resolved, errors


def _refused(errors: list[dict]):
    errors = sorted(errors, key=lambda e: (e["row"], e["field"]))
    return Status(422, {**messages.ROWS_REFUSED.body(n=len({e["row"] for e in errors})),
                        "errors": errors})


@router.post("/programmes/{int:programme_id}/interventions",
             response={201: InterventionsCreatedOut, 422: RowsRefusedOut,
                       **{k: v for k, v in ERRORS.items() if k != 422}},
             url_name="programme-interventions-create", auth=Token("interventions:write"))
def interventions_create(request, programme_id: int, payload: InterventionsIn,
                         idempotency_key: str | None = Header(None, alias="Idempotency-Key")):
    """Record up to 1,000 interventions of the programme, all or none. Each row names its
    family (`family_id`, `kk_number` or a member's `nik`), the year, the status (planned,
    delivered or completed) and its date. A refused row is named with its field and the
    reason in Indonesian and English, and nothing is saved. With an `Idempotency-Key`, a
    retry of a call that succeeded gets the same answer without recording again."""
    client = request.auth
    found = program_selectors.programme_for(client.user, programme_id, manage=True)
    request.api_region = found.region_id
    signature = f"POST {request.path}"
    if idempotency_key:
        kept = services.idempotent_result(client=client, key=idempotency_key)
        if kept is not None:
            if kept.request != signature:
                raise ApiError(422, messages.IDEMPOTENCY_REUSED)
            request.api_count = 0
            return Status(kept.status, kept.body)
    resolved, errors = _resolve(client.user, payload.rows)
    errors += [e.as_dict() for e in bulk.check_rows(programme=found, rows=resolved)]
    if errors:
        request.api_count = 0
        return _refused(errors)
    try:
        with transaction.atomic():
            created = bulk.interventions_record_bulk(programme=found, rows=resolved,
                                                     acting_user=client.user)
            body = {"created": len(created), "ids": [i.pk for i in created]}
            if idempotency_key:
                services.idempotent_keep(client=client, key=idempotency_key,
                                         request=signature, status=201, body=body)
    except bulk.RowsRefused as exc:  # checked above: only if the data changed meanwhile
        request.api_count = 0
        return _refused([e.as_dict() for e in exc.errors])
    except IntegrityError:
        # The same key sent twice at once: the other call recorded the rows.
        kept = services.idempotent_result(client=client, key=idempotency_key or "")
        if kept is None:
            raise
        request.api_count = 0
        return Status(kept.status, kept.body)
    request.api_count = len(created)
    return Status(201, body)
