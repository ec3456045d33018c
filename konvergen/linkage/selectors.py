"""Reads of the linkage app for pages."""

import math

from konvergen.accounts import access
from konvergen.linkage import labels
from konvergen.linkage.models import (
    BeneficiaryList,
    DuplicatePair,
    LinkageModelVersion,
    ListRow,
    RowStatus,
)
from konvergen.organisations.models import Organisation
from konvergen.regions.models import Region
from konvergen.registry.models import Dataset, Person


def model_parameters(region) -> dict | None:
    """The latest model version of the region's register with its parameters, level by
    level: ``m`` (and whether EM on the register estimated it or it is the field prior),
    ``u`` and the match weight ``log2(m/u)``. ``None`` when no version was trained."""
    dataset = Dataset.objects.filter(region=region).first()
    if dataset is None:
        return None
    version = (
        LinkageModelVersion.objects.filter(dataset=dataset)
        .order_by("-version")
        .only("version", "created_at", "params", "snapshot_id")
        .first()
    )
    if version is None:
        return None
    params = version.params or {}
    trained = params.get("trained", {})
    sources = trained.get("m_source", {})
    rows = []
    for comp in params.get("settings", {}).get("comparisons", []):
        name = comp["output_column_name"]
        levels = [lv for lv in comp["comparison_levels"] if not lv.get("is_null_level")]
        for i, lv in enumerate(levels):
            m, u = lv.get("m_probability"), lv.get("u_probability")
            source = (sources.get(name) or [])[i] if i < len(sources.get(name) or []) else "prior"
            rows.append(
                {
                    "field": labels.field_label(name),
                    "level": labels.level_label(lv.get("label_for_charts", "")),
                    "m": m,
                    "u": u,
                    "weight": math.log2(m / u) if m and u else None,
                    "source": source,
                }
            )
    em = trained.get("em") or {}
    return {
        "version": version,
        "m_estimation": trained.get("m_estimation", "prior"),
        "neighbour_km": trained.get("neighbour_km"),
        "rows": rows,
        "em_sessions": em.get("sessions", []),
        "em_rejected": em.get("rejected", {}),
    }


def beneficiary_list_for(user, list_id):
    """An uploaded list the user may work on: the secretariat sees every list of its region,
    agency officers and partners only their organisation's lists. Http404 otherwise."""
    from django.http import Http404

    from konvergen.accounts import access
    from konvergen.linkage.models import BeneficiaryList

    blist = access.get_visible(
        BeneficiaryList.objects.select_related("dataset", "organisation"), None, list_id)
    access.require_in_scope(user, blist.dataset.region_id, feature="linkage")
    orgs = access.linkage_organisations(user, blist.dataset.region_id)
    if orgs is not None and blist.organisation_id not in orgs:
        raise Http404(access.NOT_FOUND)
    return blist


# --- reads of the list, review, thresholds and duplicates pages ------------------------------

def visible_lists(user, limit: int = 200) -> list:
    """The latest uploaded lists the user may work on (``beneficiary_list_for``'s rule)."""
    lists = BeneficiaryList.objects.select_related(
        "dataset", "organisation", "uploaded_by")
    visible = []
    for blist in access.visible(user, lists, feature="linkage",
                                region_field="dataset__region__code")[:limit]:
        orgs = access.linkage_organisations(user, blist.dataset.region_id)
        if orgs is None or blist.organisation_id in orgs:
            visible.append(blist)
    return visible


def settings_regions(user):
    """The kab/kota whose linkage settings the user may change (a queryset)."""
    scopes = access.display_scopes(user, feature="linkage_settings")
    return Region.objects.filter(code__in=[c for c in scopes if c.count(".") == 1])


def upload_datasets(user) -> list[Dataset]:
    """The registers the user may link a list against, with their regions."""
    return list(
        access.visible(user, Dataset.objects.all(), feature="linkage",
                       region_field="region__code").select_related("region")
    )


def first_organisation(ids):
    """The first organisation of ``ids`` (the one an uploaded list is recorded for)."""
    return Organisation.objects.filter(pk__in=ids).first()


def review_left(blist) -> int:
    """How many of the list's rows wait for a review."""
    return blist.rows.filter(status=RowStatus.REVIEW).count()


def result_rows(blist):
    """The list's rows as (row number, register person ID, probability, status)."""
    return blist.rows.order_by("row_number").values_list(
        "row_number", "person__source_id", "match_probability", "status"
    )


def queue_rows(blist, status: str):
    """The list's rows of ``status`` with their persons, in file order."""
    return blist.rows.filter(status=status).select_related("person").order_by("row_number")


def list_row(blist, row_number: int):
    """One row of the list with its person, family and register, or ``None``."""
    return (
        ListRow.objects.filter(beneficiary_list=blist, row_number=row_number)
        .select_related("person", "person__family", "beneficiary_list__dataset")
        .first()
    )


def next_review_row(list_id: int, after: int) -> int | None:
    """The number of the list's next row waiting for a review after row ``after``."""
    return (
        ListRow.objects.filter(
            beneficiary_list_id=list_id,
            status=RowStatus.REVIEW,
            row_number__gt=after,
        )
        .order_by("row_number")
        .values_list("row_number", flat=True)
        .first()
    )


def candidate_persons(row) -> dict:
    """The register persons a row's candidates name, by their source ID, with families."""
    ids = [c.get("person_id") for c in row.candidates]
    return {
        p.source_id: p
        for p in Person.objects.filter(
            dataset_id=row.beneficiary_list.dataset_id, source_id__in=ids
        ).select_related("family")
    }


def done_lists(region):
    """The region's lists whose linking is done, with their counts only."""
    return BeneficiaryList.objects.filter(
        dataset__region_id=region.code, status=BeneficiaryList.Status.DONE
    ).only("counts")


def region_dataset(region) -> Dataset | None:
    """The region's register, or ``None``."""
    return Dataset.objects.filter(region=region).first()


def has_dataset(region) -> bool:
    return Dataset.objects.filter(region=region).exists()


def duplicate_pair(pair_id: int):
    """A pair of possible duplicates with its register and persons' families, or ``None``."""
    return (
        DuplicatePair.objects.select_related(
            "dataset", "person_a__family", "person_b__family")
        .filter(pk=pair_id)
        .first()
    )


def duplicate_pairs(region, status: str):
    """The region's pairs of possible duplicates of ``status``, with their persons."""
    return DuplicatePair.objects.filter(
        dataset__region=region, status=status).select_related("person_a", "person_b")


def open_merge(pair):
    """The pair's merge not split again, with its survivor, or ``None``."""
    return pair.merges.filter(split_at__isnull=True).select_related("survivor").first()
