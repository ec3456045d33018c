"""Set-wise reads of the register for DCI searches: one filtered, ordered, paged query per
request over the families (or persons) in the sender's region, then one query each for the
page's members and DTSEN IDs — never a query per row."""

import datetime as dt
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from konvergen.dci import fields, protocol
from konvergen.dci.models import Sender, Transaction, TransactionItem
from konvergen.dci.queries import PERSON_ATTRIBUTES, Expression, Query, birth_date_bounds
from konvergen.regions.filters import within_q
from konvergen.registry.models import Family, FamilyAlias, Person, PersonAlias, Source

_COMPARE = {"gt": "gt", "lt": "lt", "ge": "gte", "le": "lte", "eq": "exact"}


@dataclass
class Page:
    total_count: int
    records: list[dict]


def sender_scope(sender: Sender) -> Q:
    """The region limit of ``sender`` as a filter on a region-code column (``region_code``)."""
    return within_q(sender.region_code or "", "region_code")


def _person_q(expr: Expression, prefix: str = "") -> Q:
    """``expr`` on a person's own columns (``prefix`` reaches the person from the row)."""
    if expr.attribute == "sex":
        return Q(**{f"{prefix}sex__in": list(expr.values)})
    if expr.attribute == "birth_date":
        if expr.operator == "in":
            return Q(**{f"{prefix}birth_date__in": list(expr.values)})
        return Q(**{f"{prefix}birth_date__{_COMPARE[expr.operator]}": expr.values[0]})
    today = timezone.localdate()
    q = Q(pk__in=[]) if expr.operator == "in" else Q()
    for years in expr.values:
        earliest, latest = birth_date_bounds("eq" if expr.operator == "in" else expr.operator,
                                             years, today)
        one = Q(**{f"{prefix}birth_date__isnull": False})
        if earliest:
            one &= Q(**{f"{prefix}birth_date__gte": earliest})
        if latest:
            one &= Q(**{f"{prefix}birth_date__lte": latest})
        q = q | one if expr.operator == "in" else one
    return q


def _family_q(expr: Expression, prefix: str = "") -> Q:
    """``expr`` on a family's columns (``prefix`` reaches the family from the row)."""
    if expr.attribute == "region_code":
        return within_q(expr.values, f"{prefix}region_code")
    if expr.operator == "in":
        return Q(**{f"{prefix}desil__in": list(expr.values)})
    return Q(**{f"{prefix}desil__{_COMPARE[expr.operator]}": expr.values[0]})


def _expression_q(expr: Expression, record_type: str) -> Q:
    if record_type == protocol.MEMBER:
        return (_person_q(expr) if expr.attribute in PERSON_ATTRIBUTES
                else _family_q(expr, "family__"))
    if expr.attribute in PERSON_ATTRIBUTES:
        # A family some current member of which satisfies the expression.
        return Q(Exists(Person.objects.filter(_person_q(expr), family=OuterRef("pk"),
                                              is_current=True)))
    return _family_q(expr)


def _predicate_q(query: Query) -> Q:
    q = Q()
    for predicate in query.predicates:
        one = _expression_q(predicate.first, query.record_type)
        if predicate.second is not None:
            other = _expression_q(predicate.second, query.record_type)
            one = {"and": one & other, "or": one | other, "not": one & ~other}[
                predicate.condition]
        q &= one
    return q


def _dtsen_ids(model, alias_model, value: str) -> list[int]:
    """IDs of the identities any dataset knows under DTSEN ID ``value`` (first seen under
    it, or linked to it later), through the (dataset, source, source_id) unique indexes."""
    from konvergen.registry.models import Dataset

    datasets = list(Dataset.objects.values_list("id", flat=True))
    target = "family_id" if alias_model is FamilyAlias else "person_id"
    own = model.objects.filter(dataset_id__in=datasets, source=Source.DTSEN, source_id=value)
    linked = alias_model.objects.filter(dataset_id__in=datasets, source=Source.DTSEN,
                                        source_id=value)
    return [*own.values_list("id", flat=True), *linked.values_list(target, flat=True)]


def _identifier_q(query: Query) -> Q:
    value = query.id_value
    if query.record_type == protocol.MEMBER:
        if query.id_type == protocol.ID_NIK:
            return Q(nik=value)
        if query.id_type == protocol.ID_KK:
            return Q(family__kk_number=value)
        return Q(id__in=_dtsen_ids(Person, PersonAlias, value))
    if query.id_type == protocol.ID_NIK:
        # Through the members (the head is one), on the NIK index: Family.head_nik has none.
        return Q(id__in=Person.objects.filter(nik=value, is_current=True).values("family_id"))
    if query.id_type == protocol.ID_KK:
        return Q(kk_number=value)
    return Q(id__in=_dtsen_ids(Family, FamilyAlias, value))


def _order(query: Query) -> list[str]:
    columns = {"desil": "desil", "region_code": "region_code"}
    if query.record_type == protocol.MEMBER:
        columns["desil"] = "family__desil"
    return [("-" if desc else "") + columns[attr] for attr, desc in query.sort] + ["id"]


def _person_dtsen_ids(rows: list[dict]) -> dict[int, str]:
    ids = {r["id"]: r["source_id"] for r in rows if r["source"] == Source.DTSEN}
    missing = [r["id"] for r in rows if r["id"] not in ids]
    if missing:
        ids.update(PersonAlias.objects.filter(person_id__in=missing, source=Source.DTSEN)
                   .values_list("person_id", "source_id"))
    return ids


def _person_dict(row: dict, dtsen: dict[int, str]) -> dict:
    return {
        "nik": row["nik"], "dtsen_id": dtsen.get(row["id"], ""), "name": row["name"],
        "sex": row["sex"], "relation": row["relation"], "is_head": row["relation"] == "kepala",
        "birth_date": row["birth_date"].isoformat() if row["birth_date"] else "",
        "region_code": row.get("region_code"), "desil": row.get("family__desil"),
    }


_PERSON_COLUMNS = ("id", "family_id", "nik", "name", "sex", "birth_date", "relation", "source",
                   "source_id", "region_code", "family__desil")


def _groups(rows: list, allowed: frozenset[str]) -> list[dict]:
    ids = [r["id"] for r in rows]
    dtsen = {r["id"]: r["source_id"] for r in rows if r["source"] == Source.DTSEN}
    if fields.IDENTIFIERS in allowed:
        dtsen.update(FamilyAlias.objects.filter(family_id__in=[i for i in ids if i not in dtsen],
                                                source=Source.DTSEN)
                     .values_list("family_id", "source_id"))
    members: dict[int, list[dict]] = {i: [] for i in ids}
    if allowed & {fields.MEMBERS, fields.GROUP_SIZE}:
        people = list(Person.objects.filter(family_id__in=ids, is_current=True)
                      .order_by("family_id", "id").values(*_PERSON_COLUMNS))
        person_dtsen = (_person_dtsen_ids(people)
                        if allowed >= {fields.MEMBERS, fields.IDENTIFIERS} else {})
        for person in people:
            members[person["family_id"]].append(_person_dict(person, person_dtsen))
    records = []
    for row in rows:
        family = {**row, "dtsen_id": dtsen.get(row["id"], "") if fields.IDENTIFIERS in allowed
                  else "", "last_updated": _timestamp(row["last_snapshot__snapshot_date"])}
        records.append(fields.group_record(family, members[row["id"]], allowed))
    return records


def _timestamp(day: dt.date | None) -> str:
    return f"{day.isoformat()}T00:00:00Z" if day else ""


def search(*, sender: Sender, query: Query) -> Page:
    """One page of the families (``Group``) or persons (``Member``) in ``sender``'s region
    matching ``query``, with only the sender's fields; ``total_count`` over all pages."""
    allowed = frozenset(sender.fields)
    match = (_identifier_q(query) if query.query_type == protocol.QUERY_IDTYPE_VALUE
             else _predicate_q(query))
    offset = (query.page_number - 1) * query.page_size
    end = offset + query.page_size
    if query.record_type == protocol.MEMBER:
        persons = Person.objects.filter(sender_scope(sender), match, is_current=True,
                                        family__is_current=True)
        total = persons.count()
        if not allowed or offset >= total:
            return Page(total, [])
        people = list(persons.order_by(*_order(query))[offset:end].values(*_PERSON_COLUMNS))
        dtsen = _person_dtsen_ids(people) if fields.IDENTIFIERS in allowed else {}
        return Page(total, [fields.member_record(_person_dict(p, dtsen), allowed)
                            for p in people])
    rows = Family.objects.filter(sender_scope(sender), match, is_current=True)
    total = rows.count()
    if not allowed or offset >= total:
        return Page(total, [])
    families = list(rows.order_by(*_order(query))[offset:end].values(
        "id", "kk_number", "region_code", "address", "desil", "head_name", "head_nik",
        "source", "source_id", "last_snapshot__snapshot_date"))
    return Page(total, _groups(families, allowed))


def transaction_items(*, sender: Sender, attribute_type: str, value) -> tuple:
    """The sender's own search transaction ``attribute_type`` names (its transaction_id, our
    correlation_id, or its reference_ids) and the items to report: (transaction, items), or
    (None, []) when it has none such."""
    searches = Transaction.objects.filter(sender=sender, action=protocol.ACTION_SEARCH)
    if attribute_type == "reference_id_list":
        refs = [str(v) for v in value] if isinstance(value, list) else []
        item = (TransactionItem.objects.filter(transaction__in=searches, reference_id__in=refs)
                .order_by("-transaction__received_at", "-id").select_related("transaction")
                .first())
        if item is None:
            return None, []
        return item.transaction, list(item.transaction.items.filter(reference_id__in=refs))
    if not isinstance(value, str | int) or isinstance(value, bool):
        return None, []
    column = "transaction_id" if attribute_type == "transaction_id" else "correlation_id"
    txn = searches.filter(**{column: str(value)}).order_by("-received_at", "-id").first()
    return (txn, list(txn.items.all())) if txn else (None, [])
