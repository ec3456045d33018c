"""Writing a prepared snapshot into the register tables, set-wise.

Identities are resolved in DuckDB against the stored ids, so every table is loaded with one
bulk transfer (PostgreSQL ``COPY``, SQLite ``executemany``) and existing identities are
refreshed with one ``UPDATE … FROM`` (PostgreSQL and SQLite ≥ 3.33).
"""

import logging
import time

import duckdb
import pyarrow as pa
import pyarrow.compute as pc
from django.db import connection

from konvergen.registry import bulk
from konvergen.registry.models import (
    Family,
    FamilyRecord,
    ImportIssue,
    Person,
    PersonRecord,
)

log = logging.getLogger(__name__)


#: Family columns kept on the identity row as "current" values.
FAMILY_CURRENT = ["region_code", "kk_number", "head_name", "head_nik", "address", "desil"]
PERSON_CURRENT = ["nik", "name", "sex", "birth_date", "relation"]


def _text_columns(model, names) -> set[str]:
    """Columns of ``model`` that are NOT NULL text (the Arrow NULLs become '')."""
    fields = {f.column: f for f in model._meta.concrete_fields}
    return {
        n
        for n in names
        if n in fields and fields[n].get_internal_type() == "CharField" and not fields[n].null
    }


def _q(name: str) -> str:
    return connection.ops.quote_name(name)


def _execute(sql: str, params=()) -> int:
    start = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        count = cursor.rowcount
    log.debug("%.2fs %s rows: %s", time.perf_counter() - start, count, " ".join(sql.split())[:90])
    return count


def write_snapshot(*, snapshot, families: pa.Table, members: pa.Table) -> dict:
    """Store one snapshot's accepted families and members; return row counts.

    Identities are matched on the source IDs in DuckDB; new ones get ids reserved from the
    table's sequence, so families, persons and both record tables are loaded straight into
    their final tables (``COPY`` / ``executemany``) with no join in the database. Identities
    seen before get this snapshot's current values through one ``UPDATE … FROM`` a table.
    """
    dataset_id, snapshot_id = snapshot.dataset_id, snapshot.pk
    family_ids = _identities(Family, dataset_id, families.column("family_id"))
    con = duckdb.connect()
    con.register("fam", families)
    con.register("fid", family_ids)
    fam = con.sql(
        "SELECT fid.id AS family_pk, fid.is_new, fam.* FROM fam JOIN fid"
        " ON fid.source_id = fam.family_id"
    ).to_arrow_table()
    person_ids = _identities(Person, dataset_id, members.column("person_id"))
    con.register("mem", members)
    con.register("pid", person_ids)
    con.register("famk", fam.select(["family_id", "family_pk", "region_code"]))
    per = con.sql(
        "SELECT pid.id AS person_pk, pid.is_new, famk.family_pk, famk.region_code"
        " AS family_region, mem.* FROM mem JOIN pid ON pid.source_id = mem.person_id"
        " JOIN famk ON famk.family_id = mem.family_id"
    ).to_arrow_table()
    con.close()

    current = {"last_snapshot_id": snapshot_id, "is_current": True, "dataset_id": dataset_id}
    family_rows = _with_constants(
        fam.select(["family_pk", "family_id", *FAMILY_CURRENT]).rename_columns(
            ["id", "source_id", *FAMILY_CURRENT]), current)
    _store_identities(Family, family_rows, fam.column("is_new"))
    person_rows = _with_constants(
        per.select(["person_pk", "person_id", "family_pk", "family_region", *PERSON_CURRENT])
        .rename_columns(["id", "source_id", "family_id", "region_code", *PERSON_CURRENT]),
        current)
    _store_identities(Person, person_rows, per.column("is_new"))
    for model in (Family, Person):  # identities absent from this snapshot
        _execute(
            f"UPDATE {model._meta.db_table} SET is_current = %s WHERE dataset_id = %s"
            " AND last_snapshot_id <> %s AND is_current = %s",
            [False, dataset_id, snapshot_id, True],
        )

    record_cols = [c for c in families.column_names if c != "family_id"]
    records = _with_constants(
        fam.select(["family_pk", *record_cols]).rename_columns(["family_id", *record_cols]),
        {"snapshot_id": snapshot_id})
    _load(FamilyRecord, records)
    person_cols = [c for c in members.column_names
                   if c not in ("person_id", "family_id", "nik_sex", "nik_birth_date")]
    records = _with_constants(
        per.select(["person_pk", "family_pk", *person_cols])
        .rename_columns(["person_id", "family_id", *person_cols]),
        {"snapshot_id": snapshot_id})
    _load(PersonRecord, records)
    return {"family_records": fam.num_rows, "person_records": per.num_rows}


def _identities(model, dataset_id: int, source_ids: pa.ChunkedArray) -> pa.Table:
    """``source_id, id, is_new`` for every source ID: the stored id, or a fresh one reserved
    from the table's id sequence."""
    table = model._meta.db_table
    existing = bulk.fetch_arrow(
        connection, f"SELECT source_id, id FROM {table} WHERE dataset_id = %s", [dataset_id])
    con = duckdb.connect()
    con.register("src", pa.table({"source_id": source_ids}))
    con.register("old", existing.cast(pa.schema([("source_id", pa.string()),
                                                 ("id", pa.int64())])))
    fresh = con.sql("SELECT count(*) FROM src LEFT JOIN old USING (source_id)"
                    " WHERE old.id IS NULL").fetchall()[0][0]
    base = _reserve_ids(table, fresh)
    result = con.sql(
        f"SELECT src.source_id, COALESCE(old.id, {base} + row_number() OVER"
        f" (PARTITION BY old.id IS NULL ORDER BY src.source_id)) AS id,"
        f" old.id IS NULL AS is_new FROM src LEFT JOIN old USING (source_id)"
    ).to_arrow_table()
    con.close()
    return result


def _reserve_ids(table: str, n: int) -> int:
    """Reserve ``n`` ids; return the one before the first. The import's transaction holds
    the table lock, so no other writer takes ids in between."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"LOCK TABLE {table} IN SHARE ROW EXCLUSIVE MODE")
            cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {table}")
            base = cursor.fetchone()[0]
            if n:
                cursor.execute("SELECT setval(pg_get_serial_sequence(%s, 'id'), %s)",
                               [table, base + n])
        else:  # SQLite: the IMMEDIATE transaction already excludes other writers
            cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {table}")
            base = cursor.fetchone()[0]
    return int(base)


def _with_constants(table: pa.Table, constants: dict) -> pa.Table:
    for name, value in constants.items():
        kind = pa.bool_() if isinstance(value, bool) else pa.int64()
        table = table.append_column(name, pa.array([value] * table.num_rows, kind))
    return table


def _load(model, table: pa.Table) -> None:
    start = time.perf_counter()
    name = model._meta.db_table
    with bulk.indexes_deferred(connection, name, table.num_rows) as deferred:
        bulk.insert_table(connection, name, table,
                          not_null_text=_text_columns(model, table.column_names))
        loaded = time.perf_counter()
    log.debug("%.2fs loaded %s rows into %s (+%.2fs index build%s)", loaded - start,
              table.num_rows, name, time.perf_counter() - loaded,
              "" if deferred else ", none deferred")


def _store_identities(model, rows: pa.Table, is_new: pa.ChunkedArray) -> None:
    """Insert the new identities; give the known ones this snapshot's current values."""
    _load(model, rows.filter(is_new))
    known = rows.filter(pc.invert(is_new))
    if known.num_rows == 0:
        return
    tmp = f"tmp_{model._meta.db_table}"
    bulk.create_temp_table(connection, tmp, known.schema)
    bulk.insert_table(connection, tmp, known)
    table = model._meta.db_table
    text = _text_columns(model, known.column_names)
    columns = [c for c in known.column_names if c not in ("id", "source_id", "dataset_id")]
    assignments = ", ".join(
        f"{_q(c)} = COALESCE(t.{_q(c)}, '')" if c in text else f"{_q(c)} = t.{_q(c)}"
        for c in columns)
    _execute(f"UPDATE {table} SET {assignments} FROM {tmp} t WHERE {table}.id = t.id")
    _execute(f"DROP TABLE {tmp}")


def write_issues(*, snapshot, rejections: pa.Table, flags: pa.Table) -> None:
    for kind, table in ((ImportIssue.Kind.REJECTION, rejections), (ImportIssue.Kind.FLAG, flags)):
        if table.num_rows == 0:
            continue
        n = table.num_rows
        data = table.select(
            [
                "file",
                "row_number",
                "column",
                "value",
                "reason",
                "message_id",
                "message_en",
                "record_id",
            ]
        )
        data = data.append_column("snapshot_id", pa.array([snapshot.pk] * n, pa.int64()))
        data = data.append_column("kind", pa.array([kind.value] * n, pa.string()))
        value = data.column("value").cast(pa.string())
        data = data.set_column(
            data.column_names.index("value"), "value", pc.utf8_slice_codeunits(value, 0, 300)
        )
        bulk.insert_table(
            connection,
            ImportIssue._meta.db_table,
            data,
            not_null_text={
                "file",
                "column",
                "value",
                "reason",
                "message_id",
                "message_en",
                "record_id",
                "kind",
            },
        )
