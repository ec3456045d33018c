"""Indicator rules: each rule key turns its parameters into DuckDB SQL. No Django.

A rule yields a boolean family-level expression over the family row ``f`` and, where it
needs the members, aggregate columns computed once per family over the person rows ``p``
(``bool_or`` / ``count``), read back as ``m.<name>``. Missing data never makes a family
deprived: an unknown water source is not an unimproved one.

Parameters come from a settings form, so every value that reaches SQL is checked here: field
names against fixed lists, codes quoted as literals, numbers parsed as numbers.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

#: Family columns a rule may test (canonical codes or text), and yes/no columns.
FAMILY_CODE_FIELDS = frozenset(
    {
        "house_ownership",
        "roof_type",
        "wall_type",
        "floor_type",
        "lighting_source",
        "cooking_fuel",
        "water_source",
        "toilet_facility",
        "toilet_type",
        "electricity_power",
    }
)
FAMILY_FLAG_FIELDS = frozenset(
    {
        "has_savings",
        "stunting_risk",
        "receives_bpnt",
        "receives_bpum",
        "receives_bst",
        "receives_pkh",
        "receives_sembako",
    }
)
PERSON_CODE_FIELDS = frozenset(
    {
        "education",
        "school_participation",
        "health_insurance",
        "relation",
        "marital_status",
        "disability",
        "chronic_illness",
        "occupation",
    }
)
#: Texts that mean "none" in the free-text disability and chronic-illness columns.
NONE_WORDS = ("", "tidak", "tidak ada", "tidak_ada", "bukan", "none", "0", "-")

ERR_UNKNOWN_RULE = "unknown rule {rule!r}"
ERR_FIELD = "rule {rule!r}: field {field!r} is not one it can test"
ERR_PARAM = "rule {rule!r}: parameter {param!r} is missing or invalid"


class RuleError(ValueError):
    """The indicator's rule or parameters cannot be turned into SQL."""


@dataclass
class RuleSQL:
    family_expr: str
    member_aggs: dict[str, str] = field(default_factory=dict)
    #: For rules decided by one member: whether that person (row ``p``) triggers the need.
    person_expr: str | None = None


def literal(text: object) -> str:
    return "'" + str(text).replace("'", "''") + "'"


def _codes(rule: str, params: dict, name: str) -> str:
    values = params.get(name)
    if not isinstance(values, list) or not values or not all(isinstance(v, str) for v in values):
        raise RuleError(ERR_PARAM.format(rule=rule, param=name))
    return ", ".join(literal(v) for v in values)


def _codes_or_empty(rule: str, params: dict, name: str) -> str | None:
    if not params.get(name):
        return None
    return _codes(rule, params, name)


def _number(rule: str, params: dict, name: str, default: float | None = None) -> float | None:
    value = params.get(name, default)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise RuleError(ERR_PARAM.format(rule=rule, param=name))
    return float(value)


def _field(rule: str, params: dict, allowed: frozenset[str]) -> str:
    name = params.get("field")
    if name not in allowed:
        raise RuleError(ERR_FIELD.format(rule=rule, field=name))
    return str(name)


def _age_filter(rule: str, params: dict) -> str:
    parts = []
    low, high = _number(rule, params, "min_age"), _number(rule, params, "max_age")
    if low is not None:
        parts.append(f"p.age >= {low}")
    if high is not None:
        parts.append(f"p.age <= {high}")
    return " AND ".join(parts) or "TRUE"


def family_code_in(code: str, params: dict) -> RuleSQL:
    """Deprived when the family's coded ``field`` is one of ``codes``."""
    name = _field("family_code_in", params, FAMILY_CODE_FIELDS)
    codes = _codes("family_code_in", params, "codes")
    return RuleSQL(f"coalesce(f.{name} IN ({codes}), FALSE)")


def family_flag(code: str, params: dict) -> RuleSQL:
    """Deprived when the yes/no ``field`` equals ``value`` (unknown is not deprived)."""
    name = _field("family_flag", params, FAMILY_FLAG_FIELDS)
    value = params.get("value")
    if not isinstance(value, bool):
        raise RuleError(ERR_PARAM.format(rule="family_flag", param="value"))
    return RuleSQL(f"coalesce(f.{name} = {'TRUE' if value else 'FALSE'}, FALSE)")


def sanitation(code: str, params: dict) -> RuleSQL:
    """No own or improved toilet: facility in ``facility`` or toilet type in ``type``."""
    arms = []
    if (facility := _codes_or_empty("sanitation", params, "facility")) is not None:
        arms.append(f"f.toilet_facility IN ({facility})")
    if (kind := _codes_or_empty("sanitation", params, "type")) is not None:
        arms.append(f"f.toilet_type IN ({kind})")
    if not arms:
        raise RuleError(ERR_PARAM.format(rule="sanitation", param="facility"))
    return RuleSQL(" OR ".join(f"coalesce({a}, FALSE)" for a in arms))


def housing(code: str, params: dict) -> RuleSQL:
    """Unfit floor, wall or roof material, or less floor area per person than the minimum."""
    arms = []
    for name, column in (("floor", "floor_type"), ("wall", "wall_type"), ("roof", "roof_type")):
        if (codes := _codes_or_empty("housing", params, name)) is not None:
            arms.append(f"f.{column} IN ({codes})")
    minimum = _number("housing", params, "min_m2_per_person")
    if minimum is not None:
        arms.append(f"f.floor_area_m2 / nullif(f.persons, 0) < {minimum}")
    if not arms:
        raise RuleError(ERR_PARAM.format(rule="housing", param="floor"))
    return RuleSQL(" OR ".join(f"coalesce({a}, FALSE)" for a in arms))


def member_code_in(code: str, params: dict) -> RuleSQL:
    """Deprived when any member (within ``min_age``..``max_age``) has ``field`` in ``codes``."""
    name = _field("member_code_in", params, PERSON_CODE_FIELDS)
    codes = _codes("member_code_in", params, "codes")
    age = _age_filter("member_code_in", params)
    agg = f"m_{code}"
    person = f"p.{name} IN ({codes}) AND {age}"
    return RuleSQL(f"coalesce(m.{agg}, FALSE)", {agg: f"bool_or({person})"}, person)


def no_member_code_in(code: str, params: dict) -> RuleSQL:
    """Deprived when members (aged ``min_age``+) have a known ``field`` and none is in
    ``codes`` (the global MPI's "no member has completed six years of schooling")."""
    name = _field("no_member_code_in", params, PERSON_CODE_FIELDS)
    codes = _codes("no_member_code_in", params, "codes")
    age = _age_filter("no_member_code_in", params)
    known, hit = f"m_{code}_known", f"m_{code}_hit"
    return RuleSQL(
        f"coalesce(m.{known} > 0 AND NOT m.{hit}, FALSE)",
        {
            known: f"count(*) FILTER (WHERE coalesce(p.{name}, '') <> '' AND {age})",
            hit: f"coalesce(bool_or(p.{name} IN ({codes}) AND {age}), FALSE)",
        },
    )


def condition_without_cover(code: str, params: dict) -> RuleSQL:
    """Deprived when a member with a disability or chronic illness has no health cover
    (``no_cover``: the health-insurance codes meaning none)."""
    no_cover = _codes("condition_without_cover", params, "no_cover")
    none = ", ".join(literal(w) for w in NONE_WORDS)
    condition = (
        f"(lower(trim(coalesce(p.disability, ''))) NOT IN ({none})"
        f" OR lower(trim(coalesce(p.chronic_illness, ''))) NOT IN ({none}))"
    )
    agg = f"m_{code}"
    person = f"{condition} AND p.health_insurance IN ({no_cover})"
    return RuleSQL(f"coalesce(m.{agg}, FALSE)", {agg: f"bool_or({person})"}, person)


def head_text_in(code: str, params: dict) -> RuleSQL:
    """Deprived when the head's ``field`` (free text, e.g. occupation) matches one of
    ``words`` (case and surrounding spaces ignored)."""
    name = _field("head_text_in", params, PERSON_CODE_FIELDS)
    _codes("head_text_in", params, "words")
    words = ", ".join(literal(w.strip().lower()) for w in params["words"])
    agg = f"m_{code}"
    person = f"p.relation = 'kepala' AND lower(trim(p.{name})) IN ({words})"
    return RuleSQL(f"coalesce(m.{agg}, FALSE)", {agg: f"bool_or({person})"}, person)


RULES: dict[str, Callable[[str, dict], RuleSQL]] = {
    "family_code_in": family_code_in,
    "family_flag": family_flag,
    "sanitation": sanitation,
    "housing": housing,
    "member_code_in": member_code_in,
    "no_member_code_in": no_member_code_in,
    "condition_without_cover": condition_without_cover,
    "head_text_in": head_text_in,
}


def rule_sql(rule: str, code: str, params: dict[str, Any]) -> RuleSQL:
    """The SQL of one indicator; raises :class:`RuleError` on a bad rule or parameter."""
    if rule not in RULES:
        raise RuleError(ERR_UNKNOWN_RULE.format(rule=rule))
    if not code.isidentifier():
        raise RuleError(ERR_PARAM.format(rule=rule, param="code"))
    return RULES[rule](code, params if isinstance(params, dict) else {})
