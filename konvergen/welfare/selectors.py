"""Reads for the region dashboard and the family needs panel, from precomputed summaries.

A region page shows one *source* (P3KE, DTKS …) *as of* a snapshot date: for every dataset of
that source overlapping the region, its latest computed snapshot on or before the date. The
stored sums of those snapshots add up per region code (two kabupaten make their province),
and the ratios are divided out here. Cells are suppressed for users without personal-data
rights on the region: any count of 1 … k-1 families, and every share of a region with fewer
than k families.
"""

import datetime as dt
import hashlib
from collections import defaultdict
from dataclasses import dataclass, field

import pyarrow as pa
from django.core.cache import cache
from django.db.models import Count, Max
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from konvergen.accounts import access
from konvergen.regions.filters import overlap_q
from konvergen.regions.models import Level, Region
from konvergen.welfare.engine import STATUS_KEYS, STATUSES
from konvergen.welfare.engine.compute import PERSON_INPUT, person_needs
from konvergen.welfare.engine.config import Indicator
from konvergen.welfare.engine.measures import poverty_measures
from konvergen.welfare.models import (
    DIMENSION_LABELS,
    FamilyWelfare,
    NeedSummary,
    RegionSummary,
    RuleSet,
    Status,
    WelfareRun,
)
from konvergen.welfare.services import small_cell_k

SUM_FIELDS = [
    "families",
    "persons",
    *(f"families_{STATUS_KEYS[s]}" for s in STATUSES),
    *(f"persons_{STATUS_KEYS[s]}" for s in STATUSES),
    "mpi_poor_families",
    "mpi_poor_persons",
    "mpi_score_persons",
    "consumption_persons",
    "fgt0_persons",
    "fgt1_persons",
    "fgt2_persons",
]
STATUS_COUNT_FIELDS = [f"families_{STATUS_KEYS[s]}" for s in STATUSES]

#: The map's fixed metrics (key, label); indicator shares are added as ``need:<code>``.
METRICS = [
    ("poor_share", _("Extreme poor and poor (share of families)")),
    ("extreme_share", _("Extreme poor (share of families)")),
    ("vulnerable_share", _("Vulnerable (share of families)")),
    ("mpi_m0", _("MPI (M0)")),
    ("mpi_h", _("MPI headcount (H)")),
    ("fgt_p0", _("Poverty headcount P0 (consumption)")),
]


@dataclass
class Figures:
    """Summed figures of one region code, with the ratios the pages show."""

    code: str
    name: str = ""
    sums: dict = field(default_factory=dict)
    needs: dict = field(default_factory=dict)  # indicator -> families deprived
    suppressed: bool = False

    def get(self, key: str):
        return self.sums.get(key, 0)

    def _ratio(self, num, den):
        if self.suppressed or not den:
            return None
        return num / den

    @property
    def metrics(self) -> dict:
        s = self.sums
        families = s.get("families", 0)
        values = {
            "poor_share": self._ratio(
                s.get("families_extreme", 0) + s.get("families_poor", 0), families
            ),
            "extreme_share": self._ratio(s.get("families_extreme", 0), families),
            "vulnerable_share": self._ratio(s.get("families_vulnerable", 0), families),
        }
        for key, value in poverty_measures(s).items():
            values[key] = None if self.suppressed else value
        for code, n in self.needs.items():
            values[f"need:{code}"] = self._ratio(n, families)
        return values

    def count(self, key: str, k: int, personal: bool):
        """A count as shown: None when it is a small cell the user may not see."""
        value = self.sums.get(key, 0) if key in self.sums else self.needs.get(key, 0)
        if not personal and 0 < value < k:
            return None
        return value


def runs_for_region(code: str) -> list[WelfareRun]:
    return list(
        WelfareRun.objects.filter(overlap_q(code, "snapshot__dataset__region__code"))
        .select_related("snapshot", "snapshot__dataset")
        .order_by("snapshot__snapshot_date", "snapshot_id")
    )


def _latest_per_dataset(runs: list[WelfareRun], as_of: dt.date) -> list[WelfareRun]:
    latest: dict[int, WelfareRun] = {}
    for run in runs:  # ordered by date
        if run.snapshot.snapshot_date <= as_of:
            latest[run.snapshot.dataset_id] = run
    return list(latest.values())


def _sum_rows(codes: list[str], snapshot_ids: list[int]) -> dict[str, Figures]:
    figures = {c: Figures(code=c) for c in codes}
    for row in RegionSummary.objects.filter(
        region_code__in=codes, snapshot_id__in=snapshot_ids
    ).values("region_code", *SUM_FIELDS):
        target = figures[row["region_code"]].sums
        for name in SUM_FIELDS:
            target[name] = target.get(name, 0) + row[name]
    for row in NeedSummary.objects.filter(
        region_code__in=codes, snapshot_id__in=snapshot_ids
    ).values_list("region_code", "indicator", "families"):
        needs = figures[row[0]].needs
        needs[row[1]] = needs.get(row[1], 0) + row[2]
    return figures


def _indicators(runs: list[WelfareRun]) -> list[dict]:
    english = (get_language() or "id").startswith("en")
    seen: dict[str, dict] = {}
    for run in runs:
        for i in run.indicators:
            if i["code"] not in seen:
                seen[i["code"]] = {
                    **i,
                    "label": i["name_en"] if english else i["name_id"],
                    "dimension_label": DIMENSION_LABELS.get(i["dimension"], i["dimension"]),
                }
    return list(seen.values())


def _suppress(figures: dict[str, Figures], k: int, personal: bool) -> None:
    if personal:
        return
    for f in figures.values():
        f.suppressed = f.sums.get("families", 0) < k


def _parse_date(value: str | None, dates: list[dt.date]) -> dt.date | None:
    try:
        wanted = dt.date.fromisoformat(value or "")
    except ValueError:
        return None
    return wanted if wanted in dates else None


#: Seconds a computed dashboard stays cached. The key holds every computed run's id and time,
#: so a recompute or new import is visible at once; the expiry only bounds memory.
CACHE_SECONDS = 600


def dashboard(user, region: Region, children: list[Region], params, *, full: bool = True) -> dict:
    """Everything the region dashboard shows, or ``{"welfare": None}`` when no snapshot
    covering the region has been computed. ``full=False`` skips the trend and comparison
    (the map's values need neither)."""
    runs = runs_for_region(region.code)
    if not runs:
        return {"welfare": None}
    personal = access.redaction(user, region.code).visible
    key = (
        # v2: the cached body carries "redacted" (entries from before it are not reused).
        "welfare-dashboard:v2:"
        + hashlib.sha256(
            repr(
                (
                    region.code,
                    [c.code for c in children],
                    [(r.pk, r.computed_at.isoformat()) for r in runs],
                    sorted((k, params.get(k, "")) for k in ("source", "as_of", "compare")),
                    personal,
                    full,
                    get_language(),
                    # Rules carry the small-cell k: any rule change renews the key.
                    RuleSet.objects.aggregate(n=Count("id"), at=Max("updated_at")),
                )
            ).encode()
        ).hexdigest()
    )
    cached = cache.get(key)
    if cached is None:
        cached = _dashboard(region, children, params, runs, personal=personal, full=full)
        cached["cache_key"] = key
        cache.set(key, cached, CACHE_SECONDS)
    return {"welfare": cached}


def _dashboard(region, children, params, runs, *, personal: bool, full: bool) -> dict:
    # One register a region: its latest run stands for every source (each family once).
    sources: list[str] = []
    source = None
    dates = sorted({r.snapshot.snapshot_date for r in runs}, reverse=True)
    as_of = _parse_date(params.get("as_of"), dates) or dates[0]
    compare = _parse_date(params.get("compare"), dates)
    current = _latest_per_dataset(runs, as_of)
    k = small_cell_k(region.code, as_of.year)
    names = {c.code: c.name for c in children}
    codes = [region.code, *names]
    figures = _sum_rows(codes, [r.snapshot_id for r in current])
    _suppress(figures, k, personal)
    for code, f in figures.items():
        f.name = names.get(code, region.name)
    child_rows = [figures[c] for c in names]
    indicators = _indicators(current)

    trend = []
    for date in sorted(dates) if full else []:
        at = _latest_per_dataset(runs, date)
        total = _sum_rows([region.code], [r.snapshot_id for r in at])[region.code]
        _suppress({region.code: total}, k, personal)
        trend.append((date, total))

    comparison = None
    if compare and full:
        before = _sum_rows(codes, [r.snapshot_id for r in _latest_per_dataset(runs, compare)])
        _suppress(before, k, personal)
        comparison = []
        for code in [*names, region.code]:
            a, b = before[code].metrics, figures[code].metrics
            comparison.append(
                {
                    "code": code,
                    "name": figures[code].name,
                    "before": a,
                    "after": b,
                    "change": {
                        key: (b[key] - a[key])
                        if a.get(key) is not None and b.get(key) is not None
                        else None
                        for key in ("poor_share", "extreme_share", "mpi_m0")
                    },
                }
            )

    metrics = [(key, label) for key, label in METRICS] + [
        (f"need:{i['code']}", i["label"]) for i in indicators
    ]
    data = {
        "sources": sources,
        "source": source,
        "dates": dates,
        "as_of": as_of,
        "compare": compare,
        "personal": personal,
        # Small cells hidden: the dashboard shows a note (``access.redaction``).
        "redacted": not personal,
        "k": k,
        "total": figures[region.code],
        "children": child_rows,
        "indicators": indicators,
        "trend": trend,
        "comparison": comparison,
        "metrics": metrics,
        "snapshots": current,
    }
    if full:
        data["view"] = presentation(data)
    return data


def status_labels() -> list[tuple[str, str]]:
    return [(STATUS_KEYS[s], str(Status(s).label)) for s in STATUSES]


def family_needs(family_id: int, snapshot_id: int, *,
                 redaction: access.Redaction) -> dict | None:
    """Status and needs of one family in one snapshot, labelled from the run's config; its
    members named only where ``redaction`` shows personal data ("member 1", ... otherwise)."""
    row = FamilyWelfare.objects.filter(family_id=family_id, snapshot_id=snapshot_id).first()
    run = WelfareRun.objects.filter(snapshot_id=snapshot_id).first()
    if row is None or run is None:
        return None
    indicators = _indicators([run])
    needs = [{**i, "deprived": bool(row.needs >> n & 1)} for n, i in enumerate(indicators)]
    by_dimension: dict[str, list] = defaultdict(list)
    for need in needs:
        if need["deprived"]:
            by_dimension[str(need["dimension_label"])].append(need["label"])
    return {
        "members": _redact_members(
            _member_needs(family_id, run, {i["code"]: i for i in indicators}), redaction),
        "status": row.status,
        "status_label": Status(row.status).label,
        "score": row.score,
        "mpi_poor": row.mpi_poor,
        "needs": needs,
        "by_dimension": dict(by_dimension),
        "count": sum(1 for n in needs if n["deprived"]),
        "run": run,
    }


def _redact_members(members: list[dict], redaction: access.Redaction) -> list[dict]:
    """Members' names replaced by "member 1", "member 2"... where ``redaction`` hides them."""
    if redaction.visible:
        return members
    return [{**m, "name": f"{_('member')} {n}"} for n, m in enumerate(members, 1)]


def _member_needs(family_id: int, run: WelfareRun, labels: dict[str, dict]) -> list[dict]:
    """Members of the family as the run classified them, with the needs each one triggers:
    the run's snapshot's records, or, for the dataset's latest snapshot (classified on the
    register across sources), the family's current record's."""
    from konvergen.registry.models import Family, PersonRecord
    from konvergen.registry.selectors import head_snapshot_id

    snapshot_id: int | None = run.snapshot_id
    if head_snapshot_id(run.snapshot.dataset_id) == snapshot_id:
        snapshot_id = (Family.objects.filter(pk=family_id)
                       .values_list("last_snapshot_id", flat=True).first())
    if snapshot_id is None:  # no current record: no members
        return []
    fields = ["person_id", "family_id", *[c for c in PERSON_INPUT if c != "family_id"]]
    members = list(PersonRecord.objects.filter(family_id=family_id, snapshot_id=snapshot_id)
                   .order_by("row_number").values("name", *fields))
    if not members:
        return []
    table = pa.table({f: [m[f] for m in members] for f in fields})
    found = person_needs(table, indicators=[Indicator(**i) for i in run.indicators],
                         reference_date=run.snapshot.snapshot_date)
    by_person = dict(zip(found.column("person_id").to_pylist(),
                         found.column("needs").to_pylist(), strict=True))
    return [{"name": m["name"], "needs": [labels[c]["label"] for c in by_person[m["person_id"]]
                                          if c in labels]}
            for m in members]


def presentation(data: dict) -> dict:
    """Rows of the dashboard tables, cells already suppressed, for the template."""
    k, personal = data["k"], data["personal"]
    keys = [key for key, _label in status_labels()]
    rows = []
    for f in [*data["children"], data["total"]]:
        m = f.metrics
        rows.append(
            {
                "code": f.code,
                "name": f.name,
                "is_total": f is data["total"],
                "families": f.count("families", k, personal),
                "persons": f.count("persons", k, personal),
                "statuses": [f.count(f"families_{key}", k, personal) for key in keys],
                "poor_share": m["poor_share"],
                "mpi_m0": m["mpi_m0"],
            }
        )
    columns = [*data["children"], data["total"]]
    needs = []
    for i in data["indicators"]:
        cells = [f.metrics.get(f"need:{i['code']}") for f in columns]
        needs.append({"indicator": i, "cells": cells})
    total = data["total"]
    persons_keys = [f"persons_{key}" for key in keys]
    return {
        "status_keys": status_labels(),
        "status_rows": rows,
        "needs_columns": columns,
        "needs_rows": sorted(needs, key=lambda r: -(r["cells"][-1] or 0)),  # most common need first
        "total_statuses": [
            (label, total.count(f"families_{key}", k, personal), total.count(pk, k, personal))
            for (key, label), pk in zip(status_labels(), persons_keys, strict=True)
        ],
        "chart": {
            "labels": [str(label) for _key, label in status_labels()[:4]],
            "families": [total.count(f"families_{key}", k, personal) for key in keys[:4]],
            "trend_labels": [d.isoformat() for d, _f in data["trend"]],
            "trend": {
                key: [
                    f._ratio(f.get(f"families_{key}"), f.get("families")) for _d, f in data["trend"]
                ]
                for key in keys[:4]
            },
        },
    }


#: At most this many regions are offered on the welfare settings index.
SETTINGS_REGIONS = 200


def settings_regions(user) -> list[Region]:
    """The active provinces and kab/kota whose welfare settings the user may change."""
    regions = Region.objects.filter(level__lte=Level.KABKOTA, is_active=True)
    return list(access.visible(user, regions, feature="welfare_settings")
                .order_by("code")[:SETTINGS_REGIONS])
