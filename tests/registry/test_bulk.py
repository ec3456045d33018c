"""Set-wise reads into Arrow (``core.bulk.fetch_typed``) on both database backends."""

import datetime as dt

import pyarrow as pa
from django.db import connection

from konvergen.core import bulk
from konvergen.registry.models import Family
from tests.conftest import tiny_p3ke_rows, write_p3ke

SCHEMA = {"source_id": pa.string(), "kk_number": pa.string(), "is_current": pa.bool_()}


def _import(personas, tmp_path):
    from konvergen.registry.services import dataset_get_or_create, register_import

    dataset = dataset_get_or_create(source="p3ke", region=personas.bandung)
    register_import(dataset=dataset, families_path=write_p3ke(tmp_path, *tiny_p3ke_rows())[0],
                    members_path=write_p3ke(tmp_path, *tiny_p3ke_rows())[1],
                    snapshot_date=dt.date(2026, 1, 15))


def test_rows_come_back_typed(personas, tmp_path):
    _import(personas, tmp_path)
    table = bulk.fetch_typed(connection, f"{Family._meta.db_table} f WHERE f.is_current = %s",
                             [True], SCHEMA, prefix="f.")
    assert table.schema.types == list(SCHEMA.values())
    assert sorted(table.column("source_id").to_pylist()) == ["P001", "P002", "P003"]
    assert set(table.column("is_current").to_pylist()) == {True}


def test_no_rows_give_an_empty_table_of_the_schema(personas, tmp_path):
    _import(personas, tmp_path)
    table = bulk.fetch_typed(connection, f"{Family._meta.db_table} f WHERE f.is_current = %s",
                             [False], SCHEMA, prefix="f.")
    assert table.num_rows == 0
    assert table.schema.names == list(SCHEMA)
