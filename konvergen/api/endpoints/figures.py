"""Aggregates of a region: convergence figures of a year, indicators and their targets."""

from django.http import Http404
from ninja import Router

from konvergen.accounts import access
from konvergen.api import selectors as api_selectors
from konvergen.api.auth import Token
from konvergen.api.endpoints import ERRORS, one
from konvergen.api.schemas import ConvergenceOut, IndicatorOut, IndicatorSeriesOut
from konvergen.convergence import selectors as convergence
from konvergen.targets import selectors as targets

router = Router(tags=["figures"])


def _suppress(rows: list[dict], keys, k: int) -> None:
    """Clients without personal-data rights never see a count of 1 … k-1 families (the
    dashboard's rule)."""
    if k <= 1:
        return
    for row in rows:
        for key in keys:
            value = row.get(key)
            if isinstance(value, int) and 0 < value < k:
                row[key] = None


@router.get("/regions/{code}/convergence/{int:year}", response={200: ConvergenceOut, **ERRORS},
            url_name="convergence", auth=Token("convergence:read"))
def convergence_figures(request, code: str, year: int):
    """The stored convergence figures of a region and year (the dashboard's): totals,
    child regions, per need, per programme, budgets. Small counts are hidden as on the
    dashboard unless the client holds `persons:pii` and its user may see personal data."""
    client = request.auth
    access.access_region(client.user, code, feature="convergence")
    data = convergence.region_figures(code, year)
    k = api_selectors.suppression_k(client, code, year)
    total = dict(data["total"])
    total.pop("region_code", None)
    _suppress([total, *data["children"]], convergence.REGION_SUMS, k)
    _suppress(data["needs"], convergence.NEED_SUMS, k)
    codes = api_selectors.programmes_by_id(p["programme_id"] for p in data["programmes"])
    for row in data["programmes"]:
        programme = codes.get(row["programme_id"])
        row["code"] = programme.code if programme else ""
    runs = data["runs"]
    return one(request, {
        "region_code": code, "year": year,
        "computed_at": max((r.computed_at for r in runs), default=None),
        "suppressed_below": k, "total": total, "children": data["children"],
        "needs": data["needs"], "programmes": data["programmes"], "budget": data["budget"],
    }, region=code)


def _year_row(row) -> dict | None:
    if row is None:
        return None
    return {f: getattr(row, f) for f in (
        "year", "realised", "period", "source", "target", "baseline", "trajectory",
        "achievement", "on_track", "status", "province", "national")}


def _indicator(ind) -> dict:
    return {"code": ind.code, "name_id": ind.name_id, "name_en": ind.name_en,
            "unit": ind.unit, "polarity": ind.polarity}


@router.get("/regions/{code}/indicators", response={200: list[IndicatorOut], **ERRORS},
            url_name="indicators", auth=Token("indicators:read"))
def indicators(request, code: str, year: int | None = None):
    """Every indicator of the region: its latest value (or `year`'s), the target of that
    year, achievement and on-track status, beside the province's and country's values."""
    region = access.access_region(request.auth.user, code, feature="targets")
    rows = targets.indicator_table(region, year)
    request.api_count = len(rows)
    request.api_region = code
    return [{**_indicator(r.indicator), "latest_year": r.latest_year,
             "value": _year_row(r.row)} for r in rows]


@router.get("/regions/{code}/indicators/{indicator}",
            response={200: IndicatorSeriesOut, **ERRORS}, url_name="indicator",
            auth=Token("indicators:read"))
def indicator(request, code: str, indicator: str):
    """One indicator of the region over the years: values, targets, baselines and the
    trajectory between them."""
    region = access.access_region(request.auth.user, code, feature="targets")
    ind = targets.indicator_by_code(indicator)
    if ind is None:
        raise Http404(indicator)
    series = targets.series_for(region, [ind])[ind.pk]
    return one(request, {**_indicator(ind), "region_code": code,
                         "years": [_year_row(r) for r in series.rows]}, region=code)
