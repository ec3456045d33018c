"""Reads of the API: every list is a keyset page (``id > cursor ORDER BY id LIMIT n``, an
index range, as fast on the last page of a million families as on the first), filtered by
the client user's reach from ``accounts.access``; related values come in one query per
page, never one per row."""

from datetime import datetime

from django.db.models import Q, QuerySet

from konvergen.accounts import access
from konvergen.linkage.models import BeneficiaryList, ListRow
from konvergen.organisations.models import Organisation
from konvergen.programs.models import Intervention, Programme
from konvergen.programs.selectors import intervention_scope_q, visible_programmes
from konvergen.regions.filters import within_q
from konvergen.registry.models import Dataset, Family, Person, Snapshot

#: Largest page a client may ask for.
MAX_LIMIT = 1000
DEFAULT_LIMIT = 100


def keyset_page(qs: QuerySet, *, after: int | None, limit: int,
                key: str = "id") -> tuple[list, int | None]:
    """One page of ``qs`` after the key ``after``, and the key to continue from (None on
    the last page)."""
    if after is not None:
        qs = qs.filter(**{f"{key}__gt": after})
    rows = list(qs.order_by(key)[: limit + 1])
    if len(rows) > limit:
        rows = rows[:limit]
        return rows, getattr(rows[-1], key)
    return rows, None


def _in_region(qs: QuerySet, field: str, code: str | None) -> QuerySet:
    if not code:
        return qs
    return qs.filter(within_q(code, field))


def client_redaction(client, region_code: str) -> access.Redaction:
    """Unmasked names and numbers only where the client holds ``persons:pii`` and its user
    may see personal data in ``region_code`` (``access.redaction``)."""
    if "persons:pii" not in client.scopes:
        return access.REDACTED
    return access.redaction(client.user, region_code)


def may_see_personal(client, region_code: str) -> bool:
    """Unmasked names and numbers (``client_redaction``)."""
    return client_redaction(client, region_code).visible


def suppression_k(client, code: str, year: int) -> int:
    """Small counts (1 … k-1 families) are hidden as on the dashboard unless the client
    sees personal data in ``code`` (``client_redaction``): ``0`` then."""
    from konvergen.welfare.services import small_cell_k

    return 0 if client_redaction(client, code).visible else small_cell_k(code, year)


# --- The register ---------------------------------------------------------------------------

def families(user, *, region: str | None, updated_since: datetime | None,
             include_gone: bool) -> QuerySet:
    """Families in the user's register scope (``register`` feature), within ``region``;
    with ``updated_since``, those whose current record came from a snapshot imported since
    then (and, with ``include_gone``, those of a register that has had a snapshot since
    then and no longer holds them)."""
    qs = access.visible(user, Family.objects.all(), feature="register",
                        region_field="region_code")
    qs = _in_region(qs, "region_code", region)
    if updated_since is not None:
        recent = Snapshot.objects.filter(created_at__gte=updated_since)
        changed = Q(last_snapshot_id__in=recent.values("pk"))
        if include_gone:
            changed |= Q(is_current=False, dataset_id__in=recent.values("dataset_id"))
        qs = qs.filter(changed)
    if not include_gone:
        qs = qs.filter(is_current=True)
    return qs


def persons(user, *, region: str | None, updated_since: datetime | None,
            include_gone: bool, family: Family | None = None) -> QuerySet:
    """Persons in the user's register scope, as :func:`families` (or of one ``family``)."""
    if family is not None:
        qs = Person.objects.filter(family=family)
    else:
        qs = access.visible(user, Person.objects.all(), feature="register",
                            region_field="region_code")
        qs = _in_region(qs, "region_code", region)
    if updated_since is not None:
        recent = Snapshot.objects.filter(created_at__gte=updated_since)
        changed = Q(last_snapshot_id__in=recent.values("pk"))
        if include_gone:
            changed |= Q(is_current=False, dataset_id__in=recent.values("dataset_id"))
        qs = qs.filter(changed)
    if not include_gone:
        qs = qs.filter(is_current=True)
    return qs


def snapshots_of(rows) -> dict[int, Snapshot]:
    """The snapshots a page of families or persons points at (one query)."""
    ids = {r.last_snapshot_id for r in rows}
    return {s.pk: s for s in Snapshot.objects.filter(pk__in=ids).only(
        "pk", "snapshot_date", "created_at")}


def family_out(client, family: Family, snapshots: dict[int, Snapshot]) -> dict:
    redaction = client_redaction(client, family.region_code)
    snapshot = snapshots.get(family.last_snapshot_id)
    out = {
        "id": family.pk, "source": family.source, "source_id": family.source_id,
        "region_code": family.region_code, "kk_number": family.kk_number,
        "head_name": family.head_name, "head_nik": family.head_nik,
        "address": family.address, "desil": family.desil, "is_current": family.is_current,
        "snapshot_id": family.last_snapshot_id,
        "snapshot_date": snapshot.snapshot_date if snapshot else None,
        "updated_at": snapshot.created_at if snapshot else None,
        "personal_data": redaction.visible,
    }
    return redaction.row(out, {"kk_number": "no_kk", "head_name": "name", "head_nik": "nik",
                               "address": "address"})


def person_out(client, person: Person) -> dict:
    redaction = client_redaction(client, person.region_code)
    birth = person.birth_date
    return {
        "id": person.pk, "family_id": person.family_id, "source_id": person.source_id,
        "region_code": person.region_code,
        "nik": redaction.nik(person.nik),
        "name": redaction.name(person.name),
        "sex": person.sex, "birth_year": birth.year if birth else None,
        "birth_date": redaction.hide(birth, None), "relation": person.relation,
        "is_current": person.is_current, "personal_data": redaction.visible,
    }


# --- Programmes and interventions -----------------------------------------------------------

def programmes(user, *, year: int | None) -> QuerySet:
    """Programmes of regions in, above or below the user's scope (the catalogue page's)."""
    qs = visible_programmes(user)
    if year is not None:
        qs = qs.filter(year_start__lte=year, year_end__gte=year)
    return qs


def programme_out(programme: Programme) -> dict:
    return {
        **{f: getattr(programme, f) for f in (
            "id", "code", "name", "organisation_id", "strategy", "stage", "sector",
            "target_unit", "desil_min", "desil_max", "funding_source", "budget",
            "year_start", "year_end", "is_national")},
        "organisation": programme.organisation.name, "region_code": programme.region_id,
        "needs": list(programme.needs or []),
    }


def interventions(user, programme: Programme, *, year: int | None, status: str | None,
                  updated_since: datetime | None) -> QuerySet:
    """The programme's interventions to families (or groups) in the user's register scope
    — the programme page's rows — recorded or changed since ``updated_since``."""
    qs = Intervention.objects.filter(programme=programme).filter(intervention_scope_q(user))
    if year is not None:
        qs = qs.filter(year=year)
    if status:
        qs = qs.filter(status=status)
    if updated_since is not None:
        qs = qs.filter(Q(created_at__gte=updated_since) | Q(updated_at__gte=updated_since))
    return qs


INTERVENTION_FIELDS = ["id", "programme_id", "family_id", "person_id", "group_id", "year",
                       "status", "value", "units", "item", "origin", "planned_on",
                       "delivered_on", "completed_on", "cancelled_on", "created_at",
                       "updated_at"]


def intervention_out(intervention: Intervention) -> dict:
    """No names and no free text (the note may hold personal data): ids and figures."""
    return {f: getattr(intervention, f) for f in INTERVENTION_FIELDS}


# --- Beneficiary lists ----------------------------------------------------------------------

def lists(user) -> QuerySet:
    """Lists the user may work on: the secretariat every list of its regions, agency
    officers and partners their organisation's (``linkage.selectors.beneficiary_list_for``'s
    rule, as one filter)."""
    return BeneficiaryList.objects.filter(
        access.organisation_scope_q(user, "linkage", "dataset__region__code")
    ).select_related("dataset")


def list_out(blist: BeneficiaryList) -> dict:
    counts = blist.counts or {}
    return {
        "id": blist.pk, "name": blist.name, "unit": blist.unit,
        "region_code": blist.dataset.region_id, "organisation_id": blist.organisation_id,
        "status": blist.status, "error": blist.error,
        "rows": counts.get("rows"), "matched": counts.get("matched"),
        "review": counts.get("review"), "unmatched": counts.get("unmatched"),
        "created_at": blist.created_at,
    }


def list_rows(blist: BeneficiaryList) -> QuerySet:
    return ListRow.objects.filter(beneficiary_list=blist).only(
        "row_number", "status", "match_probability", "person_id", "family_id")


# --- reads of the figures, lists and interventions endpoints ---------------------------------

def programmes_by_id(ids) -> dict[int, Programme]:
    """The programmes of ``ids`` by id."""
    return Programme.objects.in_bulk(list(ids))


def region_dataset(region_code: str) -> Dataset | None:
    """The register of the kab/kota ``region_code`` with its region, or ``None``."""
    return Dataset.objects.filter(region_id=region_code).select_related("region").first()


def first_organisation(ids) -> Organisation | None:
    """The first organisation of ``ids`` (the one a list upload is recorded for)."""
    return Organisation.objects.filter(pk__in=ids).first()


def families_and_persons(user, *, ids, kks, niks) -> tuple[dict, dict, dict]:
    """The register families and persons a bulk upload's rows name, set-wise (one query
    per way of naming them), inside the user's register scope: families by id, current
    families by KK number and current persons (with their family) by NIK."""
    def in_scope(rows_of):
        return access.visible(user, rows_of, feature="register", region_field="region_code")

    by_id = in_scope(Family.objects.all()).in_bulk(list(ids)) if ids else {}
    by_kk: dict[str, list[Family]] = {}
    for with_kk in in_scope(Family.objects.filter(kk_number__in=kks, is_current=True)) \
            if kks else []:
        by_kk.setdefault(with_kk.kk_number, []).append(with_kk)
    by_nik: dict[str, list[Person]] = {}
    for with_nik in (in_scope(Person.objects.filter(nik__in=niks, is_current=True))
                     .select_related("family") if niks else []):
        by_nik.setdefault(with_nik.nik, []).append(with_nik)
    return by_id, by_kk, by_nik
