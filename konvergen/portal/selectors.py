"""Reads of the public portal: a published kab/kota's aggregates with small cells protected
(``disclosure.py``) before anything is cached or shown, its indicators and targets, its
programme directory and its published LP2KD.

Only aggregates leave this module: counts of families per region and per need, programme
descriptions and budgets. Never a name, NIK or address. The protected tables of a kab/kota
and year are computed once over the whole hierarchy (kab/kota, kecamatan, desa: one set of
cells and additive groups) and cached under the region's change stamp, so every page and
file shows a cell the same way.
"""

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.http import Http404
from django.utils.translation import get_language

from konvergen.audit.selectors import change_stamp
from konvergen.portal import disclosure
from konvergen.portal.models import Publication
from konvergen.regions.models import Level, Region

#: The counts shown per region; "nontarget" (families − target) is published implicitly.
MEASURES = ("families", "target", "reached", "unreached")
_FIELD = {"families": "families", "target": "target_families", "reached": "reached_families",
          "unreached": "unreached_families"}
#: Which cell to hide first when a complement is needed (lower first): all families before
#: the reach counts, the target families last; an implicit difference is never chosen.
_COST = {"families": 0, "unreached": 1, "reached": 1, "deprived": 1, "covered": 1,
         "target": 2, "nontarget": 9, "uncovered": 9}
NOT_FOUND = "Not found"


def published_regions() -> list[Region]:
    codes = Publication.objects.filter(published=True).values_list("region_id", flat=True)
    return list(Region.objects.filter(code__in=list(codes), level=Level.KABKOTA)
                .select_related("parent").order_by("code"))


def publication(code: str) -> Publication:
    """The publication of a published kab/kota, else Http404 (unpublished regions do not
    exist for anonymous visitors)."""
    row = Publication.objects.select_related("region").filter(
        region_id=code, published=True, region__level=Level.KABKOTA).first()
    if row is None:
        raise Http404(NOT_FOUND)
    return row


def _parent(code: str) -> str:
    return code.rsplit(".", 1)[0]


def protect(figures: dict, k: int) -> dict:
    """The protected tables of a hierarchy (``convergence.selectors.hierarchy_figures``):
    ``regions`` {code: {level, families, target, reached, unreached, reached_pct}} and
    ``needs`` {code: {indicator: {deprived, covered, covered_pct}}}, a hidden count as
    ``None`` and a percentage hidden with its counts."""
    values: dict = {}
    groups: list = []
    levels = {}
    for row in figures["regions"]:
        code = row["region_code"]
        levels[code] = row["level"]
        for m in MEASURES:
            values[(code, m)] = int(row[_FIELD[m]] or 0)
        values[(code, "nontarget")] = values[(code, "families")] - values[(code, "target")]
        groups.append(((code, "families"), [(code, "target"), (code, "nontarget")]))
        groups.append(((code, "target"), [(code, "reached"), (code, "unreached")]))
    children: dict = {}
    for code in levels:
        if _parent(code) in levels and code != _parent(code):
            children.setdefault(_parent(code), []).append(code)
    for parent, kids in children.items():
        for m in MEASURES:
            groups.append(((parent, m), [(c, m) for c in kids]))
    need_codes: dict = {}
    for row in figures["needs"]:
        code, ind = row["region_code"], row["indicator"]
        deprived, covered = int(row["target_deprived"] or 0), int(row["target_covered"] or 0)
        values[(code, ind, "deprived")] = deprived
        values[(code, ind, "covered")] = covered
        values[(code, ind, "uncovered")] = deprived - covered
        groups.append(((code, ind, "deprived"), [(code, ind, "covered"),
                                                 (code, ind, "uncovered")]))
        need_codes.setdefault(ind, set()).add(code)
    for ind, codes in need_codes.items():
        for parent, kids in children.items():
            if parent not in codes:
                continue
            present = [c for c in kids if c in codes]
            for part in ("deprived", "covered"):
                groups.append(((parent, ind, part), [(c, ind, part) for c in present]))
    # A child with no row adds 0; a parent's sum only holds over the children present.
    hidden = disclosure.suppress(values, k, groups,
                                 cost=lambda key, _value: (_COST.get(key[-1], 5),))  # type: ignore[index]

    def shown(key):
        return None if key in hidden else values[key]

    regions = {}
    for code, level in levels.items():
        row = {"level": level, **{m: shown((code, m)) for m in MEASURES}}
        row["reached_pct"] = (round(row["reached"] * 100 / row["target"], 1)
                              if row["reached"] is not None and row["target"] else None)
        regions[code] = row
    needs: dict = {}
    for row in figures["needs"]:
        code, ind = row["region_code"], row["indicator"]
        deprived, covered = shown((code, ind, "deprived")), shown((code, ind, "covered"))
        needs.setdefault(code, {})[ind] = {
            "deprived": deprived, "covered": covered,
            "covered_pct": (round(covered * 100 / deprived, 1)
                            if covered is not None and deprived else None)}
    return {"regions": regions, "needs": needs}


def _k(code: str, year: int) -> int:
    from konvergen.welfare.services import small_cell_k

    return max(int(small_cell_k(code, year) or disclosure.DEFAULT_K), 2)


def years(code: str) -> list[int]:
    from konvergen.convergence.selectors import years_for

    return years_for(code)


@dataclass
class Tables:
    code: str
    year: int | None
    k: int
    regions: dict
    needs: dict
    labels: dict
    as_of: dt.datetime | None


def tables(code: str, year: int | None) -> Tables:
    """The protected convergence tables of a published kab/kota for ``year`` (cached under
    its change stamp and the language; the cache holds protected values only)."""
    k = _k(code, year or 0)
    if year is None:
        return Tables(code, None, k, {}, {}, {}, None)
    region = Region.objects.filter(code=code).values_list("parent_id", flat=True).first()
    stamp = change_stamp(code, region or "", "")
    key = f"portal:{code}:{year}:{get_language() or 'id'}:{stamp}"

    def compute() -> Tables:
        from konvergen.convergence.selectors import hierarchy_figures, indicator_labels_for

        figures = hierarchy_figures(code, year)
        protected = protect(figures, k)
        as_of = max((r.computed_at for r in figures["runs"]), default=None)
        return Tables(code, year, k, protected["regions"], protected["needs"],
                      dict(indicator_labels_for(figures["runs"])), as_of)

    seconds = settings.KONVERGEN_PAGE_CACHE_SECONDS
    if seconds <= 0:
        return compute()
    return cache.get_or_set(key, compute, seconds)  # type: ignore[return-value]


def names(codes) -> dict[str, str]:
    return dict(Region.objects.filter(code__in=list(codes)).values_list("code", "name"))


def area_rows(t: Tables, area: str) -> list[dict]:
    """The rows of the regions directly below ``area`` (kab/kota → kecamatan → desa)."""
    kids = sorted(c for c in t.regions if c != area and _parent(c) == area)
    label = names([*kids, area])
    return [{"code": c, "name": label.get(c, c), **t.regions[c]} for c in kids]


def need_rows(t: Tables, code: str) -> list[dict]:
    rows = t.needs.get(code, {})
    return [{"indicator": ind, "label": t.labels.get(ind, ind), **rows[ind]}
            for ind in sorted(rows, key=lambda i: str(t.labels.get(i, i)))]


def programmes(region: Region, year: int | None):
    """Programmes run in the kab/kota (its own and those of organisations below it), with
    the families they reached in ``year`` where computed (protected: below k hidden)."""
    from konvergen.programs.models import Programme

    rows = list(Programme.objects.filter(region__code__startswith=region.code)
                .select_related("organisation").order_by("strategy", "name", "pk"))
    reached: dict = {}
    if year is not None:
        from django.db.models import Sum

        from konvergen.convergence.models import ProgrammeConvergence
        from konvergen.convergence.selectors import runs_for

        reached = dict(ProgrammeConvergence.objects.filter(
            run__in=runs_for(region.code, year), region_code=region.code).values(
            "programme_id").annotate(n=Sum("beneficiaries")).values_list("programme_id", "n"))
    k = _k(region.code, year or 0)
    location_names = names({c for p in rows for c in (p.locations or [])})
    out = []
    for p in rows:
        n = reached.get(p.pk)
        out.append({"programme": p, "beneficiaries": None if n and 0 < n < k else n,
                    "hidden": bool(n and 0 < n < k),
                    "locations": [location_names.get(c, c) for c in (p.locations or [])]})
    return out, k


def published_reports(region: Region) -> list:
    from konvergen.reports.models import Report

    return list(Report.objects.filter(region=region, state="published", final__isnull=False)
                .select_related("final").order_by("-year"))


def published_report(region: Region, year: int):
    for report in published_reports(region):
        if report.year == year:
            return report
    raise Http404(NOT_FOUND)


# --- reads of the area pages and the secretariat's switch -----------------------------------

def area_region(area: str) -> Region | None:
    """The region of ``area``'s code, or ``None``."""
    return Region.objects.filter(code=area).first()


def area_crumbs(code: str, area: str) -> list[Region]:
    """The regions from the publishing kab/kota ``code`` down to the one above ``area``."""
    return list(Region.objects.filter(code__in=[code, *(
        area[:i] for i in range(len(code) + 1, len(area)) if area[i] == ".")]).order_by("code"))


def publishing_region(code: str) -> Region:
    """The publishing kab/kota itself."""
    return Region.objects.get(code=code)


def publication_row(region: Region) -> Publication | None:
    """The kab/kota's publication settings, or ``None`` when it never published."""
    return Publication.objects.filter(region=region).first()
