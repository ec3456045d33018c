"""Writes of the meetings app: record a TKPK meeting, change it, delete it. Each runs in one
transaction with its audit row and asks ``accounts.access`` whether the acting user keeps the
meetings of the meeting's region (``meetings_manage``: the secretariat, administrators).

A refused write raises :class:`MeetingError` whose ``code`` names the field at fault (see
``FIELD_OF``), so a form can show the message beside that field.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from konvergen.accounts import access
from konvergen.audit.services import audit_record
from konvergen.meetings.models import Kind, Meeting
from konvergen.organisations.models import Organisation
from konvergen.regions.models import Level

NOT_YOURS = _("You may not record meetings of this region.")
NOT_A_TKPK_REGION = _("Meetings are recorded for a province or a kabupaten/kota.")
TITLE_REQUIRED = _("Title: give the meeting a title.")
BAD_KIND = _("Kind of meeting: choose one of the kinds listed.")
DATE_REQUIRED = _("Date held: enter the date of the meeting.")
FUTURE_DATE = _("Date held: the meeting is on %(date)s, after today; record a meeting once "
                "it has been held.")
OLD_DATE = _("Date held: choose a date from the year 2000 on.")
BAD_ATTENDEES = _("Number of attendees: enter a whole number of at least 1.")
FOREIGN_ORGANISATION = _("Organisations present: choose organisations of %(region)s.")

#: The editable fields (the organisations and the minutes are set separately).
FIELDS = ("held_on", "kind", "title", "agenda", "decisions", "attendees", "chaired_by")
#: error code -> the form field it belongs to.
FIELD_OF = {"title": "title", "kind": "kind", "held_on": "held_on", "attendees": "attendees",
            "organisations": "organisations"}
FIRST_DATE = dt.date(2000, 1, 1)
MAX_ATTENDEES = 100_000


class MeetingError(ValidationError):
    """A refused write; its message is translated when shown."""


def _require(user, region) -> None:
    if not access.in_scope(user, region.code, feature="meetings_manage"):
        raise MeetingError(NOT_YOURS, code="not_yours")


def _user(user):
    return user if getattr(user, "is_authenticated", False) else None


def _clean(data: dict, *, today: dt.date | None = None) -> dict:
    """The editable fields checked and trimmed; the first fault raises ``MeetingError``."""
    clean: dict[str, Any] = {name: data.get(name) for name in FIELDS}
    for name in ("title", "agenda", "decisions", "chaired_by"):
        clean[name] = str(clean[name] or "").strip()
    clean["title"] = clean["title"][:200]
    clean["chaired_by"] = clean["chaired_by"][:200]
    if not clean["title"]:
        raise MeetingError(TITLE_REQUIRED, code="title")
    if clean["kind"] not in Kind.values:
        raise MeetingError(BAD_KIND, code="kind")
    held_on = clean["held_on"]
    if not isinstance(held_on, dt.date):
        raise MeetingError(DATE_REQUIRED, code="held_on")
    if held_on < FIRST_DATE:
        raise MeetingError(OLD_DATE, code="held_on")
    if held_on > (today or timezone.localdate()):
        raise MeetingError(FUTURE_DATE, code="held_on",
                           params={"date": held_on.strftime("%d-%m-%Y")})
    attendees = clean["attendees"]
    if isinstance(attendees, bool) or not isinstance(attendees, int) or not (
            1 <= attendees <= MAX_ATTENDEES):
        raise MeetingError(BAD_ATTENDEES, code="attendees")
    return clean


def _organisations(region, organisations: Iterable[Organisation] | None) -> list[Organisation]:
    """The organisations present: only those of the meeting's region (its directory)."""
    chosen = list(organisations or [])
    if any(o.region_id != region.code for o in chosen):
        raise MeetingError(FOREIGN_ORGANISATION, code="organisations",
                           params={"region": region.name})
    return sorted({o.pk: o for o in chosen}.values(), key=lambda o: o.pk)


def _state(meeting: Meeting, organisations: list[Organisation]) -> dict:
    state = {name: _json(getattr(meeting, name)) for name in FIELDS}
    state["organisations"] = [o.pk for o in organisations]
    state["minutes"] = meeting.minutes_name
    return state


def meeting_create(*, region, data: dict, organisations: Iterable[Organisation] | None = None,
                   minutes_path: Path | str | None = None, acting_user) -> Meeting:
    """Record a meeting of the TKPK of ``region`` (a province or a kab/kota) with its
    ``data`` (``FIELDS``), the organisations present and the stored minutes, if any."""
    if region.level not in (Level.PROVINCE, Level.KABKOTA):
        raise MeetingError(NOT_A_TKPK_REGION, code="region")
    _require(acting_user, region)
    clean = _clean(data)
    present = _organisations(region, organisations)
    with transaction.atomic():
        meeting = Meeting(region=region, created_by=_user(acting_user),
                          updated_by=_user(acting_user), **clean)
        if minutes_path:
            meeting.minutes_file, meeting.minutes_name = str(minutes_path), Path(
                minutes_path).name
        meeting.save()
        meeting.organisations.set(present)
        audit_record(actor=acting_user, action="meetings.create", obj=meeting,
                     region_code=region.code, changes=_state(meeting, present))
    return meeting


def meeting_update(*, meeting: Meeting, data: dict,
                   organisations: Iterable[Organisation] | None = None,
                   minutes_path: Path | str | None = None, remove_minutes: bool = False,
                   acting_user) -> Meeting:
    """Change a meeting's fields and the organisations present; new minutes replace the
    old ones (whose file is kept), ``remove_minutes`` drops them. Audited with what
    changed; nothing is written when nothing changed."""
    _require(acting_user, meeting.region)
    clean = _clean(data)
    present = _organisations(meeting.region, organisations)
    with transaction.atomic():
        meeting = Meeting.objects.select_for_update().select_related("region").get(
            pk=meeting.pk)
        changes: dict = {}
        for name, value in clean.items():
            if getattr(meeting, name) != value:
                changes[name] = [_json(getattr(meeting, name)), _json(value)]
                setattr(meeting, name, value)
        before = sorted(meeting.organisations.values_list("pk", flat=True))
        after = [o.pk for o in present]
        if before != after:
            changes["organisations"] = {"added": sorted(set(after) - set(before)),
                                        "removed": sorted(set(before) - set(after))}
        if minutes_path:
            changes["minutes"] = [meeting.minutes_name, Path(minutes_path).name]
            meeting.minutes_file, meeting.minutes_name = str(minutes_path), Path(
                minutes_path).name
        elif remove_minutes and meeting.minutes_file:
            changes["minutes"] = [meeting.minutes_name, ""]
            meeting.minutes_file, meeting.minutes_name = "", ""
        if not changes:
            return meeting
        meeting.updated_by = _user(acting_user)
        meeting.save()
        if "organisations" in changes:
            meeting.organisations.set(present)
        audit_record(actor=acting_user, action="meetings.update", obj=meeting,
                     region_code=meeting.region_id, changes=changes)
    return meeting


def meeting_delete(*, meeting: Meeting, acting_user) -> None:
    """Delete a meeting record; the audit row keeps what it said (its minutes file stays
    where it was stored)."""
    _require(acting_user, meeting.region)
    with transaction.atomic():
        meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
        present = list(meeting.organisations.order_by("pk"))
        audit_record(actor=acting_user, action="meetings.delete", obj=meeting,
                     region_code=meeting.region_id, changes=_state(meeting, present))
        meeting.delete()


def _json(value):
    return value.isoformat() if hasattr(value, "isoformat") else value
