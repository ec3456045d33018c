"""Writes of the programmes app: programmes, the national catalogue, interventions (by hand
or from a linked beneficiary list) and groups. Each write is one transaction with its audit
row; the convergence summaries are refreshed afterwards (``hooks.changed``)."""

from decimal import Decimal
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Exists, F, OuterRef, Q, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from konvergen.audit.services import audit_record, model_changes
from konvergen.linkage.models import ListRow, RowStatus
from konvergen.organisations.models import OrganisationKind, Pentahelix
from konvergen.organisations.services import organisation_get_or_create
from konvergen.programs import catalogue, hooks
from konvergen.programs.models import (
    Group,
    GroupMember,
    Intervention,
    ListUse,
    Programme,
    this_year,
)
from konvergen.regions.codes import covers, overlaps

PROGRAMME_FIELDS = [
    "code",
    "name",
    "strategy",
    "stage",
    "sector",
    "needs",
    "target_unit",
    "desil_min",
    "desil_max",
    "eligibility_rules",
    "funding_source",
    "budget",
    "year_start",
    "year_end",
    "locations",
]
ERR_PERIOD = "the period ends before it starts"
ERR_DESIL = "the desil range is empty"
ERR_LIST_REGION = "the list belongs to another region's register"
ERR_MEMBER_NOT_CURRENT = _lazy("This person is not in the latest register snapshot.")
ERR_MEMBER_REGION = _lazy("This person lives outside the group's kabupaten/kota.")
ERR_MEMBER_TWICE = _lazy("This person is already a member of the group.")
ERR_MEMBER_ENDED = _lazy("This membership has already ended.")
#: The earliest year a membership may start or end.
FIRST_YEAR = 2000
ERR_NOT_GROUP_PROGRAMME = _lazy("Only programmes whose target unit is a group can help a group.")


def _validate(fields: dict) -> None:
    if fields.get("year_end") is not None and fields["year_end"] < fields.get("year_start", 0):
        raise ValidationError(ERR_PERIOD)
    lo, hi = fields.get("desil_min"), fields.get("desil_max")
    if lo is not None and hi is not None and lo > hi:
        raise ValidationError(ERR_DESIL)


def programme_create(*, organisation, region, acting_user, **fields) -> Programme:
    _validate(fields)
    with transaction.atomic():
        programme = Programme.objects.create(
            organisation=organisation, region=region, created_by=acting_user, **fields
        )
        audit_record(
            actor=acting_user,
            action="programs.programme_create",
            obj=programme,
            region_code=region.code,
            changes={"organisation": organisation.pk, **{k: fields.get(k) for k in fields}},
        )
    hooks.changed(region_code=region.code)
    return programme


def programme_update(*, programme: Programme, acting_user, **fields) -> Programme:
    merged = {f: getattr(programme, f) for f in PROGRAMME_FIELDS} | fields
    _validate(merged)
    with transaction.atomic():
        changes = model_changes(programme, PROGRAMME_FIELDS, fields)
        for name, value in fields.items():
            setattr(programme, name, value)
        programme.save()
        audit_record(
            actor=acting_user,
            action="programs.programme_update",
            obj=programme,
            region_code=programme.region_id,
            changes=changes,
        )
    hooks.changed(region_code=programme.region_id)
    return programme


def programme_catalogue_load(
    *, region, year_start: int, year_end: int, acting_user=None
) -> list[Programme]:
    """Add the national programmes (``catalogue.NATIONAL_PROGRAMMES``) to ``region`` with
    their ministries as vertical organisations; programmes already there are kept as the
    region edited them."""
    created = []
    with transaction.atomic():
        orgs = {
            short: organisation_get_or_create(
                region=region,
                name=name,
                short_name=short,
                kind=OrganisationKind.VERTICAL,
                pentahelix=Pentahelix.GOVERNMENT,
                acting_user=acting_user,
            )
            for short, name in catalogue.MINISTRIES.items()
        }
        existing = set(Programme.objects.filter(region=region).values_list("code", flat=True))
        for entry in catalogue.NATIONAL_PROGRAMMES:
            if entry["code"] in existing:
                continue
            fields = {k: v for k, v in entry.items() if k != "ministry"}
            created.append(
                Programme.objects.create(
                    organisation=orgs[entry["ministry"]],
                    region=region,
                    is_national=True,
                    year_start=year_start,
                    year_end=year_end,
                    created_by=acting_user,
                    **fields,
                )
            )
        audit_record(
            actor=acting_user,
            action="programs.catalogue_load",
            object_type="programs.programme",
            region_code=region.code,
            changes={"created": [p.code for p in created], "years": [year_start, year_end]},
        )
    if created:
        hooks.changed(region_code=region.code)
    return created


def intervention_create(
    *,
    programme: Programme,
    family,
    year: int,
    status: str,
    value: Decimal | int = 0,
    person=None,
    group=None,
    units: float | None = None,
    item: str = "",
    note: str = "",
    date=None,
    origin: str = Intervention.Origin.MANUAL,
    acting_user,
) -> Intervention:
    """Store one intervention as given (no lifecycle checks: :func:`intervention_record` is
    the checked entry point for pages); ``date`` (default today) is the date of ``status``."""
    from konvergen.programs.models import STATUS_DATE_FIELD

    if person is not None and person.family_id != family.pk:
        raise ValidationError(ERR_PERSON_FAMILY)
    dates = {}
    if status in STATUS_DATE_FIELD:
        dates[STATUS_DATE_FIELD[status]] = date or timezone.localdate()
    with transaction.atomic():
        intervention = Intervention.objects.create(
            programme=programme,
            family=family,
            person=person,
            group=group,
            year=year,
            status=status,
            value=value,
            units=units,
            item=item,
            note=note,
            origin=origin,
            created_by=acting_user if getattr(acting_user, "pk", None) else None,
            **dates,
        )
        audit_record(
            actor=acting_user,
            action="programs.intervention_create",
            obj=intervention,
            region_code=family.region_code,
            changes={
                "programme": programme.code,
                "family": family.source_id,
                "person": person.source_id if person else None,
                "year": year,
                "status": status,
                "value": value,
                "units": units,
                "item": item,
                "note": note,
                **dates,
            },
        )
    hooks.changed(region_code=programme.region_id)
    return intervention


def interventions_from_list(
    *,
    programme: Programme,
    beneficiary_list,
    period: int,
    acting_user,
    status: str = Intervention.Status.DELIVERED,
    value: Decimal | int = 0,
    trigger: str = "sync",
) -> dict:
    """Make the matched rows of a linked list the programme's beneficiaries in ``period``.

    The settings are kept as the programme's :class:`ListUse` of the list, so later changes
    of the list's rows are followed (:func:`list_uses_resync`); ``trigger`` says in the
    audit row what caused this run: ``sync`` (by hand), ``review``, ``undo`` or ``link``
    (the list linked again).

    Idempotent, keyed on (programme, period, list, row number) — which survives the list
    being linked again (its rows are rewritten): a row still matched keeps its
    intervention, updated to the row's current person and family and to ``status`` and
    ``value``; a newly matched row gets one; a row no longer matched (rejected, undone,
    gone) loses its. Set-wise: one DELETE, one UPDATE, one INSERT … SELECT."""
    region = beneficiary_list.dataset.region_id
    if not overlaps(programme.region_id, region):
        raise ValidationError(ERR_LIST_REGION)
    ours = Intervention.objects.filter(
        programme=programme, year=period, source_list=beneficiary_list
    )
    matched = ListRow.objects.filter(
        beneficiary_list=beneficiary_list,
        status=RowStatus.MATCHED,
        person__isnull=False,
        family__isnull=False,
    )
    row_of = matched.filter(row_number=OuterRef("source_row"))
    q = connection.ops.quote_name
    with transaction.atomic():
        stale = ours.exclude(Exists(row_of))
        removed_count = stale.count()
        if removed_count:
            gone = Intervention.objects.filter(pk__in=list(stale.values_list("pk", flat=True)))
            gone._raw_delete(gone.db)
        current = ours.annotate(
            r_id=Subquery(row_of.values("pk")[:1]),
            r_person=Subquery(row_of.values("person_id")[:1]),
            r_family=Subquery(row_of.values("family_id")[:1]),
        )
        updated = current.filter(
            Q(list_row__isnull=True) | ~Q(list_row_id=F("r_id")) | ~Q(person_id=F("r_person"))
            | ~Q(family_id=F("r_family")) | ~Q(status=status) | ~Q(value=int(value))
        ).count()
        if updated:
            ours.update(
                list_row_id=Subquery(row_of.values("pk")[:1]),
                person_id=Subquery(row_of.values("person_id")[:1]),
                family_id=Subquery(row_of.values("family_id")[:1]),
                status=status,
                value=int(value),
            )
        rows = matched.exclude(row_number__in=ours.values("source_row"))
        sql, params = (
            rows.annotate(k_family=F("family_id"), k_person=F("person_id"), k_row=F("pk"),
                          k_number=F("row_number"))
            .values_list("k_family", "k_person", "k_row", "k_number")
            .query.sql_with_params()
        )
        table = q(Intervention._meta.db_table)
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {table} ({q('programme_id')}, {q('family_id')}, "
                f"{q('person_id')}, {q('list_row_id')}, {q('source_row')}, "
                f"{q('source_list_id')}, {q('year')}, {q('status')}, "
                f"{q('value')}, {q('created_by_id')}, {q('created_at')}, {q('origin')}) "
                f"SELECT %s, sub.k_family, sub.k_person, sub.k_row, sub.k_number, %s, %s, %s, "
                f"%s, %s, %s, %s FROM ({sql}) sub",
                [
                    programme.pk,
                    beneficiary_list.pk,
                    period,
                    status,
                    int(value),
                    getattr(acting_user, "pk", None),
                    timezone.now(),
                    Intervention.Origin.LIST,
                    *params,
                ],
            )
            added = cursor.rowcount
        total = ours.count()
        ListUse.objects.update_or_create(
            programme=programme, beneficiary_list=beneficiary_list, period=period,
            defaults={"status": status, "value": int(value), "synced_at": timezone.now(),
                      "synced_by": acting_user if getattr(acting_user, "pk", None) else None},
        )
        audit_record(
            actor=acting_user,
            action="programs.interventions_from_list",
            obj=programme,
            region_code=programme.region_id,
            changes={
                "list": beneficiary_list.pk,
                "period": period,
                "status": status,
                "added": added,
                "updated": updated,
                "removed": removed_count,
                "total": total,
                "trigger": trigger,
            },
        )
    hooks.changed(region_code=programme.region_id)
    return {"added": added, "updated": updated, "removed": removed_count, "total": total}


def list_uses_resync(*, list_id: int, acting_user, trigger: str) -> int:
    """Re-apply every programme's use of a list after its rows changed; return how many
    uses were synced. Linkage raises ``core.hooks.ROWS_CHANGED`` after a review decision,
    an undo or a new linking."""
    uses = ListUse.objects.filter(beneficiary_list_id=list_id).select_related(
        "programme", "beneficiary_list__dataset")
    for use in uses:
        interventions_from_list(
            programme=use.programme, beneficiary_list=use.beneficiary_list, period=use.period,
            status=use.status, value=use.value, acting_user=acting_user, trigger=trigger)
    return len(uses)


GROUP_FIELDS = ["name", "kind", "region_code", "organisation", "kur_status", "kur_date",
                "kur_amount"]


def _group_changes(fields: dict) -> dict:
    out = {}
    for name, value in fields.items():
        if name == "organisation":
            name, value = "organisation_id", getattr(value, "pk", value)
        out[name] = str(value) if value is not None and name in ("kur_date", "kur_amount") \
            else value
    return out


def group_create(*, name: str, kind: str, region_code: str, organisation=None, persons=(),
                 joined_year: int | None = None, acting_user, **fields) -> Group:
    """Record a group (UMKM, KUBE, cooperative) of a desa, optionally with its first members
    (members from ``joined_year``, default this year) and its KUR access (``kur_status``,
    ``kur_date``, ``kur_amount``)."""
    persons = list(persons)
    joined_year = this_year() if joined_year is None else joined_year
    if persons:
        _check_year(joined_year)
    with transaction.atomic():
        group = Group.objects.create(
            name=name, kind=kind, region_code=region_code, organisation=organisation,
            created_by=acting_user if getattr(acting_user, "pk", None) else None, **fields,
        )
        GroupMember.objects.bulk_create(
            GroupMember(group=group, person=p, joined_year=joined_year) for p in persons
        )
        audit_record(
            actor=acting_user,
            action="programs.group_create",
            obj=group,
            region_code=region_code,
            changes={
                **_group_changes({"name": name, "kind": kind, "organisation": organisation,
                                  **fields}),
                "members": [p.source_id for p in persons],
                **({"joined_year": joined_year} if persons else {}),
            },
        )
    return group


def group_update(*, group: Group, acting_user, **fields) -> Group:
    with transaction.atomic():
        before = {f: getattr(group, f) for f in fields}
        changes = {
            k: [_group_changes({k: before[k]})[_key(k)], _group_changes({k: v})[_key(k)]]
            for k, v in fields.items() if before[k] != v
        }
        for name, value in fields.items():
            setattr(group, name, value)
        group.save()
        audit_record(
            actor=acting_user,
            action="programs.group_update",
            obj=group,
            region_code=group.region_code,
            changes=changes,
        )
    _group_changed(group)
    return group


def _key(name: str) -> str:
    return "organisation_id" if name == "organisation" else name


def _group_changed(group: Group) -> None:
    """Membership or place of a group that received help changed: refresh convergence."""
    if group.interventions.exists():
        hooks.changed(region_code=group.region_code)


def _check_year(year: int) -> None:
    latest = this_year() + 1
    if not FIRST_YEAR <= year <= latest:
        raise ValidationError(
            _("The year must be between %(first)s and %(last)s.")
            % {"first": FIRST_YEAR, "last": latest}
        )


def group_member_add(*, group: Group, person, role: str = "", joined_year: int | None = None,
                     acting_user) -> GroupMember:
    """Add a register person to the group (a current person of the same kab/kota), a member
    from ``joined_year`` (default: this year).

    Re-adding a former member re-opens their membership (``left_year`` emptied) and keeps
    the earlier of the two start years: one row per (group, person), so the group's help in
    the periods they already belonged to keeps counting for their family (a gap between
    leaving and re-joining is then counted as membership too)."""
    joined_year = this_year() if joined_year is None else joined_year
    _check_year(joined_year)
    if not person.is_current:
        raise ValidationError(ERR_MEMBER_NOT_CURRENT)
    if person.region_code[:5] != group.region_code[:5]:
        raise ValidationError(ERR_MEMBER_REGION)
    with transaction.atomic():
        membership = (
            GroupMember.objects.select_for_update().filter(group=group, person=person).first()
        )
        changes = {"person": person.source_id, "nik": person.nik, "role": role}
        if membership is None:
            membership = GroupMember.objects.create(
                group=group, person=person, role=role, joined_year=joined_year
            )
            changes["joined_year"] = joined_year
        elif membership.left_year is None:
            raise ValidationError(ERR_MEMBER_TWICE)
        else:
            before = (membership.joined_year, membership.left_year, membership.role)
            membership.joined_year = min(membership.joined_year, joined_year)
            membership.left_year = None
            membership.role = role or membership.role
            membership.save(update_fields=["joined_year", "left_year", "role"])
            changes.update(
                reopened=True,
                role=[before[2], membership.role],
                joined_year=[before[0], membership.joined_year],
                left_year=[before[1], None],
            )
        audit_record(
            actor=acting_user,
            action="programs.group_member_add",
            obj=group,
            region_code=group.region_code,
            changes=changes,
        )
    _group_changed(group)
    return membership


def group_member_remove(*, membership: GroupMember, left_year: int | None = None,
                        acting_user) -> GroupMember | None:
    """End a membership: ``left_year`` (default: this year) is its last period, so the
    group's help up to that year still counts for the member's family. The row is kept
    (the former members' list) unless it was added by mistake: joined and left in the same
    year with no help to the group in that year, when it counted for nothing and is deleted
    (the audit row keeps it). Returns the ended membership, or None when deleted."""
    left_year = this_year() if left_year is None else left_year
    _check_year(left_year)
    group, person = membership.group, membership.person
    with transaction.atomic():
        membership = GroupMember.objects.select_for_update().get(pk=membership.pk)
        if membership.left_year is not None:
            raise ValidationError(ERR_MEMBER_ENDED)
        if left_year < membership.joined_year:
            raise ValidationError(
                _("A membership cannot end before it began (%(year)s).")
                % {"year": membership.joined_year}
            )
        mistake = left_year == membership.joined_year and not group.interventions.filter(
            family__isnull=True, year=left_year).exists()
        if mistake:
            membership.delete()
        else:
            membership.left_year = left_year
            membership.save(update_fields=["left_year"])
        audit_record(
            actor=acting_user,
            action="programs.group_member_remove",
            obj=group,
            region_code=group.region_code,
            changes={"person": person.source_id, "nik": person.nik,
                     "joined_year": membership.joined_year, "left_year": left_year,
                     "deleted": mistake},
        )
    _group_changed(group)
    return None if mistake else membership


def intervention_to_group(
    *, programme: Programme, group: Group, year: int, status: str,
    value: Decimal | int = 0, acting_user,
) -> Intervention:
    """Help given to a whole group: it counts for every member's family (a group-stage
    programme gives them the group-empowerment stage), its value shared among them."""
    if programme.target_unit != "group":
        raise ValidationError(ERR_NOT_GROUP_PROGRAMME)
    with transaction.atomic():
        intervention = Intervention.objects.create(
            programme=programme, group=group, family=None, year=year, status=status,
            value=value, origin=Intervention.Origin.GROUP,
            created_by=acting_user if getattr(acting_user, "pk", None) else None,
        )
        audit_record(
            actor=acting_user,
            action="programs.intervention_create",
            obj=intervention,
            region_code=group.region_code,
            changes={"programme": programme.code, "group": group.pk, "year": year,
                     "status": status, "value": str(value)},
        )
    hooks.changed(region_code=programme.region_id)
    return intervention


def outside_period_message(programme: Programme, year: int) -> str:
    return _("%(programme)s runs from %(start)s to %(end)s: %(year)s is outside its "
             "period.") % {"programme": programme.name, "start": programme.year_start,
                           "end": programme.year_end, "year": year}


def interventions_plan(
    *, programme: Programme, families, family_field: str = "family_id", year: int,
    value: Decimal | int = 0, acting_user,
) -> dict:
    """Planned interventions of ``programme`` in ``year`` for ``families`` (a queryset whose
    ``family_field`` is a register family, e.g. a worklist's rows): one INSERT … SELECT,
    skipping families that already have one of this programme in that year; one audit row
    with the count. ``year`` must lie within the programme's period."""
    if not programme.year_start <= year <= programme.year_end:
        raise ValidationError(outside_period_message(programme, year))
    q = connection.ops.quote_name
    it = q(Intervention._meta.db_table)
    sql, params = (
        families.order_by().annotate(k_fid=F(family_field)).values_list("k_fid")
        .query.sql_with_params()
    )
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {it} ({q('programme_id')}, {q('family_id')}, {q('year')}, "
            f"{q('status')}, {q('value')}, {q('created_by_id')}, {q('created_at')}, "
            f"{q('origin')}, {q('planned_on')}) "
            f"SELECT %s, sub.k_fid, %s, %s, %s, %s, %s, %s, %s FROM "
            f"(SELECT DISTINCT s0.k_fid FROM ({sql}) s0) sub "
            f"WHERE sub.k_fid IS NOT NULL AND NOT EXISTS (SELECT 1 FROM {it} x "
            f"WHERE x.{q('programme_id')} = %s AND x.{q('year')} = %s "
            f"AND x.{q('family_id')} = sub.k_fid)",
            [programme.pk, year, Intervention.Status.PLANNED, int(value),
             getattr(acting_user, "pk", None), timezone.now(), Intervention.Origin.WORKLIST,
             timezone.localdate(), *params, programme.pk, year],
        )
        added = cursor.rowcount
        audit_record(
            actor=acting_user,
            action="programs.interventions_plan",
            obj=programme,
            region_code=programme.region_id,
            changes={"year": year, "planned": added, "value": int(value)},
        )
    if added:
        hooks.changed(region_code=programme.region_id)
    return {"planned": added}


# --- One intervention: record, edit, move through its lifecycle, cancel ----------------------

S = Intervention.Status
#: Statuses a new intervention may start in (cancelled and stopped are reached, not recorded).
INITIAL_STATUSES = (S.PLANNED, S.DELIVERED, S.COMPLETED)
#: Fields an edit may change.
EDIT_FIELDS = ["year", "item", "units", "value", "note", "person", "planned_on",
               "delivered_on", "completed_on"]
ERR_TRANSITION = _lazy("An intervention that is %(current)s cannot become %(new)s; allowed: "
                       "%(allowed)s.")
ERR_FINAL = _lazy("An intervention that is %(current)s cannot change any more.")
ERR_NO_REASON = _lazy("Give a reason to cancel the intervention.")
ERR_FUTURE = _lazy("The date %(date)s is in the future.")
ERR_DATE_ORDER = _lazy("The date %(date)s is before the intervention was %(previous)s "
                       "(%(previous_date)s).")
ERR_CANCELLED_EDIT = _lazy("A cancelled intervention cannot be edited.")
ERR_INITIAL = _lazy("A new intervention is planned, delivered or completed.")
ERR_FAMILY_REGION = _lazy("This family lives outside the programme's region.")
ERR_PERSON_FAMILY = _lazy("The person is not a member of this family.")


def _status_label(code: str) -> str:
    return str(dict(S.choices).get(code, code)).lower()


def _check_date(day, *, previous: str | None = None, previous_date=None) -> None:
    today = timezone.localdate()
    if day > today:
        raise ValidationError(ERR_FUTURE % {"date": day.isoformat()})
    if previous_date is not None and day < previous_date:
        raise ValidationError(ERR_DATE_ORDER % {
            "date": day.isoformat(), "previous": _status_label(previous or ""),
            "previous_date": previous_date.isoformat()})


def intervention_record(
    *, programme: Programme, family, year: int, status: str = S.PLANNED, date=None,
    person=None, item: str = "", units: float | None = None, value: Decimal | int = 0,
    note: str = "", acting_user,
) -> Intervention:
    """Record one intervention of ``programme`` for a register family (or one of its
    persons) by hand: ``status`` planned, delivered or completed, reached on ``date``
    (default today), with the ``item`` given, its quantity (``units``), ``value`` (Rp) and a
    ``note``. The family must live in the programme's region and ``year`` lie in its period.
    The caller has checked the user may manage the programme and see the family
    (``selectors.programme_for(manage=True)``, ``registry.selectors.family_for``)."""
    if status not in INITIAL_STATUSES:
        raise ValidationError(ERR_INITIAL)
    code = programme.region_id
    if not covers(code, family.region_code):
        raise ValidationError(ERR_FAMILY_REGION)
    if not programme.year_start <= year <= programme.year_end:
        raise ValidationError(outside_period_message(programme, year))
    day = date or timezone.localdate()
    _check_date(day)
    return intervention_create(
        programme=programme, family=family, person=person, year=year, status=status,
        value=value, units=units, item=item, note=note, date=day,
        origin=Intervention.Origin.MANUAL, acting_user=acting_user,
    )


def intervention_update(*, intervention: Intervention, acting_user, **fields) -> Intervention:
    """Edit an intervention's details (:data:`EDIT_FIELDS`: period, item, quantity, value,
    note, person, the dates of the statuses it went through); the status changes only
    through :func:`intervention_transition`. Audited with before/after of each changed
    field; nothing is written when nothing changed."""
    unknown = set(fields) - set(EDIT_FIELDS)
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    with transaction.atomic():
        current = (Intervention.objects.select_for_update(of=("self",))
                   .select_related("programme").get(pk=intervention.pk))
        if current.status == S.CANCELLED:
            raise ValidationError(ERR_CANCELLED_EDIT)
        person = fields.get("person", current.person)
        if person is not None and person.family_id != current.family_id:
            raise ValidationError(ERR_PERSON_FAMILY)
        year = fields.get("year", current.year)
        programme = current.programme
        if year != current.year and not programme.year_start <= year <= programme.year_end:
            raise ValidationError(outside_period_message(programme, year))
        for name in ("planned_on", "delivered_on", "completed_on"):
            if fields.get(name) is not None:
                _check_date(fields[name])
        dates = [fields.get(n, getattr(current, n)) for n in
                 ("planned_on", "delivered_on", "completed_on")]
        known = [d for d in dates if d is not None]
        if known != sorted(known):
            raise ValidationError(_("The dates must follow the lifecycle: planned, then "
                                    "delivered, then completed."))
        changes = {}
        for name, new in fields.items():
            old = getattr(current, name)
            if name == "value":
                new = Decimal(int(new or 0))
            if name == "person":
                old, new = getattr(old, "source_id", None), getattr(new, "source_id", None)
                if old != new:
                    changes["person"] = [old, new]
                    current.person = fields["person"]
                continue
            if old != new:
                changes[name] = [old, new]
                setattr(current, name, new)
        if changes:
            current.updated_at = timezone.now()
            current.updated_by = acting_user if getattr(acting_user, "pk", None) else None
            current.save()
            audit_record(
                actor=acting_user, action="programs.intervention_update", obj=current,
                region_code=_region_of(current), changes=changes,
            )
    if changes:
        hooks.changed(region_code=current.programme.region_id)
    return current


def _region_of(intervention: Intervention) -> str:
    if intervention.family is not None:
        return intervention.family.region_code
    if intervention.group is not None:
        return intervention.group.region_code
    return intervention.programme.region_id


def intervention_transition(
    *, intervention: Intervention, status: str, date=None, reason: str = "", acting_user,
) -> Intervention:
    """Move an intervention along its lifecycle (``models.TRANSITIONS``: planned →
    delivered → completed; planned or delivered → cancelled, which needs a ``reason``) on
    ``date`` (default today; not in the future, not before the previous status's date).
    Anything else is refused with a message naming the allowed moves. Audited; the
    convergence summaries are refreshed afterwards."""
    from konvergen.programs.models import STATUS_DATE_FIELD, TRANSITIONS

    reason = (reason or "").strip()
    with transaction.atomic():
        current = Intervention.objects.select_for_update(of=("self",)).select_related(
            "programme", "family", "group").get(pk=intervention.pk)
        allowed = TRANSITIONS.get(current.status, ())
        if status not in allowed:
            if not allowed:
                raise ValidationError(ERR_FINAL % {"current": _status_label(current.status)})
            raise ValidationError(ERR_TRANSITION % {
                "current": _status_label(current.status), "new": _status_label(status),
                "allowed": ", ".join(_status_label(s) for s in allowed)})
        if status == S.CANCELLED and not reason:
            raise ValidationError(ERR_NO_REASON)
        day = date or timezone.localdate()
        before: dict[str, str] = {S.DELIVERED: S.PLANNED, S.COMPLETED: S.DELIVERED}
        previous = before.get(status)
        if status == S.CANCELLED:
            previous = current.status
        previous_date = getattr(current, STATUS_DATE_FIELD.get(previous, ""), None) \
            if previous else None
        _check_date(day, previous=previous, previous_date=previous_date)
        field = STATUS_DATE_FIELD[status]
        changes = {"status": [current.status, status], field: [getattr(current, field), day]}
        current.status = status
        setattr(current, field, day)
        if status == S.CANCELLED:
            changes["cancel_reason"] = [current.cancel_reason, reason]
            current.cancel_reason = reason
        current.updated_at = timezone.now()
        current.updated_by = acting_user if getattr(acting_user, "pk", None) else None
        current.save()
        audit_record(
            actor=acting_user, action="programs.intervention_transition", obj=current,
            region_code=_region_of(current), changes=changes,
        )
    hooks.changed(region_code=current.programme.region_id)
    return current


def intervention_cancel(*, intervention: Intervention, reason: str, date=None,
                        acting_user) -> Intervention:
    """Cancel a planned or delivered intervention with a reason (it stays, cancelled)."""
    return intervention_transition(intervention=intervention, status=S.CANCELLED, date=date,
                                   reason=reason, acting_user=acting_user)


# --- Status updates from a file -------------------------------------------------------------

#: Field names of a status file, as the user sees them.
FILE_FIELD_LABELS = {
    "intervention_id": _lazy("intervention id"),
    "nik": _lazy("NIK"),
    "kk_number": _lazy("No KK"),
    "programme": _lazy("programme code"),
    "year": _lazy("period (year)"),
    "status": _lazy("status"),
    "date": _lazy("date"),
    "item": _lazy("item given"),
    "quantity": _lazy("quantity"),
    "value": _lazy("value (Rp)"),
    "note": _lazy("note"),
    "reason": _lazy("reason for cancelling"),
}
#: Why a row was refused, by ``status_file`` error code.
ROW_ERRORS = {
    "other_programme": _lazy("the row is for programme '%(value)s', not this one"),
    "bad_id": _lazy("'%(value)s' is not an intervention id (a whole number)"),
    "no_id": _lazy("the row gives no intervention id, NIK or No KK"),
    "bad_nik": _lazy("'%(value)s' is not a NIK of 16 digits"),
    "bad_kk": _lazy("'%(value)s' is not a No KK of 16 digits"),
    "bad_year": _lazy("'%(value)s' is not a year"),
    "no_status": _lazy("the status is empty"),
    "bad_status": _lazy("'%(value)s' is not a status (planned, delivered, completed, "
                        "cancelled)"),
    "bad_date": _lazy("'%(value)s' is not a date (for example 25-03-2026)"),
    "bad_quantity": _lazy("'%(value)s' is not a quantity"),
    "bad_value": _lazy("'%(value)s' is not an amount in Rupiah"),
    "id_not_found": _lazy("this programme has no intervention %(value)s that you may change"),
    "not_found": _lazy("no intervention of this programme for %(value)s (in that year)"),
    "ambiguous": _lazy("%(n)s interventions of this programme match %(value)s: give the "
                       "intervention id or the year"),
    "duplicate": _lazy("the same intervention is already updated by row %(first_row)s"),
    "final": _lazy("the intervention is %(current)s and cannot change any more"),
    "bad_transition": _lazy("an intervention that is %(current)s cannot become %(new)s"),
    "future_date": _lazy("the date %(value)s is in the future"),
    "date_order": _lazy("the date %(value)s is before the intervention was %(previous)s "
                        "(%(prev_date)s)"),
    "no_reason": _lazy("a reason is needed to cancel (the reason or note column)"),
}
ERR_NO_STATUS_COLUMN = _lazy("Choose the column that holds the status.")
ERR_NO_ID_COLUMN = _lazy("Choose a column that identifies the intervention: intervention "
                         "id, NIK or No KK.")
ERR_FILE_TWICE = _lazy("Two fields cannot read the same column (%(header)s).")
ERR_NO_HEADER = _lazy("The file has no column %(header)s.")
#: How many ids go into one ``IN (…)`` when the file's identifiers are looked up.
LOOKUP_CHUNK = 5000


def _in_language(code: str, message, params: dict) -> str:
    from django.utils import translation

    with translation.override(code):
        values = {k: (_status_label(v) if k in ("current", "new", "previous") and v else v)
                  for k, v in params.items()}
        return str(message) % values


def row_error_text(entry: dict, language: str | None = None) -> str:
    """'Row 5, status: …' for a stored rejected row, in ``language`` (default: active)."""
    from django.utils import translation

    language = language or translation.get_language() or "id"
    with translation.override(language):
        field = entry.get("header") or str(FILE_FIELD_LABELS.get(entry["field"],
                                                                  entry["field"]))
        why = entry["message_en"] if language.startswith("en") else entry["message_id"]
        return _("Row %(row)s, %(field)s: %(why)s") % {"row": entry["row"], "field": field,
                                                        "why": why}


def _stored_path(programme: Programme, name: str) -> Path:
    import uuid

    from django.conf import settings as dj_settings

    return dj_settings.UPLOAD_DIR / "interventions" / str(programme.pk) / uuid.uuid4().hex


def intervention_upload_create(*, programme: Programme, upload, acting_user):
    """Keep an uploaded status file (CSV/XLSX) of ``programme``, read its headers and
    propose a column mapping (the user confirms or changes it before it is applied).
    A file that cannot be read raises ``ValidationError`` with the reader's bilingual
    message."""
    import hashlib

    from konvergen.core.uploads import save_upload
    from konvergen.programs import status_file
    from konvergen.programs.models import InterventionUpload
    from konvergen.registry.ingest.readers import IngestFileError, read_table

    path = save_upload(upload, _stored_path(programme, upload.name))
    try:
        table = read_table(path)
    except IngestFileError as exc:
        path.unlink(missing_ok=True)
        raise ValidationError(str(exc)) from exc
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    headers = [c for c in table.column_names if c != "row_number"]
    mapping = status_file.map_columns(headers).mapped
    with transaction.atomic():
        record = InterventionUpload.objects.create(
            programme=programme, file_name=upload.name[:255], file_path=str(path),
            sha256=digest.hexdigest(), headers=headers, mapping=mapping,
            counts={"rows": table.num_rows},
            created_by=acting_user if getattr(acting_user, "pk", None) else None,
        )
        audit_record(actor=acting_user, action="programs.intervention_upload_create",
                     obj=record, region_code=programme.region_id,
                     changes={"file": record.file_name, "sha256": record.sha256,
                              "rows": table.num_rows, "mapping": mapping})
    return record


def _arrow_of(rows: list[tuple], schema) -> "object":
    import pyarrow as pa

    columns: list[Any] = list(zip(*rows, strict=True)) if rows else [[] for _ in schema]
    return pa.table([pa.array(list(col), type=f.type) for col, f in
                     zip(columns, schema, strict=True)], schema=schema)


def _programme_interventions_arrow(programme: Programme, scope_filter: Q):
    """The programme's interventions to families the user may see, as Arrow (one query)."""
    from konvergen.programs.status_file import INTERVENTIONS_SCHEMA

    rows: list[tuple] = list(
        Intervention.objects.filter(programme=programme, family__isnull=False)
        .filter(scope_filter)
        .values_list("id", "family_id", "person_id", "year", "status", "planned_on",
                     "delivered_on", "completed_on", "cancelled_on", "item", "units",
                     "value", "note", "cancel_reason")
        .iterator(chunk_size=10_000)
    )
    rows = [(*r[:11], float(r[11]) if r[11] is not None else None, *r[12:]) for r in rows]
    return _arrow_of(rows, INTERVENTIONS_SCHEMA)


def _identities_arrow(rows_table):
    """Persons holding the file's NIKs and families holding its KK numbers (IN chunks)."""
    import pyarrow.compute as pc

    from konvergen.programs.status_file import FAMILIES_SCHEMA, PERSONS_SCHEMA
    from konvergen.registry.models import Family, Person

    niks = pc.unique(pc.drop_null(rows_table.column("nik_digits"))).to_pylist()
    kks = pc.unique(pc.drop_null(rows_table.column("kk_digits"))).to_pylist()
    persons: list[tuple] = []
    families: list[tuple] = []
    for i in range(0, len(niks), LOOKUP_CHUNK):
        persons += Person.objects.filter(nik__in=niks[i:i + LOOKUP_CHUNK]).values_list(
            "nik", "id", "family_id")
    for i in range(0, len(kks), LOOKUP_CHUNK):
        families += Family.objects.filter(kk_number__in=kks[i:i + LOOKUP_CHUNK]).values_list(
            "kk_number", "id")
    return _arrow_of(persons, PERSONS_SCHEMA), _arrow_of(families, FAMILIES_SCHEMA)


def intervention_upload_apply(*, upload, mapping: dict, acting_user,
                              scopes: list[str] | None = None, within=None,
                              today=None) -> dict:
    """Apply a status file with the user's column ``mapping`` (``{field: header}``).

    Every row is decided set-wise (``status_file.decide``); the accepted rows are written in
    one transaction (batched ``bulk_update``, one audit row listing each intervention's
    before/after), the rejected ones are kept on the upload with row, field and reason in
    Indonesian and English. A row asking for what the intervention already is counts as
    ``unchanged``: applying the same file again changes nothing. Only interventions to
    families within ``within`` (a filter on ``family__region_code``: the user's register
    scope, ``access.region_q``) or, without it, within the region codes ``scopes`` can be
    found. Returns the counts."""
    from konvergen.programs import status_file
    from konvergen.programs.models import STATUS_DATE_FIELD, InterventionUpload
    from konvergen.regions.filters import within_q
    from konvergen.registry.ingest.readers import IngestFileError, read_table

    today = today or timezone.localdate()
    mapping = {f: h for f, h in mapping.items() if h and f in status_file.FIELDS}
    if "status" not in mapping:
        raise ValidationError(ERR_NO_STATUS_COLUMN)
    if status_file.missing_identifier(mapping):
        raise ValidationError(ERR_NO_ID_COLUMN)
    seen: dict[str, str] = {}
    for field, header in mapping.items():
        if header in seen:
            raise ValidationError(ERR_FILE_TWICE % {"header": header})
        seen[header] = field
    programme = upload.programme
    try:
        table = read_table(upload.file_path)
    except IngestFileError as exc:
        raise ValidationError(str(exc)) from exc
    unknown = [h for h in mapping.values() if h not in table.column_names]
    if unknown:
        raise ValidationError(ERR_NO_HEADER % {"header": unknown[0]})
    rows = status_file.canonical(table, mapping)
    persons, families = _identities_arrow(rows)
    decision = status_file.decide(
        rows,
        interventions=_programme_interventions_arrow(
            programme,
            within if within is not None else within_q(scopes or [], "family__region_code")),
        persons=persons, families=families, programme_code=programme.code, today=today,
    )
    accepted = [r for r in decision.accepted.to_pylist() if r["changed"]]
    unchanged = decision.accepted.num_rows - len(accepted)
    rejected = _rejected_entries(decision.rejected.to_pylist(), table, mapping)
    now = timezone.now()
    user = acting_user if getattr(acting_user, "pk", None) else None
    changes: dict[str, dict] = {}
    with transaction.atomic():
        by_id: dict[int, Intervention] = {}
        ids = [r["id"] for r in accepted]
        for i in range(0, len(ids), LOOKUP_CHUNK):
            by_id.update(Intervention.objects.select_for_update().in_bulk(
                ids[i:i + LOOKUP_CHUNK]))
        touched = set()
        for r in accepted:
            obj = by_id[r["id"]]
            diff: dict[str, list[Any]] = {}

            def put(name, new, obj=obj, diff=diff):
                old = getattr(obj, name)
                if new is not None and old != new:
                    diff[name] = [old, new]
                    setattr(obj, name, new)
                    touched.add(name)

            put("status", r["new_status"])
            date_field = STATUS_DATE_FIELD.get(r["new_status"])
            if date_field:
                put(date_field, r["status_date"])
            put("item", r["item"])
            put("units", r["quantity"])
            put("value", None if r["new_value"] is None else Decimal(int(r["new_value"])))
            if r["new_status"] == S.CANCELLED:
                put("cancel_reason", r["reason"][:300] if r["reason"] else None)
            else:
                put("note", r["note"])
            if diff:
                obj.updated_at, obj.updated_by = now, user
                changes[str(obj.pk)] = {"row": r["row_number"], **diff}
        objs = [by_id[int(pk)] for pk in changes]
        if objs:
            Intervention.objects.bulk_update(
                objs, sorted(touched | {"updated_at", "updated_by"}), batch_size=1000)
        counts = {"rows": table.num_rows, "updated": len(objs),
                  "unchanged": unchanged + len(accepted) - len(objs),
                  "rejected": len(rejected)}
        InterventionUpload.objects.filter(pk=upload.pk).update(
            mapping=mapping, state=InterventionUpload.State.APPLIED, counts=counts,
            rejected=rejected, applied_at=now, error="")
        audit_record(
            actor=acting_user, action="programs.intervention_upload_apply", obj=upload,
            region_code=programme.region_id,
            changes={"programme": programme.code, "file": upload.file_name,
                     "sha256": upload.sha256, "mapping": mapping, **counts,
                     "interventions": changes,
                     "rejected_rows": [e["row"] for e in rejected[:200]]},
        )
    upload.refresh_from_db()
    if objs:
        hooks.changed(region_code=programme.region_id)
    return counts


def _rejected_entries(rejected: list[dict], table, mapping: dict) -> list[dict]:
    """Stored form of the rejected rows: row, field (and its header), code, the message in
    Indonesian and English, and the row's original cells."""
    import pyarrow as pa
    import pyarrow.compute as pc

    if not rejected:
        return []
    numbers = pa.array([r["row_number"] for r in rejected], pa.int64())
    original = table.filter(pc.is_in(table.column("row_number"), value_set=numbers))
    cells = {row["row_number"]: {k: v for k, v in row.items() if k != "row_number"}
             for row in original.to_pylist()}
    out = []
    for r in rejected:
        message = ROW_ERRORS[r["code"]]
        params = {k: ("" if v is None else v) for k, v in r.items()}
        out.append({
            "row": r["row_number"], "field": r["field"],
            "header": mapping.get(r["field"], ""), "code": r["code"],
            "message_id": _in_language("id", message, params),
            "message_en": _in_language("en", message, params),
            "data": cells.get(r["row_number"], {}),
        })
    return out


def rejected_rows_csv(upload) -> str:
    """The rejected rows of an applied upload as CSV: the file's own columns, then the row
    number, field and reason in Indonesian and English (to fix and upload again)."""
    import csv
    import io

    buffer = io.StringIO()
    writer = csv.writer(buffer)
    headers = list(upload.headers)
    writer.writerow([*headers, "Baris / Row", "Kolom / Field", "Alasan", "Reason"])
    for entry in upload.rejected:
        field = entry.get("header") or entry["field"]
        writer.writerow([*(entry["data"].get(h) or "" for h in headers), entry["row"], field,
                         entry["message_id"], entry["message_en"]])
    return buffer.getvalue()
