"""Moving Arrow tables into the database in bulk: PostgreSQL ``COPY``, SQLite ``executemany``.

Rows never become Django model instances: a 3.6-million-person snapshot goes through here
as record batches. PostgreSQL receives them in ``COPY``'s binary format (encoded from Arrow
by ``pgpq``), which spares the server from parsing text: 3.5M persons load in about 60 % of
the time a CSV ``COPY`` takes (docs/benchmarks.md).
"""

import io
import logging
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
from pgpq import ArrowToPostgresBinaryEncoder

log = logging.getLogger(__name__)

_BATCH_ROWS = 100_000
#: Loads smaller than this keep their indexes (rebuilding costs more than it saves).
DEFER_INDEXES_MIN_ROWS = 50_000


#: PostgreSQL column types and the Arrow types their binary ``COPY`` input must have.
_PG_ARROW_TYPES = {
    "smallint": pa.int16(),
    "integer": pa.int32(),
    "bigint": pa.int64(),
    "real": pa.float32(),
    "double precision": pa.float64(),
    "boolean": pa.bool_(),
    "date": pa.date32(),
    "text": pa.string(),
    "character varying": pa.string(),
    "character": pa.string(),
    "timestamp with time zone": pa.timestamp("us", tz="UTC"),
    "timestamp without time zone": pa.timestamp("us"),
}


def constant_column(value: int | bool, rows: int) -> pa.Array:
    """``rows`` copies of an integer (int64) or boolean, built in numpy (a Python list of a
    million ints costs a tenth of a second to convert)."""
    dtype = np.bool_ if isinstance(value, bool) else np.int64
    return pa.array(np.full(rows, value, dtype=dtype))


def _for_database(table: pa.Table, not_null_text: set[str], *, dates_as_text: bool) -> pa.Table:
    """Empty text instead of NULL for NOT NULL text columns; for SQLite, dates as ISO text."""
    columns = []
    for name, column in zip(table.column_names, table.columns, strict=True):
        if pa.types.is_dictionary(column.type):
            column = column.cast(column.type.value_type)
        if dates_as_text and (pa.types.is_date(column.type) or pa.types.is_timestamp(column.type)):
            column = column.cast(pa.string())
        if name in not_null_text:
            column = pc.fill_null(column.cast(pa.string()), "")
        columns.append(column)
    return pa.table(columns, names=table.column_names)


def _postgres_schema(cursor, table_name: str, columns: list[str]) -> pa.Schema | None:
    """The Arrow schema a binary ``COPY`` into these columns of a table must use, or None
    when a column has a type without one here (JSON: such tables go as CSV)."""
    cursor.execute(
        "SELECT attname, format_type(atttypid, NULL) FROM pg_attribute"
        " WHERE attrelid = %s::regclass AND attnum > 0 AND NOT attisdropped",
        [table_name],
    )
    types = dict(cursor.fetchall())
    if any(types.get(c) not in _PG_ARROW_TYPES for c in columns):
        return None
    return pa.schema([(c, _PG_ARROW_TYPES[types[c]]) for c in columns])


def _copy(cursor, table_name: str, quoted_table: str, quoted: str, data: pa.Table) -> None:
    schema = _postgres_schema(cursor, table_name, data.column_names)
    raw = cursor.cursor  # the psycopg cursor under Django's wrapper
    if schema is None:
        options = pacsv.WriteOptions(include_header=False, batch_size=_BATCH_ROWS)
        with raw.copy(f"COPY {quoted_table} ({quoted}) FROM STDIN (FORMAT csv)") as copy:
            for batch in data.to_batches(_BATCH_ROWS):
                buffer = io.BytesIO()
                pacsv.write_csv(batch, buffer, write_options=options)
                copy.write(buffer.getvalue())
        return
    data = data.cast(schema)
    encoder = ArrowToPostgresBinaryEncoder(data.schema)
    with raw.copy(f"COPY {quoted_table} ({quoted}) FROM STDIN (FORMAT binary)") as copy:
        copy.write(encoder.write_header())
        for batch in data.to_batches(_BATCH_ROWS):
            copy.write(encoder.write_batch(batch))
        copy.write(encoder.finish())


def insert_table(
    connection, table_name: str, data: pa.Table, *, not_null_text: Iterable[str] = ()
) -> int:
    """Insert every row of ``data`` (column names = database column names) into a table."""
    if data.num_rows == 0:
        return 0
    postgres = connection.vendor == "postgresql"
    data = _for_database(data, set(not_null_text), dates_as_text=not postgres)
    quoted = ", ".join(connection.ops.quote_name(c) for c in data.column_names)
    with connection.cursor() as cursor:
        if postgres:
            _copy(cursor, table_name, connection.ops.quote_name(table_name), quoted, data)
        else:
            marks = ", ".join(["%s"] * data.num_columns)
            sql = f"INSERT INTO {connection.ops.quote_name(table_name)} ({quoted}) VALUES ({marks})"
            for batch in data.to_batches(_BATCH_ROWS):
                cursor.executemany(sql, zip(*(c.to_pylist() for c in batch.columns), strict=True))
    return data.num_rows


def create_temp_table(connection, name: str, schema: pa.Schema) -> None:
    """A temporary table with text/number/bool columns matching an Arrow schema."""
    types = []
    for field in schema:
        if pa.types.is_integer(field.type):
            sql_type = "bigint"
        elif pa.types.is_floating(field.type):
            sql_type = "double precision" if connection.vendor == "postgresql" else "real"
        elif pa.types.is_boolean(field.type):
            sql_type = "boolean"
        elif pa.types.is_date(field.type):
            sql_type = "date" if connection.vendor == "postgresql" else "text"
        else:
            sql_type = "text"
        types.append(f"{connection.ops.quote_name(field.name)} {sql_type}")
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {name}")
        cursor.execute(f"CREATE TEMPORARY TABLE {name} ({', '.join(types)})")


_SEP = "\x1f"  # ASCII unit separator: never in register text


def _read_text(data: bytes, schema: dict[str, pa.DataType], *, delimiter: str,
               quote: bool) -> pa.Table:
    return pacsv.read_csv(
        io.BytesIO(data),
        read_options=pacsv.ReadOptions(column_names=list(schema)),
        parse_options=pacsv.ParseOptions(delimiter=delimiter,
                                         quote_char='"' if quote else False),
        convert_options=pacsv.ConvertOptions(
            column_types=schema,
            true_values=["t", "true", "1"],
            false_values=["f", "false", "0"],
            strings_can_be_null=False,
        ),
    )


def _cast_text(table: pa.Table, schema: dict[str, pa.DataType]) -> pa.Table:
    columns = []
    for name, kind in schema.items():
        column = table.column(name)
        if not pa.types.is_string(kind):
            column = pc.if_else(pc.equal(column, ""), None, column)
            if pa.types.is_boolean(kind):
                column = pc.equal(column, "1")
            column = column.cast(kind)
        columns.append(column)
    return pa.table(columns, names=list(schema))


def _empty(schema: dict[str, pa.DataType]) -> pa.Table:
    return pa.table({n: pa.array([], t) for n, t in schema.items()})


def fetch_typed(connection, source: str, params: list | tuple,
                schema: dict[str, pa.DataType], *, prefix: str = "") -> pa.Table:
    """``SELECT`` the ``schema`` columns (each ``prefix`` + name) ``FROM source`` (a table
    expression with its WHERE clause) into an Arrow table of those types.

    PostgreSQL: ``COPY (SELECT …) TO STDOUT`` in CSV straight into the Arrow CSV reader.
    SQLite: each row concatenated to one separated line by SQLite itself, one fetch, then the
    same reader: an order of magnitude fewer Python objects than a row-tuple fetch. NULL
    text comes back as ''."""
    quote = connection.ops.quote_name
    if connection.vendor == "postgresql":
        columns = ", ".join(f"{prefix}{quote(c)}" for c in schema)
        with connection.cursor() as cursor:
            query = cursor.cursor.mogrify(f"SELECT {columns} FROM {source}", params)
            buffer = io.BytesIO()
            with cursor.cursor.copy(f"COPY ({query}) TO STDOUT (FORMAT csv)") as copy:
                for chunk in copy:
                    buffer.write(chunk)
        if not buffer.getvalue():
            return _empty(schema)
        return _read_text(buffer.getvalue(), schema, delimiter=",", quote=True)
    # ifnull() keeps SQLite's own text form of each value (dates are stored as ISO text).
    line = " || char(31) || ".join(f"ifnull({prefix}{quote(c)}, '')" for c in schema)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {line} FROM {source}", params)
        rows = [r[0] for r in cursor.fetchall()]
    if not rows:
        return _empty(schema)
    try:
        result = _read_text("\n".join(rows).encode(), schema, delimiter=_SEP, quote=False)
    except pa.ArrowInvalid:
        result = None
    if result is None or result.num_rows != len(rows):
        # A value held a line break: split each row in Python instead (slower, still correct).
        split = zip(*(r.split(_SEP) for r in rows), strict=True)
        text = pa.table([pa.array(c, pa.string()) for c in split], names=list(schema))
        result = _cast_text(text, schema)
    return result


def fetch_arrow(connection, sql: str, params: list | tuple = ()) -> pa.Table:
    """Run a query and return its rows as an Arrow table (column names from the cursor)."""
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        names = [d[0] for d in cursor.description]
        rows = cursor.fetchall()
    if not rows:
        return pa.table({n: pa.array([], pa.string()) for n in names})
    return pa.table({n: list(col) for n, col in zip(names, zip(*rows, strict=True), strict=True)})


def _deferrable_indexes(connection, table_name: str) -> list[tuple[str, str]]:
    """``(drop statement, create statement)`` for every index of a table, in the order to
    drop them; the indexes are created in the reverse order.

    On PostgreSQL this includes the primary key (rebuilt from sorted ids in a fraction of
    what maintaining it row by row costs) and, first, the foreign keys of other tables that
    reference it, which cannot outlive the primary key; they are validated again when
    added back. SQLite's primary key is the table's rowid itself.
    """
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                """SELECT c.conrelid::regclass::text, c.conname, pg_get_constraintdef(c.oid)
                   FROM pg_constraint c
                   WHERE c.contype = 'f' AND c.confrelid = %s::regclass
                   ORDER BY 1, 2""",
                [table_name],
            )
            quote = connection.ops.quote_name
            result = [(f"ALTER TABLE {quote(other)} DROP CONSTRAINT {quote(name)}",
                       f"ALTER TABLE {quote(other)} ADD CONSTRAINT {quote(name)} {definition}")
                      for other, name, definition in cursor.fetchall()]
            cursor.execute(
                """SELECT i.relname, pg_get_indexdef(i.oid), c.conname,
                          pg_get_constraintdef(c.oid)
                   FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid
                   LEFT JOIN pg_constraint c ON c.conindid = x.indexrelid
                        AND c.conrelid = x.indrelid
                   WHERE x.indrelid = %s::regclass
                   ORDER BY x.indisprimary, i.relname""",
                [table_name],
            )
            table = quote(table_name)
            for index, index_def, constraint, constraint_def in cursor.fetchall():
                if constraint:
                    result.append((f"ALTER TABLE {table} DROP CONSTRAINT {quote(constraint)}",
                                   f"ALTER TABLE {table} ADD CONSTRAINT {quote(constraint)}"
                                   f" {constraint_def}"))
                else:
                    result.append((f"DROP INDEX {quote(index)}", index_def))
            return result
        cursor.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = %s"
            " AND sql IS NOT NULL ORDER BY name",
            [table_name],
        )
        return [(f"DROP INDEX {connection.ops.quote_name(name)}", sql)
                for name, sql in cursor.fetchall()]


def _row_estimate(connection, table_name: str) -> int:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # The planner's estimate: exact enough to compare with a bulk load's size.
            cursor.execute("SELECT GREATEST(reltuples, 0)::bigint FROM pg_class"
                           " WHERE oid = %s::regclass", [table_name])
            estimate = cursor.fetchone()[0]
            if estimate:
                return int(estimate)
        cursor.execute(f"SELECT count(*) FROM {connection.ops.quote_name(table_name)}")
        return int(cursor.fetchone()[0])


@contextmanager
def indexes_deferred(connection, table_name: str, incoming_rows: int, *,
                     min_share: float = 1.0) -> Iterator[bool]:
    """Build a table's indexes after a bulk load (or a bulk update) instead of row by row.

    Only when the rows written are at least ``min_share`` of the rows already there (a
    load that doubles the table, typically a first snapshot; an update of most of it, a
    second source of the same families): building an index from sorted rows is several
    times faster than inserting millions of random keys one by one (every non-HOT update
    inserts into every index), but rebuilding a large existing index for a small write is
    not. Inside
    the caller's transaction, so a failed load leaves the indexes as they were. On
    PostgreSQL the dropped index takes an exclusive lock on the table until commit:
    readers of that table wait for the import, which is the price of the faster load.
    Yields whether the indexes were deferred.
    """
    small = incoming_rows < DEFER_INDEXES_MIN_ROWS
    if small or incoming_rows < min_share * _row_estimate(connection, table_name):
        yield False
        return
    indexes = _deferrable_indexes(connection, table_name)
    with connection.cursor() as cursor:
        for drop, _create in indexes:
            cursor.execute(drop)
    yield True
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL maintenance_work_mem = '512MB'")
        for _drop, create in reversed(indexes):
            start = time.perf_counter()
            cursor.execute(create)
            log.debug("%.2fs %s", time.perf_counter() - start, create)
