"""What the API reads and answers (pydantic, through Django Ninja): the OpenAPI schema is
built from these."""

import datetime as dt
from decimal import Decimal

from ninja import Field, Schema


class ErrorOut(Schema):
    code: str
    message_id: str = Field(description="The message in Indonesian.")
    message_en: str = Field(description="The message in English.")


class RowErrorOut(Schema):
    row: int = Field(description="1-based position of the row in the request's rows.")
    field: str
    code: str
    message_id: str
    message_en: str


class RowsRefusedOut(ErrorOut):
    errors: list[RowErrorOut]


class Page(Schema):
    count: int = Field(description="Items on this page (no total: counting a million rows "
                                   "on every page would cost more than reading the page).")
    next_cursor: str | None = Field(description="Pass as ``cursor`` for the next page; "
                                                "null on the last page.")
    next: str | None = Field(description="The URL of the next page.")


class FamilyOut(Schema):
    id: int
    source: str
    source_id: str
    region_code: str
    kk_number: str
    head_name: str
    head_nik: str
    address: str
    desil: int | None
    is_current: bool
    snapshot_id: int = Field(description="The snapshot whose record gives the values.")
    snapshot_date: dt.date | None
    updated_at: dt.datetime | None = Field(description="When that snapshot was imported.")
    personal_data: bool = Field(description="False: names and numbers are masked.")


class FamilyPage(Page):
    results: list[FamilyOut]


class PersonOut(Schema):
    id: int
    family_id: int
    source_id: str
    region_code: str
    nik: str
    name: str
    sex: str
    birth_year: int | None
    birth_date: dt.date | None = Field(description="Null when masked.")
    relation: str
    is_current: bool
    personal_data: bool


class PersonPage(Page):
    results: list[PersonOut]


class ProgrammeOut(Schema):
    id: int
    code: str
    name: str
    organisation_id: int
    organisation: str
    region_code: str
    strategy: str
    stage: str
    sector: str
    needs: list[str]
    target_unit: str
    desil_min: int | None
    desil_max: int | None
    funding_source: str
    budget: Decimal
    year_start: int
    year_end: int
    is_national: bool


class ProgrammePage(Page):
    results: list[ProgrammeOut]


class InterventionOut(Schema):
    id: int
    programme_id: int
    family_id: int | None
    person_id: int | None
    group_id: int | None
    year: int
    status: str
    value: Decimal
    units: float | None
    item: str
    origin: str
    planned_on: dt.date | None
    delivered_on: dt.date | None
    completed_on: dt.date | None
    cancelled_on: dt.date | None
    created_at: dt.datetime
    updated_at: dt.datetime | None


class InterventionPage(Page):
    results: list[InterventionOut]


class InterventionIn(Schema):
    """One intervention to record. Name the family by ``family_id`` (the register id), by
    ``kk_number``, or by a member's ``nik`` (then that member is the person helped)."""

    family_id: int | None = None
    kk_number: str | None = Field(None, max_length=16)
    nik: str | None = Field(None, max_length=16)
    year: int
    status: str = Field("planned", description="planned, delivered or completed")
    date: dt.date | None = Field(None, description="Date of the status; default today.")
    item: str = Field("", max_length=200)
    units: float | None = None
    value: int = Field(0, ge=0)
    note: str = Field("", max_length=2000)


class InterventionsIn(Schema):
    rows: list[InterventionIn] = Field(min_length=1, max_length=1000)


class InterventionsCreatedOut(Schema):
    created: int
    ids: list[int] = Field(description="The new interventions' ids, in row order.")


class ListOut(Schema):
    id: int
    name: str
    unit: str
    region_code: str
    organisation_id: int | None
    status: str = Field(description="queued, running, done or failed")
    error: str
    rows: int | None
    matched: int | None
    review: int | None
    unmatched: int | None
    created_at: dt.datetime


class ListPage(Page):
    results: list[ListOut]


class ListRowOut(Schema):
    row_number: int
    status: str = Field(description="matched, review or unmatched")
    match_probability: float | None
    person_id: int | None
    family_id: int | None


class ListRowPage(Page):
    results: list[ListRowOut]


class ConvergenceOut(Schema):
    region_code: str
    year: int
    computed_at: dt.datetime | None
    suppressed_below: int = Field(description="Counts of 1 to this-1 families are null "
                                              "for clients without personal-data rights.")
    total: dict
    children: list[dict]
    needs: list[dict]
    programmes: list[dict]
    budget: list[dict]


class YearRowOut(Schema):
    year: int
    realised: float | None
    period: str
    source: str
    target: float | None
    baseline: float | None
    trajectory: float | None
    achievement: float | None
    on_track: float | None
    status: str | None
    province: float | None
    national: float | None


class IndicatorOut(Schema):
    code: str
    name_id: str
    name_en: str
    unit: str
    polarity: str
    latest_year: int | None
    value: YearRowOut | None


class IndicatorSeriesOut(Schema):
    code: str
    name_id: str
    name_en: str
    unit: str
    polarity: str
    region_code: str
    years: list[YearRowOut]
