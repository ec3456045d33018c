"""Writes to the region master data: loading a code list, attaching BPS codes and boundaries.

Each load runs in one transaction, is idempotent (a second run with the same input changes
nothing) and writes one audit row summarising what it changed.
"""

from dataclasses import dataclass, field

import pyarrow as pa
from django.db import transaction

from konvergen.audit.services import audit_record
from konvergen.regions.codes import kind_of, level_of, normalise_code, parent_of, province_of
from konvergen.regions.models import CodeListVersion, Region

_BATCH = 2000
_SAMPLE = 50  # how many changed codes an audit row or report lists by name


@dataclass
class RegionLoadReport:
    added: list[str] = field(default_factory=list)
    renamed: list[tuple[str, str, str]] = field(default_factory=list)  # code, old, new
    retired: list[str] = field(default_factory=list)
    reactivated: list[str] = field(default_factory=list)
    unchanged: int = 0
    version: str = ""

    @property
    def changed(self) -> bool:
        return bool(self.added or self.renamed or self.retired or self.reactivated)

    def as_dict(self) -> dict:
        return {
            "version": self.version,
            "added": len(self.added),
            "renamed": len(self.renamed),
            "retired": len(self.retired),
            "reactivated": len(self.reactivated),
            "unchanged": self.unchanged,
            "added_sample": self.added[:_SAMPLE],
            "renamed_sample": [list(r) for r in self.renamed[:_SAMPLE]],
            "retired_sample": self.retired[:_SAMPLE],
        }


def region_list_load(
    *, table: pa.Table, version_label: str, source: str, acting_user=None
) -> RegionLoadReport:
    """Bring the region table in line with a code list.

    ``table`` has columns code, name, latitude, longitude, population, area_km2 (the last four
    may be null). Codes missing from the list are retired (kept, marked inactive) but only
    within the provinces the list covers, so a one-province file does not retire the rest of
    the country. Coordinates, population and area are only overwritten when given.
    """
    rows = {r["code"]: r for r in table.to_pylist()}
    _check_hierarchy(rows)
    report = RegionLoadReport(version=version_label)
    existing = {r.code: r for r in Region.objects.all()}
    provinces = {province_of(code) for code in rows}

    to_create: list[Region] = []
    to_update: list[Region] = []
    for code in sorted(rows, key=lambda c: (level_of(c), c)):
        row = rows[code]
        region = existing.get(code)
        if region is None:
            to_create.append(
                Region(
                    code=code,
                    name=row["name"],
                    level=level_of(code),
                    kind=kind_of(code, row["name"]),
                    parent_id=parent_of(code),
                    latitude=row["latitude"],
                    longitude=row["longitude"],
                    population=row["population"],
                    area_km2=row["area_km2"],
                )
            )
            report.added.append(code)
            continue
        dirty = False
        if region.name != row["name"]:
            report.renamed.append((code, region.name, row["name"]))
            region.name = row["name"]
            region.kind = kind_of(code, row["name"])
            dirty = True
        if not region.is_active:
            region.is_active = True
            report.reactivated.append(code)
            dirty = True
        for attr in ("latitude", "longitude", "population", "area_km2"):
            if row[attr] is not None and getattr(region, attr) != row[attr]:
                setattr(region, attr, row[attr])
                dirty = True
        if dirty:
            to_update.append(region)
        else:
            report.unchanged += 1
    to_retire = [
        r
        for code, r in existing.items()
        if r.is_active and code not in rows and province_of(code) in provinces
    ]
    report.retired = sorted(r.code for r in to_retire)

    if not report.changed and not to_update:
        return report
    with transaction.atomic():
        version = CodeListVersion.objects.create(
            label=version_label, source=source, summary=report.as_dict()
        )
        for region in to_create:
            region.version = version
        Region.objects.bulk_create(to_create, batch_size=_BATCH)
        for region in to_update:
            region.version = version
        Region.objects.bulk_update(
            to_update,
            [
                "name",
                "kind",
                "is_active",
                "latitude",
                "longitude",
                "population",
                "area_km2",
                "version",
            ],
            batch_size=_BATCH,
        )
        for region in to_retire:
            region.is_active = False
        Region.objects.bulk_update(to_retire, ["is_active"], batch_size=_BATCH)
        audit_record(
            actor=acting_user,
            action="regions.load",
            obj=version,
            changes={"source": source, **report.as_dict()},
        )
    return report


def _check_hierarchy(rows: dict) -> None:
    orphans = [c for c in rows if parent_of(c) and parent_of(c) not in rows]
    known = (
        set(
            Region.objects.filter(code__in=[parent_of(c) for c in orphans]).values_list(
                "code", flat=True
            )
        )
        if orphans
        else set()
    )
    missing = [c for c in orphans if parent_of(c) not in known]
    if missing:
        raise ValueError(
            f"{len(missing)} codes have no parent in the list or the database, e.g. {missing[:5]}"
        )


@dataclass
class CrosswalkReport:
    updated: int
    unchanged: int
    unknown_codes: list[str]


def region_bps_codes_set(*, pairs: list[tuple[str, str]], acting_user=None) -> CrosswalkReport:
    """Store BPS codes beside Kemendagri codes from (bps_code, kemendagri_code) pairs."""
    wanted = {}
    unknown = []
    for bps, kemendagri in pairs:
        code = normalise_code(kemendagri)
        if code is None:
            unknown.append(str(kemendagri))
            continue
        wanted[code] = str(bps).strip()
    regions = {r.code: r for r in Region.objects.filter(code__in=list(wanted))}
    unknown += sorted(set(wanted) - set(regions))
    changed = [r for code, r in regions.items() if r.bps_code != wanted[code]]
    for region in changed:
        region.bps_code = wanted[region.code]
    if changed:
        with transaction.atomic():
            Region.objects.bulk_update(changed, ["bps_code"], batch_size=_BATCH)
            audit_record(
                actor=acting_user,
                action="regions.bps_codes",
                object_type="regions.region",
                changes={
                    "updated": len(changed),
                    "sample": {r.code: r.bps_code for r in changed[:_SAMPLE]},
                },
            )
    return CrosswalkReport(len(changed), len(regions) - len(changed), unknown)


@dataclass
class BoundaryReport:
    matched: int
    updated: int
    unmatched_codes: list[str]
    level_mismatch: list[str]
    regions_without_polygon: int


def region_boundaries_attach(
    *,
    codes: list[str],
    geometries: list[str],
    centroids: list[tuple[float, float]],
    level: int,
    source: str,
    acting_user=None,
) -> BoundaryReport:
    """Attach GeoJSON polygons (already simplified) to the regions of ``level``."""
    by_code = {}
    unmatched, wrong_level = [], []
    for raw, geom, centroid in zip(codes, geometries, centroids, strict=True):
        code = normalise_code(raw)
        if code is None:
            unmatched.append(str(raw))
            continue
        if level_of(code) != level:
            wrong_level.append(code)
            continue
        by_code[code] = (geom, centroid)
    regions = {r.code: r for r in Region.objects.filter(code__in=list(by_code))}
    unmatched += sorted(set(by_code) - set(regions))
    changed = []
    for code, region in regions.items():
        geom, (lat, lon) = by_code[code]
        if region.geometry != geom or region.latitude is None:
            region.geometry = geom
            if region.latitude is None:
                region.latitude, region.longitude = lat, lon
            changed.append(region)
    with transaction.atomic():
        Region.objects.bulk_update(changed, ["geometry", "latitude", "longitude"], batch_size=500)
        if changed:
            audit_record(
                actor=acting_user,
                action="regions.boundaries",
                object_type="regions.region",
                changes={
                    "source": source,
                    "level": level,
                    "updated": len(changed),
                    "unmatched": unmatched[:_SAMPLE],
                },
            )
    without = Region.objects.filter(level=level, is_active=True, geometry="").count()
    return BoundaryReport(len(regions), len(changed), unmatched, wrong_level, without)
