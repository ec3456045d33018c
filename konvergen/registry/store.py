"""Writing a prepared snapshot into the register tables, set-wise.

The prepared families and members go into temporary tables once; identities, current values
and per-snapshot records are then derived from them with a handful of INSERT … SELECT and
UPDATE … FROM statements that the database runs on whole sets (PostgreSQL and SQLite ≥ 3.33).
"""

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

TMP_FAMILY = "tmp_register_family"
TMP_PERSON = "tmp_register_person"

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
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount


def write_snapshot(*, snapshot, families: pa.Table, members: pa.Table) -> dict:
    """Store one snapshot's accepted families and members; return row counts."""
    dataset_id, snapshot_id = snapshot.dataset_id, snapshot.pk
    fam = families.rename_columns(
        ["source_id" if n == "family_id" else n for n in families.column_names]
    )
    per = members.drop_columns(
        [c for c in ("nik_sex", "nik_birth_date") if c in members.column_names]
    )
    per = per.rename_columns(
        [
            {"person_id": "source_id", "family_id": "family_source_id"}.get(n, n)
            for n in per.column_names
        ]
    )

    bulk.create_temp_table(connection, TMP_FAMILY, fam.schema)
    bulk.insert_table(connection, TMP_FAMILY, fam)
    bulk.create_temp_table(connection, TMP_PERSON, per.schema)
    bulk.insert_table(connection, TMP_PERSON, per)
    _execute(f"CREATE INDEX {TMP_FAMILY}_sid ON {TMP_FAMILY} (source_id)")
    _execute(f"CREATE INDEX {TMP_PERSON}_sid ON {TMP_PERSON} (source_id)")
    if connection.vendor == "postgresql":
        _execute(f"ANALYZE {TMP_FAMILY}")
        _execute(f"ANALYZE {TMP_PERSON}")

    family_t, person_t = Family._meta.db_table, Person._meta.db_table
    _upsert_identities(
        table=family_t,
        tmp=TMP_FAMILY,
        current=FAMILY_CURRENT,
        dataset_id=dataset_id,
        snapshot_id=snapshot_id,
        model=Family,
        extra_cols=[],
        extra_select=[],
        join="",
    )
    # A person's family is looked up by the source family ID within the dataset.
    _upsert_identities(
        table=person_t,
        tmp=TMP_PERSON,
        current=[*PERSON_CURRENT, "region_code"],
        dataset_id=dataset_id,
        snapshot_id=snapshot_id,
        model=Person,
        extra_cols=["family_id"],
        extra_select=["f.id"],
        join=f" JOIN {family_t} f ON f.dataset_id = %s AND f.source_id = t.family_source_id",
        region_from_family=True,
    )

    family_cols = [c for c in fam.column_names if c != "source_id"]
    record_t = FamilyRecord._meta.db_table
    text = _text_columns(FamilyRecord, family_cols)
    select = ", ".join(
        f"COALESCE(t.{_q(c)}, '')" if c in text else f"t.{_q(c)}" for c in family_cols
    )
    n_families = _execute(
        f"INSERT INTO {record_t} (snapshot_id, family_id, {', '.join(map(_q, family_cols))})"
        f" SELECT %s, f.id, {select} FROM {TMP_FAMILY} t"
        f" JOIN {family_t} f ON f.dataset_id = %s AND f.source_id = t.source_id",
        [snapshot_id, dataset_id],
    )
    person_cols = [c for c in per.column_names if c not in ("source_id", "family_source_id")]
    precord_t = PersonRecord._meta.db_table
    text = _text_columns(PersonRecord, person_cols)
    select = ", ".join(
        f"COALESCE(t.{_q(c)}, '')" if c in text else f"t.{_q(c)}" for c in person_cols
    )
    n_persons = _execute(
        f"INSERT INTO {precord_t} (snapshot_id, person_id, family_id,"
        f" {', '.join(map(_q, person_cols))})"
        f" SELECT %s, p.id, p.family_id, {select} FROM {TMP_PERSON} t"
        f" JOIN {person_t} p ON p.dataset_id = %s AND p.source_id = t.source_id",
        [snapshot_id, dataset_id],
    )
    _execute(f"DROP TABLE {TMP_FAMILY}")
    _execute(f"DROP TABLE {TMP_PERSON}")
    return {"family_records": n_families, "person_records": n_persons}


def _upsert_identities(
    *,
    table,
    tmp,
    current,
    dataset_id,
    snapshot_id,
    model,
    extra_cols,
    extra_select,
    join,
    region_from_family=False,
) -> None:
    text = _text_columns(model, current)

    def value(c: str) -> str:
        if region_from_family and c == "region_code":
            return "f.region_code"
        return f"COALESCE(t.{_q(c)}, '')" if c in text else f"t.{_q(c)}"

    join_params = [dataset_id] if join else []
    # 1. Update the identities seen before with this snapshot's values.
    assignments = ", ".join(f"{_q(c)} = s.{_q(c)}" for c in current + extra_cols)
    inner = ", ".join(
        [f"{value(c)} AS {_q(c)}" for c in current]
        + [f"{sel} AS {_q(col)}" for col, sel in zip(extra_cols, extra_select, strict=True)]
    )
    _execute(
        f"UPDATE {table} SET {assignments}, last_snapshot_id = %s, is_current = %s"
        f" FROM (SELECT t.source_id AS source_id, {inner} FROM {tmp} t{join}) s"
        f" WHERE {table}.dataset_id = %s AND {table}.source_id = s.source_id",
        [snapshot_id, True, *join_params, dataset_id],
    )
    # 2. Insert the identities this snapshot introduces.
    cols = ["dataset_id", "source_id", "last_snapshot_id", "is_current", *current, *extra_cols]
    _execute(
        f"INSERT INTO {table} ({', '.join(map(_q, cols))})"
        f" SELECT %s, t.source_id, %s, %s, {inner} FROM {tmp} t{join}"
        f" WHERE NOT EXISTS (SELECT 1 FROM {table} x"
        f"  WHERE x.dataset_id = %s AND x.source_id = t.source_id)",
        [dataset_id, snapshot_id, True, *join_params, dataset_id],
    )
    # 3. Identities absent from this snapshot are no longer current.
    _execute(
        f"UPDATE {table} SET is_current = %s WHERE dataset_id = %s AND last_snapshot_id <> %s"
        " AND is_current = %s",
        [False, dataset_id, snapshot_id, True],
    )


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
