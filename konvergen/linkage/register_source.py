"""The stored register as the linkage engine's input: one row per current person."""

import pyarrow as pa
import pyarrow.compute as pc
from django.conf import settings
from django.db import connection

from konvergen.core.bulk import fetch_arrow
from konvergen.linkage.engine.neighbours import neighbour_pairs
from konvergen.regions.codes import descendant_prefix, province_of
from konvergen.regions.models import Level, Region
from konvergen.registry.models import Family, Person

_TEXT = ("person_id", "family_id", "nik", "name", "sex", "kk_number", "region_code", "address")


def register_table(dataset) -> pa.Table:
    """``person_id, family_id, nik, name, sex, birth_date, kk_number, region_code, address``
    (source IDs as imported) plus the database keys ``person_pk`` and ``family_pk``."""
    sql = (
        f"SELECT p.source_id AS person_id, f.source_id AS family_id, p.nik, p.name, p.sex,"
        f" p.birth_date, f.kk_number, f.region_code, f.address, p.id AS person_pk,"
        f" f.id AS family_pk"
        f" FROM {Person._meta.db_table} p JOIN {Family._meta.db_table} f ON f.id = p.family_id"
        f" WHERE p.dataset_id = %s AND p.is_current = %s"
    )
    table = fetch_arrow(connection, sql, [dataset.pk, True])
    columns = {}
    for name in table.column_names:
        column = table.column(name)
        if name in _TEXT:
            column = column.cast(pa.string())
            column = pc.if_else(pc.equal(column, ""), pa.scalar(None, pa.string()), column)
        elif name == "birth_date":
            column = (
                column.cast(pa.string()).cast(pa.date32()) if column.type != pa.date32() else column
            )
        columns[name] = column
    return pa.table(columns)


def neighbours(dataset, *, max_km: float | None = None) -> pa.Table | None:
    """Pairs of neighbouring desa (centroids within ``max_km``, default the
    ``KONVERGEN_LINKAGE_NEIGHBOUR_KM`` setting) with at least one side in the dataset's
    region; the other side may lie across the kab/kota border, anywhere in the province.
    ``None`` when no desa of the region has a centroid (the level then stays empty)."""
    return neighbours_of_region(dataset.region_id, max_km=max_km)


def neighbours_of_region(code: str, *, max_km: float | None = None) -> pa.Table | None:
    """:func:`neighbours` for a region code (kab/kota, kecamatan or province)."""
    max_km = settings.KONVERGEN_LINKAGE_NEIGHBOUR_KM if max_km is None else max_km
    if max_km <= 0 or not code:
        return None
    province = province_of(code)
    rows = list(
        Region.objects.filter(
            level=Level.DESA,
            code__startswith=descendant_prefix(province),
            latitude__isnull=False,
            longitude__isnull=False,
        ).values_list("code", "latitude", "longitude")
    )
    prefix = code + "."
    if not any(c.startswith(prefix) for c, _lat, _lon in rows):
        return None
    desa = pa.table(
        {
            "code": pa.array([r[0] for r in rows], pa.string()),
            "latitude": pa.array([r[1] for r in rows], pa.float64()),
            "longitude": pa.array([r[2] for r in rows], pa.float64()),
        }
    )
    pairs = neighbour_pairs(desa, max_km=max_km)
    inside = pc.or_(
        pc.starts_with(pairs.column("desa"), prefix),
        pc.starts_with(pairs.column("neighbour"), prefix),
    )
    return pairs.filter(inside)


def desa_lookup(dataset) -> pa.Table:
    """``code, name, kecamatan_code, kecamatan_name`` of the dataset region's desa, to
    resolve lists that give a desa name instead of a code."""
    desa = (
        Region.objects.filter(level=Level.DESA, code__startswith=dataset.region_id + ".")
        .select_related("parent")
        .only("code", "name", "parent__code", "parent__name")
    )
    rows = [(d.code, d.name, d.parent_id, d.parent.name if d.parent else "") for d in desa]
    names = ("code", "name", "kecamatan_code", "kecamatan_name")
    return pa.table({n: pa.array([r[i] for r in rows], pa.string()) for i, n in enumerate(names)})
