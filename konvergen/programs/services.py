"""Writes of the programmes app: programmes, the national catalogue, interventions (by hand
or from a linked beneficiary list) and groups. Each write is one transaction with its audit
row; the convergence summaries are refreshed afterwards (``hooks.changed``)."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from konvergen.audit.services import audit_record, model_changes
from konvergen.linkage.models import ListRow, RowStatus
from konvergen.organisations.models import OrganisationKind, Pentahelix
from konvergen.organisations.services import organisation_get_or_create
from konvergen.programs import catalogue, hooks
from konvergen.programs.models import Group, GroupMember, Intervention, Programme

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
) -> dict:
    """Make the matched rows of a linked list the programme's beneficiaries in ``period``.

    Idempotent: running it again after the review queue resolved rows adds the newly matched
    rows, drops interventions whose row is no longer matched (rejected, undone) or now points
    at another person, and keeps the rest. Set-wise: one DELETE and one INSERT … SELECT."""
    region = beneficiary_list.dataset.region_id
    if not (programme.region_id == region or region.startswith(programme.region_id + ".")
            or programme.region_id.startswith(region + ".")):
        raise ValidationError(ERR_LIST_REGION)
    ours = Intervention.objects.filter(
        programme=programme, year=period, list_row__beneficiary_list=beneficiary_list
    )
    q = connection.ops.quote_name
    with transaction.atomic():
        stale = ours.exclude(list_row__status=RowStatus.MATCHED) | ours.exclude(
            person_id=F("list_row__person_id")
        )
        removed = Intervention.objects.filter(pk__in=list(stale.values_list("pk", flat=True)))
        removed_count = removed.count()
        removed._raw_delete(removed.db)
        rows = ListRow.objects.filter(
            beneficiary_list=beneficiary_list,
            status=RowStatus.MATCHED,
            person__isnull=False,
            family__isnull=False,
        ).exclude(pk__in=ours.values("list_row_id"))
        sql, params = (
            rows.annotate(k_family=F("family_id"), k_person=F("person_id"), k_row=F("pk"))
            .values_list("k_family", "k_person", "k_row")
            .query.sql_with_params()
        )
        table = q(Intervention._meta.db_table)
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {table} ({q('programme_id')}, {q('family_id')}, "
                f"{q('person_id')}, {q('list_row_id')}, {q('year')}, {q('status')}, "
                f"{q('value')}, {q('created_by_id')}, {q('created_at')}) "
                f"SELECT %s, sub.k_family, sub.k_person, sub.k_row, %s, %s, %s, %s, %s "
                f"FROM ({sql}) sub",
                [
                    programme.pk,
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
        audit_record(
            actor=acting_user,
            action="programs.interventions_from_list",
            obj=programme,
            region_code=programme.region_id,
            changes={
                "list": beneficiary_list.pk,
                "period": period,
                "added": added,
                "removed": removed_count,
                "total": total,
            },
        )
    hooks.changed(region_code=programme.region_id)
    return {"added": added, "removed": removed_count, "total": total}


def group_create(
    *, name: str, kind: str, region_code: str, organisation=None, persons=(), acting_user
) -> Group:
    with transaction.atomic():
        group = Group.objects.create(
            name=name, kind=kind, region_code=region_code, organisation=organisation
        )
        GroupMember.objects.bulk_create(GroupMember(group=group, person=p) for p in persons)
        audit_record(
            actor=acting_user,
            action="programs.group_create",
            obj=group,
            region_code=region_code,
            changes={"name": name, "kind": kind, "members": [p.source_id for p in persons]},
        )
    return group
