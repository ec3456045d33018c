"""The region pages (``/regions/``): the drill-down from the user's regions to a desa, its
map, and the sections other apps register for a region (``core.panels``, page "region").
Here rather than in ``regions`` because they ask the access policy (``regions`` is below
``accounts`` in the layer order); the URL namespace stays ``regions``."""

from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from konvergen.accounts import access
from konvergen.core import panels
from konvergen.regions import selectors


def _scopes(user) -> list[str] | None:
    """The user's region codes, None for the whole country."""
    if access.is_country_wide(user, feature="regions"):
        return None
    return access.display_scopes(user, feature="regions")


def _top_regions(scopes: list[str] | None) -> list:
    """The regions the drill-down starts from: the provinces for the whole country."""
    return selectors.region_children(None) if scopes is None else selectors.regions_by_codes(scopes)


@login_required
def region_index(request):
    """Start of the drill-down: the user's own region, or the list of their regions."""
    access.require_feature(request.user, "regions")
    scopes = _scopes(request.user)
    if scopes is not None and len(scopes) == 1:
        return redirect("regions:detail", code=scopes[0])
    children = _top_regions(scopes)
    return render(
        request,
        "regions/detail.html",
        {
            "region": None,
            "children": children,
            "ancestors": [],
            "map_url": reverse("regions:index-map"),
        },
    )


@login_required
def region_index_map(request):
    access.require_feature(request.user, "regions")
    regions = _top_regions(_scopes(request.user))
    return JsonResponse(selectors.region_map_features(regions))


@login_required
def region_detail(request, code: str):
    region = access.access_region(request.user, code)
    ancestors = [a for a in selectors.region_ancestors(region)
                 if access.in_scope(request.user, a.code, feature="regions")]
    children = selectors.region_children(region.code)
    context = {
        "region": region,
        "ancestors": ancestors,
        "children": children,
        "map_url": reverse("regions:map", args=[region.code]),
    }
    # The sections other apps register for the region (welfare's dashboard: status,
    # needs, map values, trend; ``core.panels``). The page's own names win over a panel's.
    sections = panels.sections(panels.REGION, request.user, region=region, children=children,
                               params=request.GET)
    context = {**sections.context, **context, "panels": sections}
    return render(request, "regions/detail.html", context)


@login_required
def region_map(request, code: str):
    region = access.access_region(request.user, code)
    children = selectors.region_children(region.code) or [region]
    return JsonResponse(selectors.region_map_features(children))
