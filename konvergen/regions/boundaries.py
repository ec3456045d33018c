"""Reading boundary polygons from GeoJSON, GeoPackage or Shapefile. No Django.

Uses pyogrio (GDAL, shipped inside its wheel) to read into Arrow and shapely to compute
centroids and GeoJSON in vectorised calls.
"""

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyogrio
import shapely

from konvergen.regions.codes import normalise_code

CODE_FIELD_CANDIDATES = (
    "kode",
    "kode_wilayah",
    "kode_kemendagri",
    "kdepum",
    "kdcpum",
    "kdpkab",
    "kode_kec",
    "kode_desa",
    "code",
    "id",
)


class BoundaryFileError(ValueError):
    pass


@dataclass
class Boundaries:
    codes: list[str]
    geometries: list[str]  # GeoJSON geometry objects as text
    centroids: list[tuple[float, float]]  # (lat, lon)
    code_field: str


def read_boundaries(
    path: Path, *, code_field: str | None = None, tolerance: float = 0.0
) -> Boundaries:
    """Read polygons keyed by Kemendagri code, reprojected to WGS 84.

    ``code_field`` names the attribute holding the code; by default the first of
    :data:`CODE_FIELD_CANDIDATES` present whose values look like region codes.
    ``tolerance`` (degrees) simplifies the polygons, preserving topology.
    """
    try:
        info = pyogrio.read_info(path)
        meta, table = pyogrio.read_arrow(path)
    except Exception as exc:  # GDAL raises several error types for unreadable files
        raise BoundaryFileError(f"Cannot read {path}: {exc}") from exc
    fields = [str(f) for f in info["fields"]]
    field = code_field or _guess_code_field(table, fields)
    if field not in table.column_names:
        raise BoundaryFileError(f"{path}: no attribute {field!r}; attributes: {fields}")
    geom_col = meta["geometry_name"] or "wkb_geometry"
    geoms = shapely.from_wkb(np.asarray(table.column(geom_col).to_pylist(), dtype=object))
    crs = info.get("crs")
    if crs and "4326" not in str(crs) and "WGS 84" not in str(crs) and "CRS84" not in str(crs):
        raise BoundaryFileError(f"{path}: expected WGS 84 coordinates (EPSG:4326), got {crs}")
    if tolerance > 0:
        geoms = shapely.simplify(geoms, tolerance, preserve_topology=True)
    centroids = shapely.centroid(geoms)
    lat = shapely.get_y(centroids)
    lon = shapely.get_x(centroids)
    geojson = shapely.to_geojson(shapely.set_precision(geoms, 1e-5))
    return Boundaries(
        codes=[str(c) for c in table.column(field).to_pylist()],
        geometries=list(geojson),
        centroids=list(zip(lat.tolist(), lon.tolist(), strict=True)),
        code_field=field,
    )


def _guess_code_field(table, fields: list[str]) -> str:
    lower = {f.lower(): f for f in fields}
    for candidate in CODE_FIELD_CANDIDATES:
        if candidate in lower:
            values = table.column(lower[candidate]).to_pylist()[:20]
            if values and all(normalise_code(v) for v in values):
                return lower[candidate]
    raise BoundaryFileError(
        f"No attribute with Kemendagri codes among {fields}; name it with --code-field"
    )
