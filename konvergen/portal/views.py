"""The public portal: pages anyone may open without signing in (aggregates only, small
cells protected on the server), the open datasets with a CKAN-compatible read API, and
the secretariat's switch to publish its kab/kota."""

from pathlib import Path

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET, require_http_methods

from konvergen.accounts import access
from konvergen.portal import datasets, selectors, services
from konvergen.portal.forms import PublicationForm
from konvergen.regions.codes import covers
from konvergen.regions.models import Level

PUBLIC = cache_control(public=True, max_age=300)
FILE_TYPES = {"pdf": "application/pdf",
              "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document"}


def _year(request, code: str) -> tuple[int | None, list[int]]:
    years = selectors.years(code)
    try:
        wanted = int(request.GET.get("tahun") or 0)
    except ValueError:
        wanted = 0
    return (wanted if wanted in years else (years[-1] if years else None)), years


@require_GET
@PUBLIC
def index(request):
    return render(request, "portal/index.html", {
        "regions": selectors.published_regions(),
    })


@require_GET
@PUBLIC
def region(request, code: str):
    publication = selectors.publication(code)
    place = publication.region
    year, years = _year(request, code)
    t = selectors.tables(code, year)
    from konvergen.targets.selectors import indicator_table

    return render(request, "portal/region.html", {
        "region": place, "publication": publication, "year": year, "years": years, "t": t,
        "total": t.regions.get(code), "needs": selectors.need_rows(t, code),
        "indicators": [r for r in indicator_table(place) if r.row is not None],
        "reports": selectors.published_reports(place),
    })


@require_GET
@PUBLIC
def areas(request, code: str, area: str | None = None):
    selectors.publication(code)
    area = area or code
    if not covers(code, area):
        raise Http404(selectors.NOT_FOUND)
    place = selectors.area_region(area)
    if place is None or place.level >= Level.DESA:
        raise Http404(selectors.NOT_FOUND)
    year, years = _year(request, code)
    t = selectors.tables(code, year)
    crumbs = selectors.area_crumbs(code, area)
    return render(request, "portal/areas.html", {
        "region": selectors.publishing_region(code), "area": place, "year": year, "years": years,
        "t": t, "total": t.regions.get(area), "rows": selectors.area_rows(t, area),
        "needs": selectors.need_rows(t, area), "crumbs": crumbs,
        "drill": place.level < Level.KECAMATAN,
    })


@require_GET
@PUBLIC
def programmes(request, code: str):
    publication = selectors.publication(code)
    year, _years = _year(request, code)
    rows, k = selectors.programmes(publication.region, year)
    return render(request, "portal/programmes.html", {
        "region": publication.region, "rows": rows, "k": k, "year": year})


@require_GET
@PUBLIC
def lp2kd(request, code: str, year: int, fmt: str):
    publication = selectors.publication(code)
    if fmt not in FILE_TYPES:
        raise Http404(selectors.NOT_FOUND)
    report = selectors.published_report(publication.region, year)
    path = Path(getattr(report.final, f"{fmt}_path") or "")
    if not path.is_file():
        raise Http404(selectors.NOT_FOUND)
    response = FileResponse(path.open("rb"), content_type=FILE_TYPES[fmt],
                            as_attachment=True, filename=path.name)
    response["X-Content-SHA256"] = getattr(report.final, f"{fmt}_sha256")
    return response


@require_GET
@PUBLIC
def dataset_list(request):
    return render(request, "portal/datasets.html", {"datasets": datasets.all_datasets()})


def _dataset(name: str) -> datasets.Dataset:
    found = datasets.find(name)
    if found is None:
        raise Http404(selectors.NOT_FOUND)
    return found


@require_GET
@PUBLIC
def dataset(request, name: str):
    found = _dataset(name)
    header, rows = datasets.rows_of(found)
    return render(request, "portal/dataset.html", {
        "dataset": found, "header": header, "rows": rows[:200], "total_rows": len(rows),
        "package": datasets.package(found, request.build_absolute_uri("/")[:-1])})


@require_GET
@PUBLIC
def resource(request, name: str):
    found = _dataset(name)
    response = HttpResponse(datasets.csv_text(found), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{found.name}.csv"'
    return response


# --- CKAN action API (read only) ----------------------------------------------------------


def _ckan(request, action: str, result=None, *, error: tuple[int, str, str] | None = None):
    help_url = request.build_absolute_uri(f"/api/3/action/help_show?name={action}")
    if error:
        status, kind, message = error
        return JsonResponse({"help": help_url, "success": False,
                             "error": {"__type": kind, "message": message}}, status=status)
    return JsonResponse({"help": help_url, "success": True, "result": result})


def _int(value, default: int, low: int, high: int) -> int | None:
    try:
        number = int(value) if value not in (None, "") else default
    except (TypeError, ValueError):
        return None
    return number if low <= number <= high else None


@require_GET
@PUBLIC
def ckan_package_list(request):
    return _ckan(request, "package_list", [d.name for d in datasets.all_datasets()])


@require_GET
@PUBLIC
def ckan_package_search(request):
    """``q`` (words in the title or definition), ``fq`` (``tags:x`` or
    ``organization:y``), ``rows`` (≤ 1000), ``start``; sorted by name."""
    rows = _int(request.GET.get("rows"), 10, 0, 1000)
    start = _int(request.GET.get("start"), 0, 0, 10**6)
    if rows is None or start is None:
        return _ckan(request, "package_search", error=(
            409, "Validation Error", "rows: 0–1000, start: ≥ 0"))
    base = request.build_absolute_uri("/")[:-1]
    found = [datasets.package(d, base) for d in datasets.all_datasets()]
    words = (request.GET.get("q") or "").casefold().split()
    if words and words != ["*:*"]:
        found = [p for p in found if all(w in (p["title"] + " " + p["notes"] + " " + p["name"])
                                         .casefold() for w in words)]
    for term in (request.GET.get("fq") or "").split():
        field, _sep, value = term.partition(":")
        value = value.strip('"')
        if field == "tags":
            found = [p for p in found if value in {t["name"] for t in p["tags"]}]
        elif field == "organization":
            found = [p for p in found if p["organization"]["name"] == value]
        elif field == "name":
            found = [p for p in found if p["name"] == value]
    found.sort(key=lambda p: p["name"])
    return _ckan(request, "package_search", {
        "count": len(found), "sort": "name asc", "facets": {}, "search_facets": {},
        "results": found[start:start + rows]})


@require_GET
@PUBLIC
def ckan_package_show(request):
    name = request.GET.get("id") or request.GET.get("name_or_id") or ""
    found = datasets.find(name)
    if found is None:
        return _ckan(request, "package_show", error=(404, "Not Found Error", "Not found"))
    return _ckan(request, "package_show",
                 datasets.package(found, request.build_absolute_uri("/")[:-1]))


# --- The secretariat's switch ---------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def manage(request, code: str):
    place = access.access_region(request.user, code, feature="portal_manage")
    if place.level != Level.KABKOTA:
        raise Http404(access.NOT_FOUND)
    row = selectors.publication_row(place)
    form = PublicationForm(request.POST or None, instance=row)
    if request.method == "POST" and form.is_valid():
        services.publication_set(region=place, values=form.cleaned_data,
                                 acting_user=request.user)
        messages.success(request, _("Saved."))
        return redirect(request.path)
    return render(request, "portal/manage.html", {"region": place, "form": form,
                                                  "publication": row})
