"""Recording many interventions of one programme at once (the REST API's bulk create).

The rules are :func:`services.intervention_record`'s — a new intervention is planned,
delivered or completed; its family lives in the programme's region; its year lies in the
programme's period; the date of its status is not in the future; its person belongs to
its family — checked for every row before anything is written. Either every row is valid
and all are stored with one INSERT, one audit row and one convergence refresh, or none is
and each refused row is named with its field and the reason in Indonesian and English.
"""

from dataclasses import dataclass
from datetime import date as Date
from decimal import Decimal

from django.db import transaction
from django.utils import timezone, translation

from konvergen.audit.services import audit_record
from konvergen.programs import hooks
from konvergen.programs.models import STATUS_DATE_FIELD, Intervention, Programme
from konvergen.programs.services import (
    ERR_FAMILY_REGION,
    ERR_FUTURE,
    ERR_INITIAL,
    ERR_PERSON_FAMILY,
    INITIAL_STATUSES,
    outside_period_message,
)
from konvergen.regions.codes import covers
from konvergen.registry.models import Family, Person

#: The most rows one call may record (one request, one transaction).
MAX_ROWS = 1000


@dataclass
class NewIntervention:
    """One row to record: ``family`` (and optionally ``person``) already resolved by the
    caller, who has checked the acting user may see them."""

    row: int
    family: Family
    year: int
    status: str = Intervention.Status.PLANNED
    date: Date | None = None
    person: Person | None = None
    item: str = ""
    units: float | None = None
    value: Decimal | int = 0
    note: str = ""


@dataclass
class RowError:
    row: int
    field: str
    code: str
    message_id: str
    message_en: str

    def as_dict(self) -> dict:
        return {"row": self.row, "field": self.field, "code": self.code,
                "message_id": self.message_id, "message_en": self.message_en}


def _error(row: int, field_name: str, code: str, render) -> RowError:
    texts = []
    for language in ("id", "en"):
        with translation.override(language):
            texts.append(str(render()))
    return RowError(row, field_name, code, texts[0], texts[1])


class RowsRefused(Exception):
    """Some rows break a rule: nothing was written."""

    def __init__(self, errors: list[RowError]):
        super().__init__(f"{len(errors)} rows refused")
        self.errors = errors


def check_rows(*, programme: Programme, rows: list[NewIntervention]) -> list[RowError]:
    """Every rule :func:`services.intervention_record` applies, for every row (no query)."""
    errors = []
    code = programme.region_id
    today = timezone.localdate()
    for r in rows:
        if r.status not in INITIAL_STATUSES:
            errors.append(_error(r.row, "status", "bad_status", lambda: ERR_INITIAL))
        region = r.family.region_code
        if not covers(code, region):
            errors.append(_error(r.row, "family", "family_region", lambda: ERR_FAMILY_REGION))
        if not programme.year_start <= r.year <= programme.year_end:
            errors.append(_error(r.row, "year", "outside_period",
                                 lambda y=r.year: outside_period_message(programme, y)))
        if r.date is not None and r.date > today:
            errors.append(_error(r.row, "date", "future_date",
                                 lambda d=r.date: ERR_FUTURE % {"date": d.isoformat()}))
        if r.person is not None and r.person.family_id != r.family.pk:
            errors.append(_error(r.row, "person", "person_family", lambda: ERR_PERSON_FAMILY))
    return errors


def interventions_record_bulk(
    *, programme: Programme, rows: list[NewIntervention], acting_user, via: str = "api"
) -> list[Intervention]:
    """Record ``rows`` as interventions of ``programme``, all or none: returns the new
    interventions in row order, or raises :class:`RowsRefused` with every refused row's
    errors (nothing written). The caller
    has checked the user may manage the programme (``selectors.programme_for(manage=True)``).
    One audit row names the programme, the count and the years; ``via`` says through what
    (``api``)."""
    if len(rows) > MAX_ROWS:
        raise ValueError(f"at most {MAX_ROWS} rows per call")
    errors = check_rows(programme=programme, rows=rows)
    if errors:
        raise RowsRefused(errors)
    today = timezone.localdate()
    creator = acting_user if getattr(acting_user, "pk", None) else None
    objects = []
    for r in rows:
        dates = {}
        if r.status in STATUS_DATE_FIELD:
            dates[STATUS_DATE_FIELD[r.status]] = r.date or today
        objects.append(Intervention(
            programme=programme, family=r.family, person=r.person, year=r.year,
            status=r.status, value=Decimal(int(r.value or 0)), units=r.units, item=r.item,
            note=r.note, origin=Intervention.Origin.MANUAL, created_by=creator, **dates,
        ))
    with transaction.atomic():
        created = Intervention.objects.bulk_create(objects)
        statuses: dict[str, int] = {}
        for obj in created:
            statuses[obj.status] = statuses.get(obj.status, 0) + 1
        audit_record(
            actor=acting_user,
            action="programs.interventions_record_bulk",
            obj=programme,
            region_code=programme.region_id,
            changes={"via": via, "created": len(created), "statuses": statuses,
                     "years": sorted({r.year for r in rows}),
                     "value": int(sum(int(r.value or 0) for r in rows)),
                     "ids": [created[0].pk, created[-1].pk] if created else []},
        )
    if created:
        hooks.changed(region_code=programme.region_id)
    return created
