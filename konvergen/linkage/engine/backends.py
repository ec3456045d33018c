"""Which database runs Splink: embedded DuckDB (default) or Apache Spark.

Feature preparation always runs in DuckDB over Arrow; only pair generation, scoring and
parameter estimation run on the chosen backend.
"""

import pyarrow as pa

BACKENDS = ("duckdb", "spark")


def dialect_of(backend: str) -> str:
    if backend not in BACKENDS:
        raise ValueError(f"unknown backend {backend!r}; choose one of {', '.join(BACKENDS)}")
    return backend


def db_api(backend: str = "duckdb", *, spark=None, duckdb_connection=None):
    """A Splink database API for ``backend``.

    Parameters
    ----------
    backend : {"duckdb", "spark"}
    spark : pyspark.sql.SparkSession, optional
        The session to use for ``"spark"``; a small local one is started when omitted
        (see :func:`konvergen.linkage.engine.spark.local_spark_session`).
    duckdb_connection : duckdb.DuckDBPyConnection, optional
        Connection for ``"duckdb"`` (a fresh in-memory one by default).
    """
    dialect_of(backend)
    if backend == "spark":
        from konvergen.linkage.engine.spark import spark_api

        return spark_api(spark)
    from splink import DuckDBAPI

    return DuckDBAPI(duckdb_connection) if duckdb_connection is not None else DuckDBAPI()


def register(api, table: pa.Table, name: str):
    """Register an Arrow table with a Splink database API under a unique name."""
    import uuid

    return api.register(table, table_name=f"{name}_{uuid.uuid4().hex[:8]}")
