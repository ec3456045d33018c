"""Reads of region master data for pages."""

import json

from django.db.models import Count
from django.db.models.functions import Substr

from konvergen.core import jobs
from konvergen.regions.codes import ancestors
from konvergen.regions.filters import overlap_q
from konvergen.regions.models import Level, Region


def region_ancestors(region: Region) -> list[Region]:
    return list(Region.objects.filter(code__in=ancestors(region.code)).order_by("level"))


def last_failure(kinds, region_code: str):
    """The failed background job (or after-import hook) behind the figures a page shows for
    ``region_code``: looked for in the region, every region above it and every one below it
    (``core.jobs.last_failure``)."""
    return jobs.last_failure(kinds, overlap_q(region_code, "region_code"))


def region_children(parent_code: str | None) -> list[Region]:
    """Active children of a region (provinces when ``parent_code`` is None), each annotated
    with ``desa_count``: the number of desa/kelurahan below it, from one grouped query."""
    qs = Region.objects.filter(is_active=True)
    children = list(
        qs.filter(parent_id=parent_code) if parent_code else qs.filter(level=Level.PROVINCE)
    )
    if not children:
        return []
    prefix_len = len(children[0].code)
    villages = qs.filter(level=Level.DESA)
    if parent_code:
        # A range on the primary key instead of LIKE 'x.%', which SQLite cannot index
        # ('/' sorts right after '.'; codes hold only digits and dots).
        villages = villages.filter(code__gt=parent_code + ".", code__lt=parent_code + "/")
    counts = dict(
        villages.annotate(prefix=Substr("code", 1, prefix_len))
        .values("prefix")
        .annotate(n=Count("code"))
        .values_list("prefix", "n")
    )
    for child in children:
        child.desa_count = 1 if child.level == Level.DESA else counts.get(child.code, 0)  # type: ignore[attr-defined]
    return children


def regions_by_codes(codes: list[str]) -> list[Region]:
    return list(Region.objects.filter(code__in=codes).order_by("code"))


def active_children(code: str) -> list[Region]:
    """The active regions directly below ``code``: codes, names and levels only (no desa
    counts, unlike ``region_children``)."""
    return list(
        Region.objects.filter(parent_id=code, is_active=True)
        .only("code", "name", "level")
        .order_by("code")
    )


def region_names(codes) -> dict[str, str]:
    """The name of each region of ``codes`` (code → name; unknown codes left out)."""
    return dict(Region.objects.filter(code__in=list(codes)).values_list("code", "name"))


def region_by_code(code: str) -> Region | None:
    """The region of ``code``, or ``None``."""
    return Region.objects.filter(code=code).first()


def region_with_parent(code: str) -> Region | None:
    """The region of ``code`` with its parent loaded, or ``None``."""
    return Region.objects.filter(code=code).select_related("parent").first()


def region_map_features(regions: list[Region]) -> dict:
    """A GeoJSON FeatureCollection: polygons where loaded, centroid points otherwise."""
    features = []
    for region in regions:
        if region.geometry:
            geometry = json.loads(region.geometry)
        elif region.latitude is not None and region.longitude is not None:
            geometry = {"type": "Point", "coordinates": [region.longitude, region.latitude]}
        else:
            continue
        features.append(
            {
                "type": "Feature",
                "geometry": geometry,
                "properties": {
                    "code": region.code,
                    "name": region.name,
                    "desa_count": getattr(region, "desa_count", None),
                },
            }
        )
    return {"type": "FeatureCollection", "features": features}
