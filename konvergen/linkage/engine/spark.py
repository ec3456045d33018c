"""Spark backend glue: a small local session for tests, and the Splink Spark API.

On a cluster, pass your own ``SparkSession`` (built with Splink's similarity jar on the
classpath, see ``docs/scale.md``) to the engine functions as ``spark=...``.
"""

import logging
import os
import tempfile


def similarity_jar() -> str:
    """Path of the Scala UDF jar (Jaro-Winkler, Damerau-Levenshtein) bundled with Splink."""
    from splink.internals.spark.jar_location import similarity_jar_location

    return similarity_jar_location()


def local_spark_session(*, cores: int = 2, memory: str = "1g", app_name: str = "konvergen-link"):
    """Start (or reuse) a local Spark session that works offline with little memory.

    Parameters
    ----------
    cores : int
        Local worker threads (``local[cores]``).
    memory : str
        Driver memory; in local mode the driver is the executor.
    """
    import sys

    from pyspark.sql import SparkSession

    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    builder = (
        SparkSession.builder.master(f"local[{cores}]")
        .appName(app_name)
        .config("spark.driver.memory", memory)
        .config("spark.jars", similarity_jar())
        .config("spark.sql.shuffle.partitions", str(max(2, cores * 2)))
        .config("spark.default.parallelism", str(max(2, cores * 2)))
        .config("spark.ui.enabled", "false")
        .config("spark.sql.execution.arrow.pyspark.enabled", "true")
        .config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.sql.session.timeZone", "UTC")
    )
    spark = builder.getOrCreate()
    spark.sparkContext.setLogLevel("ERROR")
    spark.sparkContext.setCheckpointDir(tempfile.mkdtemp(prefix="konvergen-spark-"))
    logging.getLogger("py4j").setLevel(logging.WARNING)
    return spark


def spark_api(spark=None):
    """Splink's Spark database API over ``spark`` (a local session when None)."""
    from splink import SparkAPI

    spark = spark or local_spark_session()
    return SparkAPI(spark_session=spark, break_lineage_method="persist")
