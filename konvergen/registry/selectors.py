"""Reads of the register for pages and exports, always within the user's scope."""

from django.db.models import Exists, OuterRef, Q, QuerySet

from konvergen.accounts import access
from konvergen.registry.models import (
    Dataset,
    Family,
    FamilyAlias,
    FamilyRecord,
    ImportIssue,
    ImportJob,
    Person,
    PersonRecord,
    Snapshot,
    Source,
)


def datasets_for(user, *, feature: str = "register") -> QuerySet:
    scopes = access.scope_codes(user, feature=feature)
    return Dataset.objects.filter(access.scope_q(scopes, "region__code")).select_related("region")


def snapshots_for(user) -> QuerySet:
    return (
        Snapshot.objects.filter(dataset__in=datasets_for(user))
        .select_related("dataset", "dataset__region", "imported_by")
        .order_by("-snapshot_date", "-id")
    )


def import_jobs_for(user) -> QuerySet:
    return (
        ImportJob.objects.filter(dataset__in=datasets_for(user))
        .select_related("dataset", "snapshot", "created_by")
        .order_by("-id")
    )


def family_search(user, *, q: str = "", desa: str = "") -> QuerySet:
    """Current families in the user's scope matching a NIK / KK number, a name, or a desa."""
    scopes = access.scope_codes(user, feature="register")
    families = Family.objects.filter(access.scope_q(scopes, "region_code"), is_current=True)
    if desa:
        families = families.filter(Q(region_code=desa) | Q(region_code__startswith=desa + "."))
    q = q.strip()
    if q.isdigit() and len(q) == 16:
        member = Person.objects.filter(family=OuterRef("pk"), nik=q)
        families = families.filter(Q(kk_number=q) | Q(head_nik=q) | Exists(member))
    elif q.isdigit():
        families = families.filter(Q(kk_number__startswith=q) | _has_source_id(q))
    elif q:
        member = Person.objects.filter(family=OuterRef("pk"), name__icontains=q)
        families = families.filter(Q(head_name__icontains=q) | _has_source_id(q) | Exists(member))
    return families.order_by("region_code", "head_name", "id")


def _has_source_id(q: str) -> Q:
    """A family any source knows under ID ``q``."""
    return Q(source_id=q) | Q(Exists(FamilyAlias.objects.filter(family=OuterRef("pk"),
                                                               source_id=q)))


def family_records(family: Family) -> list[FamilyRecord]:
    """Every snapshot's record of a family, oldest first: the desil history and source rows."""
    return list(
        FamilyRecord.objects.filter(family=family)
        .select_related("snapshot")
        .order_by("snapshot__snapshot_date", "snapshot_id")
    )


def family_sources(family: Family, records: list[FamilyRecord]) -> list[dict]:
    """Each source's latest view of a family, best source first: its ID for the family,
    the snapshot date, desil and whether it supplies the current values."""
    ids = {family.source: family.source_id}
    ids.update(FamilyAlias.objects.filter(family=family).values_list("source", "source_id"))
    latest: dict[str, FamilyRecord] = {}
    for record in records:  # oldest first
        latest[record.snapshot.source] = record
    order = family.dataset.authority_order
    return [
        {"source": source, "label": Source(source).label, "source_id": ids.get(source, ""),
         "record": latest[source], "current": latest[source].snapshot_id == family.last_snapshot_id}
        for source in sorted(latest, key=lambda s: order.index(s) if s in order else len(order))
    ]


def head_snapshot_id(dataset_id: int) -> int | None:
    """The dataset's latest snapshot by date: the one standing for the register now."""
    return (Snapshot.objects.filter(dataset_id=dataset_id).order_by("-snapshot_date", "-id")
            .values_list("id", flat=True).first())


def family_members(family: Family, snapshot_id: int) -> list[PersonRecord]:
    return list(
        PersonRecord.objects.filter(family=family, snapshot_id=snapshot_id)
        .select_related("person")
        .order_by("row_number")
    )


def snapshot_issues(snapshot: Snapshot, kind: str) -> QuerySet:
    return ImportIssue.objects.filter(snapshot=snapshot, kind=kind).order_by("file", "row_number")
