"""Welfare status, needs and poverty aggregates of a register snapshot (no Django).

Arrow tables of family and person records in, Arrow tables out; DuckDB SQL underneath, one
set-wise pass per step, never a Python loop over families.

Public API::

    StatusRules(method, desil cut-offs, poverty and extreme lines per day, k)
    Indicator(code, name_id, name_en, dimension, rule, params, weight, active)
    DEFAULT_INDICATORS                       # the default need indicators (docs/needs.md)
    classify(families, persons, *, rules, indicators, reference_date) -> pa.Table
    aggregate(classified, *, rules, indicators) -> (regions, needs)
    compute(families, persons, *, rules, indicators, reference_date) -> WelfareResult
    rule_sql(rule, code, params) -> RuleSQL  # validate an indicator's rule and parameters
"""

from konvergen.welfare.engine.compute import (
    FAMILY_INPUT,
    LEVELS,
    PERSON_INPUT,
    REGION_COLUMNS,
    WelfareResult,
    aggregate,
    classify,
    compute,
)
from konvergen.welfare.engine.config import (
    DEFAULT_INDICATORS,
    DIMENSIONS,
    EXTREME,
    METHOD_CONSUMPTION,
    METHOD_DESIL,
    NOT_POOR,
    POOR,
    STATUS_KEYS,
    STATUSES,
    UNKNOWN,
    VULNERABLE,
    Indicator,
    StatusRules,
    validate_indicators,
)
from konvergen.welfare.engine.rules import RULES, RuleError, RuleSQL, rule_sql

__all__ = [
    "DEFAULT_INDICATORS",
    "DIMENSIONS",
    "EXTREME",
    "FAMILY_INPUT",
    "LEVELS",
    "METHOD_CONSUMPTION",
    "METHOD_DESIL",
    "NOT_POOR",
    "PERSON_INPUT",
    "POOR",
    "REGION_COLUMNS",
    "RULES",
    "STATUSES",
    "STATUS_KEYS",
    "UNKNOWN",
    "VULNERABLE",
    "Indicator",
    "RuleError",
    "RuleSQL",
    "StatusRules",
    "WelfareResult",
    "aggregate",
    "classify",
    "compute",
    "rule_sql",
    "validate_indicators",
]
