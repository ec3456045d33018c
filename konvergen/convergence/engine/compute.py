"""Convergence of one register snapshot and one period, set-wise in DuckDB. No Django.

Inputs are Arrow tables; every figure comes out of a handful of grouped SQL passes:

* per family: is it a target family, which of its needs some received programme addresses
  (``covered``), which needs no programme reaches (``gaps``), which needs several programmes
  address at once (``overlap``), the highest stage of help it reached, and whether it got
  help outside a programme's eligibility;
* per region code (desa, kecamatan, kab/kota, province at once): the counts of the
  dashboard, per need, per programme (eligible, beneficiaries, inclusion and exclusion) and
  the value delivered per strategy, sector, funding source, stage and organisation.

All region figures are additive counts and sums, so two datasets add up to their province.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field

import duckdb
import pyarrow as pa

from konvergen.regions.codes import sql_covers

#: Stages of help, in order; a family's stage is the highest it received.
STAGES = ("charity", "individual", "group")
#: Stage code stored per family: 0 none, 1 charity, 2 individual, 3 group, 4 graduated
#: (completed a group-empowerment intervention).
STAGE_NONE, STAGE_GRADUATED = 0, 4
#: Intervention statuses that mean the family received the help.
RECEIVED = ("delivered", "completed")
#: Budget breakdowns (programme attribute columns).
BUDGET_DIMENSIONS = ("strategy", "sector", "funding_source", "stage", "organisation_id")

FAMILY_INPUT = {
    "family_id": pa.int64(),
    "region_code": pa.string(),
    "desil": pa.int64(),
    "status": pa.int64(),
    "needs": pa.int64(),
}
PROGRAMME_INPUT = {
    "programme_id": pa.int64(),
    "needs": pa.int64(),
    "stage": pa.string(),
    "strategy": pa.string(),
    "sector": pa.string(),
    "funding_source": pa.string(),
    "organisation_id": pa.int64(),
    "desil_min": pa.int64(),
    "desil_max": pa.int64(),
}
LOCATION_INPUT = {"programme_id": pa.int64(), "code": pa.string()}
INTERVENTION_INPUT = {
    "programme_id": pa.int64(),
    "family_id": pa.int64(),
    "group_id": pa.int64(),
    "status": pa.string(),
    "value": pa.float64(),
}
#: Group memberships as families: an intervention to a group (``family_id`` empty,
#: ``group_id`` set) counts for every member's family, its value shared equally among them.
MEMBER_INPUT = {"group_id": pa.int64(), "family_id": pa.int64()}


@dataclass(frozen=True)
class ConvergenceConfig:
    """What counts as a target family and as received help, and the need bit order.

    ``need_codes[n]`` is the indicator whose bit is ``1 << n`` in both the families' and the
    programmes' ``needs`` masks."""

    target_statuses: tuple[int, ...] = (1, 2, 3)
    received_statuses: tuple[str, ...] = RECEIVED
    need_codes: tuple[str, ...] = field(default_factory=tuple)
    #: Optional desil range a target family must also lie in (``None``: no bound).
    target_desil_min: int | None = None
    target_desil_max: int | None = None

    def target_sql(self, status: str = "status", desil: str = "desil") -> str:
        """SQL: is a family (``status``, ``desil`` expressions) a target family?"""
        cond = f"coalesce({status} IN {_in(self.target_statuses)}, false)"
        if self.target_desil_min is not None:
            cond += f" AND coalesce({desil} >= {int(self.target_desil_min)}, false)"
        if self.target_desil_max is not None:
            cond += f" AND coalesce({desil} <= {int(self.target_desil_max)}, false)"
        return f"({cond})"


@dataclass
class ConvergenceResult:
    families: pa.Table
    regions: pa.Table
    needs: pa.Table
    programmes: pa.Table
    budget: pa.Table


def conform(table: pa.Table | None, schema: dict[str, pa.DataType]) -> pa.Table:
    """Only the schema's columns, cast; missing columns are NULL."""
    table = table if table is not None else pa.table({})
    n = table.num_rows
    columns = [
        table.column(name).cast(kind) if name in table.column_names else pa.nulls(n, kind)
        for name, kind in schema.items()
    ]
    return pa.table(columns, names=list(schema))


def _levels(column: str) -> str:
    """SQL unnesting one desa code into its four levels (code, level)."""
    return (
        f"unnest([substr({column}, 1, 2), substr({column}, 1, 5), substr({column}, 1, 8), "
        f"{column}]) AS code, unnest([1, 2, 3, 4]) AS level"
    )


def _in(values: Sequence) -> str:
    quoted = [f"'{v}'" if isinstance(v, str) else str(int(v)) for v in values]
    return "(" + ", ".join(quoted or ["NULL"]) + ")"


def _eligible_sql(desil: str, target: str) -> str:
    """SQL: is a family (``desil``, ``target`` expressions) within programme ``p``'s desil
    range (no range: the target families) and — ``ploc`` joined as ``pl`` — its locations."""
    return (
        f"(CASE WHEN p.desil_min IS NULL AND p.desil_max IS NULL THEN {target} "
        f"ELSE {desil} IS NOT NULL AND (p.desil_min IS NULL OR {desil} >= p.desil_min) "
        f"AND (p.desil_max IS NULL OR {desil} <= p.desil_max) END) "
        f"AND (NOT p.has_loc OR pl.programme_id IS NOT NULL)"
    )


def _prepare(con: duckdb.DuckDBPyConnection, config: ConvergenceConfig) -> None:
    """Temp tables: ``pp`` (programmes with ``has_loc``), ``ploc`` (programme × desa inside
    its locations), ``ii`` (interventions per family: a group's expanded to its members'
    families) and ``got`` (family × programme received, with eligibility)."""
    received = _in(config.received_statuses)
    con.execute(
        """
        CREATE OR REPLACE TEMP TABLE pp AS
        SELECT p.*, EXISTS (SELECT 1 FROM loc WHERE loc.programme_id = p.programme_id)
               AS has_loc
        FROM p
        """
    )
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE ploc AS
        SELECT DISTINCT loc.programme_id, d.region_code
        FROM loc JOIN (SELECT DISTINCT region_code FROM f) d
          ON {sql_covers("loc.code", "d.region_code")}
        """
    )
    con.execute(
        """
        CREATE OR REPLACE TEMP TABLE ii AS
        SELECT programme_id, family_id, status, value FROM i WHERE family_id IS NOT NULL
        UNION ALL
        SELECT i.programme_id, m.family_id, i.status, i.value / m.n AS value
        FROM i JOIN (
            SELECT group_id, family_id, count(*) OVER (PARTITION BY group_id) AS n
            FROM (SELECT DISTINCT gm.group_id, gm.family_id FROM gm JOIN f USING (family_id))
        ) m USING (group_id)
        WHERE i.family_id IS NULL
        """
    )
    stage_case = (
        "CASE WHEN p.stage = 'group' AND i.status = 'completed' THEN 4 "
        "WHEN p.stage = 'group' THEN 3 WHEN p.stage = 'individual' THEN 2 "
        "WHEN p.stage = 'charity' THEN 1 ELSE 0 END"
    )
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE got AS
        SELECT i.family_id, i.programme_id, any_value(f.region_code) AS region_code,
               any_value(p.needs) AS pneeds, max({stage_case}) AS stage,
               sum(coalesce(i.value, 0)) AS value, count(*) AS interventions,
               NOT bool_or({_eligible_sql("f.desil", config.target_sql("f.status", "f.desil"))})
                   AS outside
        FROM ii i JOIN pp p USING (programme_id) JOIN f USING (family_id)
        LEFT JOIN ploc pl ON pl.programme_id = p.programme_id AND pl.region_code = f.region_code
        WHERE i.status IN {received}
        GROUP BY i.family_id, i.programme_id
        """
    )


def family_convergence(
    con: duckdb.DuckDBPyConnection, config: ConvergenceConfig
) -> duckdb.DuckDBPyRelation:
    """Per family convergence from ``f`` and the prepared ``got`` table."""
    bits = len(config.need_codes)
    if bits:
        overlap_terms = " | ".join(
            f"CASE WHEN count(*) FILTER (WHERE (pneeds >> {n}) & 1 = 1) >= 2 "
            f"THEN {1 << n} ELSE 0 END"
            for n in range(bits)
        )
    else:
        overlap_terms = "0"
    return con.sql(
        f"""
        WITH per_family AS (
            SELECT family_id, bit_or(pneeds) AS covered, ({overlap_terms})::BIGINT AS overlap,
                   max(stage) AS stage, count(*) AS programmes, sum(value) AS value,
                   sum(interventions) AS interventions, bool_or(outside) AS outside
            FROM got GROUP BY family_id
        )
        SELECT f.family_id, f.region_code, f.desil, f.status,
               {config.target_sql("f.status", "f.desil")} AS target,
               coalesce(f.needs, 0)::BIGINT AS needs,
               coalesce(g.covered, 0)::BIGINT AS covered,
               (coalesce(f.needs, 0) & ~coalesce(g.covered, 0))::BIGINT AS gaps,
               coalesce(g.overlap, 0)::BIGINT AS overlap,
               coalesce(g.stage, 0)::SMALLINT AS stage,
               coalesce(g.programmes, 0)::INTEGER AS programmes,
               coalesce(g.interventions, 0)::INTEGER AS interventions,
               coalesce(g.value, 0)::DOUBLE AS value,
               coalesce(g.outside, false) AS outside
        FROM f LEFT JOIN per_family g USING (family_id)
        """
    )


def _rollup(
    con, desa_sql: str, keys: list[str], sums: list[str], casts: dict[str, str]
) -> pa.Table:
    """Aggregate a per-desa query up to every level: counts of families are additive across
    desa (a family lives in one desa), so the levels are sums of the desa rows."""
    key_sql = "".join(f"{k}, " for k in keys)
    sum_sql = ", ".join(f"sum({c})::{casts.get(c, 'BIGINT')} AS {c}" for c in sums)
    return con.sql(
        f"""
        SELECT code AS region_code, {"level, " if not keys else ""}{key_sql}{sum_sql}
        FROM (SELECT *, {_levels("region_code")} FROM ({desa_sql}))
        GROUP BY code, level{"".join(f", {k}" for k in keys)}
        ORDER BY code{"".join(f", {k}" for k in keys)}
        """
    ).to_arrow_table()


def compute(
    families: pa.Table,
    programmes: pa.Table,
    interventions: pa.Table,
    *,
    config: ConvergenceConfig,
    locations: pa.Table | None = None,
    members: pa.Table | None = None,
) -> ConvergenceResult:
    """Convergence figures of one snapshot's families and one period's interventions.

    Parameters
    ----------
    families : pa.Table
        ``family_id``, ``region_code`` (desa code), ``desil``, ``status`` (welfare status
        code), ``needs`` (bitmask in ``config.need_codes`` order).
    programmes : pa.Table
        ``programme_id``, ``needs`` (mask of needs addressed), ``stage``, ``strategy``,
        ``sector``, ``funding_source``, ``organisation_id``, ``desil_min``, ``desil_max``.
    interventions : pa.Table
        ``programme_id``, ``family_id``, ``group_id``, ``status``, ``value`` — the period's
        interventions, persons already resolved to their family; a row without
        ``family_id`` is an intervention to the group ``group_id``.
    config : ConvergenceConfig
        Target statuses, received statuses, need bit order.
    locations : pa.Table, optional
        ``programme_id``, ``code``: where a programme runs (none = everywhere).
    members : pa.Table, optional
        ``group_id``, ``family_id``: the families of each group's members. A group
        intervention counts for each of them (a group-stage programme gives them the
        group-empowerment stage) with an equal share of its value.

    Returns
    -------
    ConvergenceResult
        ``families`` (one row per family), ``regions``, ``needs``, ``programmes`` and
        ``budget`` (one row per region code and key, at all four levels).

    Examples
    --------
    >>> import pyarrow as pa
    >>> fam = pa.table({"family_id": [1, 2], "region_code": ["32.04.05.2001"] * 2,
    ...                 "desil": [1, 2], "status": [1, 2], "needs": [1, 1]})
    >>> prog = pa.table({"programme_id": [7], "needs": [1], "stage": ["charity"]})
    >>> iv = pa.table({"programme_id": [7], "family_id": [1], "status": ["delivered"],
    ...                "value": [100.0]})
    >>> r = compute(fam, prog, iv, config=ConvergenceConfig(need_codes=("water",)))
    >>> r.regions.filter(pa.compute.equal(r.regions["level"], 4))["unreached_families"][0]
    <pyarrow.Int64Scalar: 1>
    """
    con = duckdb.connect()
    con.register("f", conform(families, FAMILY_INPUT))
    con.register("p", conform(programmes, PROGRAMME_INPUT))
    con.register("i", conform(interventions, INTERVENTION_INPUT))
    con.register("loc", conform(locations, LOCATION_INPUT))
    con.register("gm", conform(members, MEMBER_INPUT))
    _prepare(con, config)
    fc = family_convergence(con, config).to_arrow_table()
    con.register("fc", fc)
    region_sums = {
        "families": "true",
        "target_families": "target",
        "reached_families": "target AND programmes > 0",
        "unreached_families": "target AND programmes = 0",
        "fully_covered_families": "target AND needs <> 0 AND gaps = 0",
        "overlap_families": "overlap <> 0",
        "nontarget_reached": "NOT target AND programmes > 0",
        "outside_eligibility_families": "outside",
        "stage_charity": "target AND stage = 1",
        "stage_individual": "target AND stage = 2",
        "stage_group": "target AND stage = 3",
        "stage_graduated": "target AND stage = 4",
    }
    desa_regions = (
        "SELECT region_code, "
        + ", ".join(f"count(*) FILTER (WHERE {cond}) AS {name}"
                    for name, cond in region_sums.items())
        + ", coalesce(sum(interventions), 0) AS interventions, "
        "coalesce(sum(value), 0) AS value FROM fc GROUP BY region_code"
    )
    regions = _rollup(con, desa_regions, [], [*region_sums, "interventions", "value"],
                      {"value": "DOUBLE"})
    need_cols = []
    for n in range(len(config.need_codes)):
        has = f"(needs >> {n}) & 1 = 1"
        cov = f"(covered >> {n}) & 1 = 1"
        need_cols.append(
            f"count(*) FILTER (WHERE target AND {has}) AS d{n}, "
            f"count(*) FILTER (WHERE target AND {has} AND {cov}) AS c{n}, "
            f"count(*) FILTER (WHERE {cov}) AS f{n}, "
            f"count(*) FILTER (WHERE (overlap >> {n}) & 1 = 1) AS o{n}"
        )
    need_names = ["target_deprived", "target_covered", "families_covered", "overlap_families"]
    if need_cols:
        con.execute(
            "CREATE OR REPLACE TEMP TABLE nd AS SELECT region_code, "
            + ", ".join(need_cols) + " FROM fc GROUP BY region_code"
        )
        unpivot = " UNION ALL ".join(
            f"SELECT region_code, '{code}' AS indicator, d{n} AS target_deprived, "
            f"c{n} AS target_covered, f{n} AS families_covered, o{n} AS overlap_families "
            f"FROM nd"
            for n, code in enumerate(config.need_codes)
        )
        needs = _rollup(con, unpivot, ["indicator"], need_names, {})
    else:
        needs = pa.table({"region_code": pa.array([], pa.string()),
                          "indicator": pa.array([], pa.string()),
                          **{c: pa.array([], pa.int64()) for c in need_names}})
    # Eligibility counted on (desa, desil, target) groups, not families: cheap at any scale.
    desa_programmes = f"""
        WITH grp AS (
            SELECT region_code, desil, {config.target_sql()} AS target,
                   count(*) AS n
            FROM f GROUP BY ALL
        ),
        eligible AS (
            SELECT p.programme_id, g.region_code, sum(g.n) AS eligible
            FROM pp p CROSS JOIN grp g
            LEFT JOIN ploc pl ON pl.programme_id = p.programme_id
                 AND pl.region_code = g.region_code
            WHERE {_eligible_sql("g.desil", "g.target")}
            GROUP BY ALL
        ),
        benef AS (
            SELECT programme_id, region_code, count(*) AS beneficiaries,
                   count(*) FILTER (WHERE NOT outside) AS eligible_reached,
                   sum(value) AS value
            FROM got GROUP BY ALL
        )
        SELECT programme_id, region_code,
               coalesce(e.eligible, 0) AS eligible,
               coalesce(b.beneficiaries, 0) AS beneficiaries,
               coalesce(b.beneficiaries, 0) - coalesce(b.eligible_reached, 0)
                   AS inclusion_errors,
               coalesce(e.eligible, 0) - coalesce(b.eligible_reached, 0) AS exclusions,
               coalesce(b.value, 0) AS value
        FROM eligible e FULL JOIN benef b USING (programme_id, region_code)
    """
    programme_rows = _rollup(
        con, desa_programmes, ["programme_id"],
        ["eligible", "beneficiaries", "inclusion_errors", "exclusions", "value"],
        {"value": "DOUBLE"},
    )
    budget_parts = [
        f"""SELECT g.region_code, '{dim}' AS dimension,
                   coalesce(CAST(p.{dim} AS VARCHAR), '') AS key,
                   count(DISTINCT g.family_id) AS families,
                   sum(g.interventions) AS interventions, sum(g.value) AS value
            FROM got g JOIN pp p USING (programme_id) GROUP BY ALL"""
        for dim in BUDGET_DIMENSIONS
    ]
    budget = _rollup(
        con, " UNION ALL ".join(budget_parts), ["dimension", "key"],
        ["families", "interventions", "value"], {"value": "DOUBLE"},
    )
    return ConvergenceResult(
        families=fc, regions=regions, needs=needs, programmes=programme_rows, budget=budget
    )
