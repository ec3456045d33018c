"""Reads of the register for pages and exports, always within the user's scope."""

from django.db.models import Exists, OuterRef, Q, QuerySet

from konvergen.accounts import access
from konvergen.regions.filters import within_q
from konvergen.regions.models import Level, Region
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
    return access.visible(user, Dataset.objects.all(), feature=feature,
                          region_field="region__code").select_related("region")


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
    families = access.visible(user, Family.objects.filter(is_current=True), feature="register",
                              region_field="region_code")
    if desa:
        families = families.filter(within_q(desa, "region_code"))
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


def snapshot_issue_rows(snapshot: Snapshot, kind: str, *, english: bool) -> QuerySet:
    """The snapshot's issues of ``kind`` as export rows (file, row, column, value, message
    in the page's language, reason code, record ID)."""
    return snapshot_issues(snapshot, kind).values_list(
        "file",
        "row_number",
        "column",
        "value",
        "message_en" if english else "message_id",
        "reason",
        "record_id",
    )


def snapshot_issue_messages(snapshot: Snapshot, *, english: bool) -> dict[tuple[str, str], str]:
    """The message of each (kind, reason) of the snapshot's issues, in the page's language."""
    reasons = {}
    for issue in (
        ImportIssue.objects.filter(snapshot=snapshot)
        .values("kind", "reason", "message_id", "message_en")
        .distinct()
    ):
        reasons[(issue["kind"], issue["reason"])] = (
            issue["message_en"] if english else issue["message_id"]
        )
    return reasons


def dataset_sources_held(dataset: Dataset) -> set[str]:
    """The sources the dataset holds a snapshot of."""
    return set(dataset.snapshots.values_list("source", flat=True))


def import_regions(user) -> list[Region]:
    """The active provinces and kab/kota the user may import a register for."""
    regions = Region.objects.filter(level__lte=Level.KABKOTA, is_active=True)
    return list(access.visible(user, regions, feature="register_import").order_by("code"))


def family_for(user, family_id):
    """The register family if it lies in the user's scope, else Http404 (same for both)."""
    return access.get_visible(Family.objects.select_related("dataset", "last_snapshot"),
                              access.region_q(user, "region_code", feature="register"),
                              family_id)


def dataset_for(user, dataset_id, *, feature: str = "register"):
    """A register dataset whose region lies in the user's scope (covering the whole dataset:
    a village operator cannot open a kabupaten's snapshot reports), else Http404."""
    dataset = access.get_visible(Dataset.objects.select_related("region"), None, dataset_id)
    access.require_in_scope(user, dataset.region_id, feature=feature)
    return dataset


# --- Personal data, redacted for the user (``access.redaction``) ----------------------------

#: How a family row of the search page and export is redacted.
FAMILY_ROW_REDACTION = {"head_name": "name", "kk_number": "no_kk", "address": "address"}
#: Family and person diff rows both carry (desa, id, name, NIK or KK, ...).
DIFF_ROW_REDACTION = {2: "name", 3: "nik"}


def family_rows(user, families):
    """The search page's and export's row of each family, redacted where the user may not
    see personal data in the family's desa (a lazy iterator)."""
    for family in families:
        row = {
            "id": family.pk,
            "source_id": family.source_id,
            "region_code": family.region_code,
            "desil": family.desil,
            "head_name": family.head_name,
            "kk_number": family.kk_number,
            "address": family.address,
        }
        yield access.redaction(user, family.region_code).row(row, FAMILY_ROW_REDACTION)


def snapshot_diff_rows(user, dataset: Dataset, rows: list[tuple]):
    """The rows of a snapshot diff download redacted for ``user`` in the dataset's region:
    ``(rows, redaction)``."""
    redaction = access.redaction(user, dataset.region_id)
    return redaction.apply(rows, DIFF_ROW_REDACTION), redaction


def redact_family_profile(redaction: "access.Redaction", record: FamilyRecord,
                          members: list[PersonRecord], sources: list[dict]) -> None:
    """Mask the family profile's record, members and sources in place (``redaction``)."""
    if redaction.visible:
        return
    redaction.apply(members, {"name": "name", "nik": "nik", "birth_place": "hide",
                              "birth_date": "none"})
    redaction.row(record, {"head_name": "name", "head_nik": "hide", "kk_number": "no_kk",
                           "address": "address"})
    for view in sources:
        redaction.row(view["record"], {"kk_number": "no_kk", "address": "address"})


def import_job_for(user, job_id) -> ImportJob:
    """An import job of a dataset the user imports into, else Http404."""
    from django.shortcuts import get_object_or_404

    job = get_object_or_404(ImportJob.objects.select_related("dataset", "snapshot"), pk=job_id)
    dataset_for(user, job.dataset_id, feature="register_import")
    return job


def snapshot_for(user, snapshot_id) -> tuple[Snapshot, Dataset]:
    """A snapshot of a dataset in the user's register scope and that dataset
    (``dataset_for``), else Http404."""
    from django.shortcuts import get_object_or_404

    snapshot = get_object_or_404(Snapshot, pk=snapshot_id)
    return snapshot, dataset_for(user, snapshot.dataset_id)
