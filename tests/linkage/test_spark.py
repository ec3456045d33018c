"""The same pipeline on Apache Spark (Splink's Spark backend, local session)."""

import pyarrow as pa
import pytest

from konvergen.linkage.engine.dedupe import dedupe_register
from konvergen.linkage.engine.link import link_list
from konvergen.linkage.engine.model import train_model

pytestmark = pytest.mark.slow

LIST = pa.table({
    "nik": [None, "3204050207650001", None, "3204055511940010", None],
    "nama": ["Rizki Ramadhan", "Dede Kurnia", "Asep Saepudin", "Neng Yuliani", "Joko Widodo"],
    "tanggal_lahir": ["15-08-2005", "03-05-1990", "21-09-1992", "15-11-1994", "21-06-1961"],
    "jenis_kelamin": ["L", "L", "L", "P", "L"],
    "kode_wilayah": ["3204052001", "3204052002", "3204052001", "3204052001", "3204052001"],
})


@pytest.fixture(scope="module")
def spark():
    from konvergen.linkage.engine.spark import local_spark_session

    session = local_spark_session(cores=2, memory="1g")
    yield session
    session.stop()


def test_spark_backend_gives_the_duckdb_answers(register, model, spark):
    spark_model = train_model(register, backend="spark", spark=spark, seed=7, max_pairs=2e4)
    nik = spark_model.settings["comparisons"][0]["comparison_levels"]
    assert nik[1]["u_probability"] == pytest.approx(1 / register.num_rows)

    on_spark = link_list(LIST, register, model, backend="spark", spark=spark)
    on_duckdb = link_list(LIST, register, model)
    assert on_spark.column("person_id").to_pylist() == ["A3", "E3", "C1", "C2", None]
    assert on_spark.column("person_id").to_pylist() == on_duckdb.column("person_id").to_pylist()
    assert on_spark.column("status").to_pylist() == on_duckdb.column("status").to_pylist()
    for a, b in zip(on_spark.column("match_probability").to_pylist(),
                    on_duckdb.column("match_probability").to_pylist(), strict=True):
        assert a == pytest.approx(b, abs=1e-9)

    pairs = dedupe_register(register, model, backend="spark", spark=spark, threshold=0.5)
    assert pairs.num_rows == dedupe_register(register, model, threshold=0.5).num_rows
