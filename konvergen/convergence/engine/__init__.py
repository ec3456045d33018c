"""Convergence analytics (no Django): coverage, unreached families, overlaps, inclusion and
exclusion, stage reached and value delivered, from Arrow tables with DuckDB SQL.

Public API::

    ConvergenceConfig(target_statuses, received_statuses, need_codes,
                      target_desil_min, target_desil_max)
    compute(families, programmes, interventions, *, config, locations=None, members=None)
        -> ConvergenceResult(families, regions, needs, programmes, budget)
"""

from konvergen.convergence.engine.compute import (
    BUDGET_DIMENSIONS,
    FAMILY_INPUT,
    INTERVENTION_INPUT,
    LOCATION_INPUT,
    MEMBER_INPUT,
    PROGRAMME_INPUT,
    RECEIVED,
    STAGE_GRADUATED,
    STAGE_NONE,
    STAGES,
    ConvergenceConfig,
    ConvergenceResult,
    compute,
    conform,
)

__all__ = [
    "BUDGET_DIMENSIONS",
    "FAMILY_INPUT",
    "INTERVENTION_INPUT",
    "LOCATION_INPUT",
    "MEMBER_INPUT",
    "PROGRAMME_INPUT",
    "RECEIVED",
    "STAGES",
    "STAGE_GRADUATED",
    "STAGE_NONE",
    "ConvergenceConfig",
    "ConvergenceResult",
    "compute",
    "conform",
]
