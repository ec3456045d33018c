"""Reading one ``search_criteria`` of a DCI search request into a plain query, checked
against what the sender may ask: no Django.

Supported (``docs/dci.md``): ``query_type`` ``idtype-value`` (``{"type": "NIK"|"KK"|"DTSEN",
"value": "..."}``) and ``predicate`` (a list of ``{seq_num, expression1, condition,
expression2}``; each ``expression`` is ``{attribute_name, operator, attribute_value}`` with
the operators ``gt lt eq ge le in``); ``response_entity`` ``Group`` (families, the default)
or ``Member`` (persons); ``sort`` on :data:`SORTABLE`; ``pagination`` (``page_size``,
``page_number`` from 1).
"""

import datetime as dt
from dataclasses import dataclass, field

from konvergen.dci import protocol

#: Attributes a predicate may test, with the kind of value each takes.
ATTRIBUTES = {
    "desil": "integer",        # the family's national welfare decile, 1-10
    "region_code": "region",   # the family's desa code, or any region above it
    "age": "integer",          # a person's age in whole years today
    "sex": "sex",              # "male" / "female" (or L / P)
    "birth_date": "date",      # a person's birth date, YYYY-MM-DD
}
PERSON_ATTRIBUTES = frozenset({"age", "sex", "birth_date"})
SORTABLE = ("desil", "region_code")
DEFAULT_PAGE_SIZE = 100
_SEX = {"male": "L", "female": "P", "l": "L", "p": "P"}


class CriteriaError(Exception):
    """The criteria cannot be answered: ``code`` is a ``SearchStatusReasonCode``."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(frozen=True)
class Expression:
    attribute: str
    operator: str
    values: tuple  # one value, or several for "in"


@dataclass(frozen=True)
class Predicate:
    """``first`` alone, or ``first`` and/or/and-not ``second``."""

    first: Expression
    condition: str = ""
    second: Expression | None = None


@dataclass(frozen=True)
class Query:
    query_type: str
    record_type: str
    id_type: str = ""
    id_value: str = ""
    predicates: tuple[Predicate, ...] = ()
    sort: tuple[tuple[str, bool], ...] = ()  # (attribute, descending)
    page_size: int = DEFAULT_PAGE_SIZE
    page_number: int = 1
    attributes: frozenset[str] = field(default_factory=frozenset)


def _invalid(message: str) -> CriteriaError:
    return CriteriaError(protocol.SEARCH_CRITERIA_INVALID, message)


def _value(kind: str, raw) -> object:
    if isinstance(raw, (bool, dict | list)):
        raise _invalid("unsupported attribute value")
    text = str(raw).strip()
    try:
        if kind == "integer":
            number = float(text)
            if number != int(number):
                raise ValueError
            return int(number)
        if kind == "date":
            return dt.date.fromisoformat(text)
    except ValueError as exc:
        raise _invalid(f"not a valid {kind}: {text[:20]}") from exc
    if kind == "sex":
        if text.lower() not in _SEX:
            raise _invalid("sex is male or female")
        return _SEX[text.lower()]
    parts = text.split(".")
    if not text or not all(p.isdigit() for p in parts):
        raise _invalid("a region code is digits separated by dots")
    return text


def _expression(raw) -> Expression:
    if not isinstance(raw, dict):
        raise _invalid("an expression is an object")
    name, operator = raw.get("attribute_name"), raw.get("operator")
    if name not in ATTRIBUTES:
        raise _invalid(f"unknown attribute_name; use one of {', '.join(ATTRIBUTES)}")
    if operator not in protocol.OPERATORS:
        raise _invalid(f"operator is one of {', '.join(protocol.OPERATORS)}")
    if "attribute_value" not in raw:
        raise _invalid("attribute_value is missing")
    raw_value = raw["attribute_value"]
    if operator == "in":
        items = raw_value if isinstance(raw_value, list) else str(raw_value).split(",")
        values = tuple(_value(ATTRIBUTES[name], v) for v in items if str(v).strip())
        if not values:
            raise _invalid("'in' needs at least one value")
    else:
        values = (_value(ATTRIBUTES[name], raw_value),)
    if ATTRIBUTES[name] in ("sex", "region") and operator not in ("eq", "in"):
        raise _invalid(f"{name} takes eq or in")
    return Expression(name, operator, values)


def _predicates(raw) -> tuple[Predicate, ...]:
    if not isinstance(raw, list) or not raw:
        raise _invalid("a predicate query is a non-empty list")
    items = []
    for position, item in enumerate(raw):
        if not isinstance(item, dict) or "expression1" not in item:
            raise _invalid("each predicate has expression1")
        seq = item.get("seq_num", position)
        if isinstance(seq, bool) or not isinstance(seq, int | float):
            raise _invalid("seq_num is a number")
        first = _expression(item["expression1"])
        condition, second = item.get("condition"), item.get("expression2")
        if second is None:
            if condition not in (None, ""):
                raise _invalid("a condition needs expression2")
            items.append((seq, position, Predicate(first)))
            continue
        if condition not in protocol.CONDITIONS:
            raise _invalid(f"condition is one of {', '.join(protocol.CONDITIONS)}")
        items.append((seq, position, Predicate(first, condition, _expression(second))))
    return tuple(p for _, _, p in sorted(items, key=lambda t: (t[0], t[1])))


def _sort(raw) -> tuple[tuple[str, bool], ...]:
    if raw in (None, []):
        return ()
    if not isinstance(raw, list):
        raise CriteriaError(protocol.SEARCH_SORT_INVALID, "sort is a list")
    result = []
    for item in raw:
        if (not isinstance(item, dict) or item.get("attribute_name") not in SORTABLE
                or item.get("sort_order", "asc") not in ("asc", "desc")):
            raise CriteriaError(protocol.SEARCH_SORT_INVALID,
                                f"sort on {' or '.join(SORTABLE)}, asc or desc")
        result.append((item["attribute_name"], item.get("sort_order") == "desc"))
    return tuple(result)


def _page(raw, max_page_size: int) -> tuple[int, int]:
    if raw is None:
        return min(DEFAULT_PAGE_SIZE, max_page_size), 1
    if not isinstance(raw, dict):
        raise CriteriaError(protocol.SEARCH_PAGINATION_INVALID, "pagination is an object")
    whole = []
    for value in (raw.get("page_size"), raw.get("page_number", 1)):
        if (isinstance(value, bool) or not isinstance(value, int | float) or value != int(value)
                or value < 1):
            raise CriteriaError(protocol.SEARCH_PAGINATION_INVALID,
                                "page_size and page_number are whole numbers from 1")
        whole.append(int(value))
    size, number = whole
    if size > max_page_size:
        raise CriteriaError(protocol.SEARCH_PAGINATION_INVALID,
                            f"page_size is at most {max_page_size}")
    return size, number


def parse(criteria, *, query_types, id_types, max_page_size: int) -> Query:
    """A :class:`Query` from ``search_criteria``, or CriteriaError. ``query_types`` and
    ``id_types`` are what the sender may use."""
    if not isinstance(criteria, dict):
        raise _invalid("search_criteria is an object")
    query_type = criteria.get("query_type")
    if query_type not in protocol.QUERY_TYPES or query_type not in query_types:
        raise _invalid("query_type not supported or not allowed for this sender")
    record_type = criteria.get("response_entity") or protocol.GROUP
    if record_type not in (protocol.GROUP, protocol.MEMBER):
        raise _invalid("response_entity is Group or Member")
    version = criteria.get("version")
    if version not in (None, protocol.VERSION):
        raise _invalid("search_criteria.version must be 1.0.0")
    size, number = _page(criteria.get("pagination"), max_page_size)
    sort = _sort(criteria.get("sort"))
    raw = criteria.get("query")
    if query_type == protocol.QUERY_IDTYPE_VALUE:
        if not isinstance(raw, dict):
            raise _invalid("an idtype-value query is {type, value}")
        id_type, value = raw.get("type"), raw.get("value")
        if id_type not in protocol.ID_TYPES or id_type not in id_types:
            raise _invalid("identifier type not supported or not allowed for this sender")
        if isinstance(value, bool) or not isinstance(value, str | int):
            raise _invalid("the identifier value is a string")
        value = str(value).strip()
        if not value or len(value) > 64:
            raise _invalid("the identifier value is empty or too long")
        return Query(query_type, record_type, id_type=id_type, id_value=value, sort=sort,
                     page_size=size, page_number=number)
    predicates = _predicates(raw)
    used = {e.attribute for p in predicates for e in (p.first, p.second) if e is not None}
    return Query(query_type, record_type, predicates=predicates, sort=sort, page_size=size,
                 page_number=number, attributes=frozenset(used))


def birth_date_bounds(operator: str, years: int, today: dt.date) -> tuple:
    """(earliest, latest) birth date, each inclusive or None, of people whose age in whole
    years at ``today`` satisfies ``age <operator> years``.

    >>> birth_date_bounds("lt", 25, dt.date(2026, 3, 1))
    (datetime.date(2001, 3, 2), None)
    >>> birth_date_bounds("eq", 0, dt.date(2026, 3, 1))
    (datetime.date(2025, 3, 2), datetime.date(2026, 3, 1))
    """

    def years_ago(n: int) -> dt.date:
        try:
            return today.replace(year=today.year - n)
        except ValueError:  # 29 February
            return today.replace(year=today.year - n, day=28)

    one_day = dt.timedelta(days=1)
    # age >= n  <=>  born on or before years_ago(n); age <= n <=> born after years_ago(n + 1)
    if operator == "ge":
        return None, years_ago(years)
    if operator == "gt":
        return None, years_ago(years + 1)
    if operator == "le":
        return years_ago(years + 1) + one_day, None
    if operator == "lt":
        return years_ago(years) + one_day, None
    return years_ago(years + 1) + one_day, years_ago(years)
