"""Writes of the programmes app: programmes, the national catalogue, interventions (by hand
or from a linked beneficiary list) and groups. Each write is one transaction with its audit
row; the convergence summaries are refreshed afterwards (``hooks.changed``)."""

from decimal import Decimal

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
    acting_user,
) -> Intervention:
    if person is not None and person.family_id != family.pk:
        raise ValidationError(_("The person is not a member of this family."))
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
            created_by=acting_user,
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
    if not (programme.region_id == region or region.startswith(programme.region_id + ".")
            or programme.region_id.startswith(region + ".")):
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
                f"{q('value')}, {q('created_by_id')}, {q('created_at')}) "
                f"SELECT %s, sub.k_family, sub.k_person, sub.k_row, sub.k_number, %s, %s, %s, "
                f"%s, %s, %s FROM ({sql}) sub",
                [
                    programme.pk,
                    beneficiary_list.pk,
                    period,
                    status,
                    int(value),
                    getattr(acting_user, "pk", None),
                    timezone.now(),
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
    uses were synced. Linkage calls it (``linkage.hooks``) after a review decision, an undo
    or a new linking."""
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
            value=value, created_by=acting_user if getattr(acting_user, "pk", None) else None,
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
            f"{q('status')}, {q('value')}, {q('created_by_id')}, {q('created_at')}) "
            f"SELECT %s, sub.k_fid, %s, %s, %s, %s, %s FROM "
            f"(SELECT DISTINCT s0.k_fid FROM ({sql}) s0) sub "
            f"WHERE sub.k_fid IS NOT NULL AND NOT EXISTS (SELECT 1 FROM {it} x "
            f"WHERE x.{q('programme_id')} = %s AND x.{q('year')} = %s "
            f"AND x.{q('family_id')} = sub.k_fid)",
            [programme.pk, year, Intervention.Status.PLANNED, int(value),
             getattr(acting_user, "pk", None), timezone.now(), *params, programme.pk, year],
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
