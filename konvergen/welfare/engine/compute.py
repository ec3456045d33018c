"""Status, needs and aggregates of one snapshot, set-wise in DuckDB. No Django.

Two passes over the data: one grouped pass over the persons (one row per family of member
aggregates), one pass over the families joined to it (status, need bitmask, MPI score), then
one grouped pass with GROUPING SETS for desa, kecamatan, kab/kota and province at once.
Aggregates are stored as additive sums (counts, person-weighted sums), so the figures of
several snapshots (two kabupaten of one province) add up, and every ratio — shares, MPI H, A,
M0, FGT P0, P1, P2 — is a division done when a page reads them.
"""

from dataclasses import dataclass

import duckdb
import pyarrow as pa

from konvergen.regions.codes import sql_prefix
from konvergen.welfare.engine.config import (
    DAYS_PER_MONTH,
    EXTREME,
    METHOD_CONSUMPTION,
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
from konvergen.welfare.engine.measures import SCORE_TOLERANCE
from konvergen.welfare.engine.rules import literal, rule_sql

#: Columns the engine reads; any of them may be missing from the input (then all NULL).
FAMILY_INPUT = {
    "family_id": pa.int64(),
    "region_code": pa.string(),
    "desil": pa.int64(),
    "member_count": pa.int64(),
    "per_capita_expenditure": pa.float64(),
    "floor_area_m2": pa.float64(),
    "house_ownership": pa.string(),
    "roof_type": pa.string(),
    "wall_type": pa.string(),
    "floor_type": pa.string(),
    "lighting_source": pa.string(),
    "cooking_fuel": pa.string(),
    "water_source": pa.string(),
    "toilet_facility": pa.string(),
    "toilet_type": pa.string(),
    "electricity_power": pa.string(),
    "has_savings": pa.bool_(),
    "stunting_risk": pa.bool_(),
    "receives_bpnt": pa.bool_(),
    "receives_bpum": pa.bool_(),
    "receives_bst": pa.bool_(),
    "receives_pkh": pa.bool_(),
    "receives_sembako": pa.bool_(),
}
PERSON_INPUT = {
    "family_id": pa.int64(),
    "relation": pa.string(),
    "birth_date": pa.date32(),
    "education": pa.string(),
    "school_participation": pa.string(),
    "health_insurance": pa.string(),
    "marital_status": pa.string(),
    "disability": pa.string(),
    "chronic_illness": pa.string(),
    "occupation": pa.string(),
}

#: Region levels by the number of dot-separated parts of the code.
LEVELS = {1: "province", 2: "kabkota", 3: "kecamatan", 4: "desa"}


@dataclass
class WelfareResult:
    """What :func:`compute` returns.

    Attributes
    ----------
    families : pyarrow.Table
        One row per family: ``family_id, region_code, status, needs, score, mpi_poor,
        persons``. ``needs`` is a bitmask, bit i for ``indicators[i]``.
    regions : pyarrow.Table
        One row per region code at every level (desa up to province): families and persons
        per status, MPI sums and FGT sums (see :data:`REGION_COLUMNS`).
    needs : pyarrow.Table
        One row per region code and indicator: ``region_code, indicator, families, persons,
        censored_persons`` (persons in families deprived and MPI-poor).
    indicators : list of Indicator
        The active indicators, in bit order.
    """

    families: pa.Table
    regions: pa.Table
    needs: pa.Table
    indicators: list[Indicator]


REGION_COLUMNS = [
    "region_code",
    "level",
    "families",
    "persons",
    *(f"families_{STATUS_KEYS[s]}" for s in STATUSES),
    *(f"persons_{STATUS_KEYS[s]}" for s in STATUSES),
    "mpi_poor_families",
    "mpi_poor_persons",
    "mpi_score_persons",
    "consumption_persons",
    "fgt0_persons",
    "fgt1_persons",
    "fgt2_persons",
]


def _conform(table: pa.Table, schema: dict[str, pa.DataType]) -> pa.Table:
    """Exactly the engine's columns and types, NULL where the input lacks one."""
    n = table.num_rows
    columns = []
    for name, kind in schema.items():
        if name in table.column_names:
            column = table.column(name)
            columns.append(column if column.type == kind else column.cast(kind))
        else:
            columns.append(pa.nulls(n, kind))
    return pa.table(columns, names=list(schema))


def _status_sql(rules: StatusRules) -> str:
    by_desil = (
        f"CASE WHEN f.desil IS NULL THEN {UNKNOWN}"
        f" WHEN f.desil <= {int(rules.desil_extreme)} THEN {EXTREME}"
        f" WHEN f.desil <= {int(rules.desil_poor)} THEN {POOR}"
        f" WHEN f.desil <= {int(rules.desil_vulnerable)} THEN {VULNERABLE}"
        f" ELSE {NOT_POOR} END"
    )
    if rules.method != METHOD_CONSUMPTION:
        return by_desil
    daily = f"(f.per_capita_expenditure / {DAYS_PER_MONTH!r})"
    line, extreme = float(rules.poverty_line_day or 0), float(rules.extreme_line_day or 0)
    vulnerable = line * float(rules.vulnerable_factor)
    return (
        f"CASE WHEN f.per_capita_expenditure IS NULL THEN {by_desil}"
        f" WHEN {daily} < {extreme!r} THEN {EXTREME}"
        f" WHEN {daily} < {line!r} THEN {POOR}"
        f" WHEN {daily} < {vulnerable!r} THEN {VULNERABLE}"
        f" ELSE {NOT_POOR} END"
    )


def classify(
    families: pa.Table,
    persons: pa.Table,
    *,
    rules: StatusRules,
    indicators: list[Indicator],
    reference_date,
    con: duckdb.DuckDBPyConnection | None = None,
) -> pa.Table:
    """Welfare status, need bitmask and MPI score of every family.

    Parameters
    ----------
    families : pyarrow.Table
        One row per family with ``family_id``, ``region_code`` (desa code) and any of the
        attribute columns of :data:`FAMILY_INPUT` (canonical codes).
    persons : pyarrow.Table
        One row per member with ``family_id`` and any columns of :data:`PERSON_INPUT`.
    rules : StatusRules
    indicators : list of Indicator
        The indicator set; inactive ones are skipped, the active ones' weights sum to 1.
    reference_date : datetime.date
        The date ages are counted at (the snapshot date).

    Returns
    -------
    pyarrow.Table
        ``family_id, region_code, status, needs, score, mpi_poor, persons``.

    Examples
    --------
    >>> import datetime as dt, pyarrow as pa
    >>> from konvergen.welfare.engine.config import DEFAULT_INDICATORS, StatusRules
    >>> fam = pa.table({"family_id": [1, 2], "region_code": ["32.04.05.2001"] * 2,
    ...                 "desil": [1, 7], "water_source": ["air_permukaan", "leding_meteran"]})
    >>> per = pa.table({"family_id": [1, 2], "relation": ["kepala", "kepala"]})
    >>> out = classify(fam, per, rules=StatusRules(), indicators=list(DEFAULT_INDICATORS),
    ...                reference_date=dt.date(2026, 1, 15))
    >>> out.column("status").to_pylist(), out.column("needs").to_pylist()
    ([1, 4], [1, 0])
    """
    rules.validate()
    active = validate_indicators(indicators)
    con = con or duckdb.connect()
    con.register("fam_in", _conform(families, FAMILY_INPUT))
    con.register("per_in", _conform(persons, PERSON_INPUT))
    built = [rule_sql(i.rule, i.code, i.params) for i in active]
    member_aggs = {name: sql for b in built for name, sql in b.member_aggs.items()}
    agg_sql = "".join(f", {sql} AS {name}" for name, sql in member_aggs.items())
    ref = reference_date.isoformat()
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE member_agg AS
        SELECT p.family_id, count(*) AS n_persons {agg_sql}
        FROM (SELECT *, date_sub('year', birth_date, DATE '{ref}') AS age FROM per_in) p
        GROUP BY p.family_id"""
    )
    bits = " + ".join(
        f"(CASE WHEN {b.family_expr} THEN {1 << i} ELSE 0 END)::BIGINT" for i, b in enumerate(built)
    )
    score = " + ".join(
        f"(CASE WHEN {b.family_expr} THEN {float(i.weight)!r} ELSE 0 END)"
        for i, b in zip(active, built, strict=True)
    )
    weight_sum = sum(float(i.weight) for i in active)
    k = float(rules.mpi_k) - SCORE_TOLERANCE
    return con.sql(
        f"""WITH f AS (
            SELECT fi.*, coalesce(nullif(m.n_persons, 0), fi.member_count, 1)::INTEGER
                AS persons
            FROM fam_in fi LEFT JOIN member_agg m USING (family_id)
        ), scored AS (
            SELECT f.family_id, f.region_code, ({_status_sql(rules)})::TINYINT AS status,
                   ({bits})::BIGINT AS needs, ({score}) / {weight_sum!r} AS score, f.persons,
                   f.per_capita_expenditure
            FROM f LEFT JOIN member_agg m USING (family_id)
        )
        SELECT family_id, region_code, status, needs, score, score >= {k!r} AS mpi_poor,
               persons, per_capita_expenditure
        FROM scored ORDER BY family_id"""
    ).to_arrow_table()


def person_needs(
    persons: pa.Table, *, indicators: list[Indicator], reference_date
) -> pa.Table:
    """Which member triggers which need, for the indicators decided by one member.

    Family-level indicators (housing, water, …) and those that look at all members together
    ("no adult completed primary school") are left out: no single person triggers them.

    Parameters
    ----------
    persons : pyarrow.Table
        Members with ``person_id`` and any columns of :data:`PERSON_INPUT`.
    indicators : list of Indicator
    reference_date : datetime.date
        The date ages are counted at.

    Returns
    -------
    pyarrow.Table
        ``person_id`` and ``needs``: the list of indicator codes that person triggers.

    Examples
    --------
    >>> import datetime as dt, pyarrow as pa
    >>> from konvergen.welfare.engine.config import DEFAULT_INDICATORS
    >>> per = pa.table({"person_id": [1, 2], "family_id": [1, 1],
    ...                 "relation": ["kepala", "anak"],
    ...                 "birth_date": [dt.date(1980, 1, 1), dt.date(2014, 1, 1)],
    ...                 "school_participation": ["tidak_sekolah_lagi", "tidak_sekolah_lagi"]})
    >>> out = person_needs(per, indicators=list(DEFAULT_INDICATORS),
    ...                    reference_date=dt.date(2026, 1, 15))
    >>> out.column("needs").to_pylist()
    [[], ['school_attendance']]
    """
    active = validate_indicators(indicators)
    built = [(i.code, rule_sql(i.rule, i.code, i.params).person_expr) for i in active]
    cases = [f"CASE WHEN coalesce({expr}, FALSE) THEN {literal(code)} END"
             for code, expr in built if expr]
    con = duckdb.connect()
    ids = persons.column("person_id")
    con.register("per_in", _conform(persons, PERSON_INPUT).append_column("person_id", ids))
    needs = (f"list_filter([{', '.join(cases)}], lambda x: x IS NOT NULL)" if cases
             else "[]::VARCHAR[]")
    ref = reference_date.isoformat()
    return con.sql(
        f"SELECT person_id, {needs} AS needs FROM (SELECT *, date_sub('year', birth_date,"
        f" DATE '{ref}') AS age FROM per_in) p"
    ).to_arrow_table()


def aggregate(
    classified: pa.Table,
    *,
    rules: StatusRules,
    indicators: list[Indicator],
    con: duckdb.DuckDBPyConnection | None = None,
) -> tuple[pa.Table, pa.Table]:
    """Sums per region code at every level, from the output of :func:`classify`.

    Returns ``(regions, needs)`` as described on :class:`WelfareResult`. FGT sums are filled
    only when ``rules.poverty_line_day`` is set, over the families with an expenditure figure
    (``consumption_persons`` of them, person-weighted).
    """
    active = [i for i in indicators if i.active]
    con = con or duckdb.connect()
    con.register("classified", classified)
    status_cols = ", ".join(
        f"count(*) FILTER (WHERE status = {s}) AS families_{STATUS_KEYS[s]}, "
        f"coalesce(sum(persons) FILTER (WHERE status = {s}), 0) AS persons_{STATUS_KEYS[s]}"
        for s in STATUSES
    )
    z = (float(rules.poverty_line_day) * DAYS_PER_MONTH) if rules.poverty_line_day else None
    if z:
        gap = f"greatest(({z!r} - y) / {z!r}, 0)"
        fgt = (
            "coalesce(sum(persons) FILTER (WHERE y IS NOT NULL), 0) AS consumption_persons, "
            f"coalesce(sum(persons) FILTER (WHERE y < {z!r}), 0) AS fgt0_persons, "
            f"coalesce(sum(persons * {gap}) FILTER (WHERE y IS NOT NULL), 0) AS fgt1_persons, "
            f"coalesce(sum(persons * {gap} * {gap}) FILTER (WHERE y IS NOT NULL), 0)"
            " AS fgt2_persons"
        )
    else:
        fgt = (
            "0 AS consumption_persons, 0 AS fgt0_persons, 0.0 AS fgt1_persons, 0.0 AS fgt2_persons"
        )
    need_cols = ", ".join(
        f"count(*) FILTER (WHERE needs & {1 << i} <> 0) AS n{i}, "
        f"coalesce(sum(persons) FILTER (WHERE needs & {1 << i} <> 0), 0) AS p{i}, "
        f"coalesce(sum(persons) FILTER (WHERE needs & {1 << i} <> 0 AND mpi_poor), 0) AS c{i}"
        for i in range(len(active))
    )
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE grouped AS
        WITH c AS (
            SELECT *, per_capita_expenditure AS y,
                   {sql_prefix("region_code", 1)} AS l1,
                   {sql_prefix("region_code", 2)} AS l2,
                   {sql_prefix("region_code", 3)} AS l3,
                   region_code AS l4
            FROM classified
        )
        SELECT coalesce(l4, l3, l2, l1) AS region_code,
               (CASE WHEN l4 IS NOT NULL THEN 4 WHEN l3 IS NOT NULL THEN 3
                     WHEN l2 IS NOT NULL THEN 2 ELSE 1 END)::TINYINT AS level,
               count(*) AS families, coalesce(sum(persons), 0) AS persons, {status_cols},
               count(*) FILTER (WHERE mpi_poor) AS mpi_poor_families,
               coalesce(sum(persons) FILTER (WHERE mpi_poor), 0) AS mpi_poor_persons,
               coalesce(sum(persons * score) FILTER (WHERE mpi_poor), 0.0)
                   AS mpi_score_persons,
               {fgt}{", " + need_cols if need_cols else ""}
        FROM c GROUP BY GROUPING SETS ((l1), (l1, l2), (l1, l2, l3), (l1, l2, l3, l4))"""
    )
    floats = {"mpi_score_persons", "fgt1_persons", "fgt2_persons"}
    select = ", ".join(
        c
        if c in ("region_code", "level")
        else f"{c}::{'DOUBLE' if c in floats else 'BIGINT'} AS {c}"
        for c in REGION_COLUMNS
    )
    regions = con.sql(f"SELECT {select} FROM grouped ORDER BY region_code").to_arrow_table()
    if active:
        union = " UNION ALL ".join(
            f"SELECT region_code, {literal_code(i.code)} AS indicator, {n} AS position,"
            f" n{n} AS families, p{n} AS persons, c{n} AS censored_persons FROM grouped"
            for n, i in enumerate(active)
        )
        needs = con.sql(
            f"SELECT region_code, indicator, families::BIGINT AS families,"
            f" persons::BIGINT AS persons, censored_persons::BIGINT AS censored_persons"
            f" FROM ({union}) ORDER BY region_code, position"
        ).to_arrow_table()
    else:
        needs = pa.table(
            {
                "region_code": pa.array([], pa.string()),
                "indicator": pa.array([], pa.string()),
                "families": pa.array([], pa.int64()),
                "persons": pa.array([], pa.int64()),
                "censored_persons": pa.array([], pa.int64()),
            }
        )
    return regions, needs


def literal_code(code: str) -> str:
    return "'" + code.replace("'", "''") + "'"


def compute(
    families: pa.Table,
    persons: pa.Table,
    *,
    rules: StatusRules,
    indicators: list[Indicator],
    reference_date,
) -> WelfareResult:
    """Classify every family and aggregate to every region level in one DuckDB session.

    Parameters are those of :func:`classify`; see :class:`WelfareResult` for the output.

    Examples
    --------
    >>> import datetime as dt, pyarrow as pa
    >>> from konvergen.welfare.engine.config import DEFAULT_INDICATORS, StatusRules
    >>> fam = pa.table({"family_id": [1, 2, 3], "desil": [1, 3, 9],
    ...                 "region_code": ["32.04.05.2001", "32.04.05.2002", "32.04.06.2001"]})
    >>> per = pa.table({"family_id": [1, 2, 2, 3]})
    >>> r = compute(fam, per, rules=StatusRules(), indicators=list(DEFAULT_INDICATORS),
    ...             reference_date=dt.date(2026, 1, 15))
    >>> r.regions.filter(pa.compute.equal(r.regions["region_code"], "32.04"))[
    ...     "persons_vulnerable"].to_pylist()
    [2]
    """
    con = duckdb.connect()
    try:
        classified = classify(
            families,
            persons,
            rules=rules,
            indicators=indicators,
            reference_date=reference_date,
            con=con,
        )
        active = validate_indicators(indicators)
        regions, needs = aggregate(classified, rules=rules, indicators=active, con=con)
    finally:
        con.close()
    return WelfareResult(
        families=classified.drop_columns(["per_capita_expenditure"]),
        regions=regions,
        needs=needs,
        indicators=active,
    )
