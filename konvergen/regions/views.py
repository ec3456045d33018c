from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from konvergen.accounts import access
from konvergen.regions import selectors
from konvergen.welfare import selectors as welfare_selectors


@login_required
def region_index(request):
    """Start of the drill-down: the user's own region, or the list of their regions."""
    access.require_feature(request.user, "regions")
    scopes = access.scope_codes(request.user, feature="regions")
    if len(scopes) == 1 and scopes[0] != access.WHOLE_COUNTRY:
        return redirect("regions:detail", code=scopes[0])
    if access.WHOLE_COUNTRY in scopes:
        children = selectors.region_children(None)
    else:
        children = selectors.regions_by_codes(scopes)
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
    scopes = access.scope_codes(request.user, feature="regions")
    if access.WHOLE_COUNTRY in scopes:
        regions = selectors.region_children(None)
    else:
        regions = selectors.regions_by_codes(scopes)
    return JsonResponse(selectors.region_map_features(regions))


@login_required
def region_detail(request, code: str):
    region = access.access_region(request.user, code)
    scopes = access.scope_codes(request.user, feature="regions")
    ancestors = [a for a in selectors.region_ancestors(region) if access.covers_any(scopes, a.code)]
    children = selectors.region_children(region.code)
    context = {
        "region": region,
        "ancestors": ancestors,
        "children": children,
        "map_url": reverse("regions:map", args=[region.code]),
        "personal_data": access.can_view_personal_data(request.user, region.code),
        "welfare": None,
    }
    if access.has_feature(request.user, "welfare"):
        # The dashboard: status, needs, map values, trend (precomputed summaries).
        context.update(welfare_selectors.dashboard(request.user, region, children, request.GET))
    return render(request, "regions/detail.html", context)


@login_required
def region_map(request, code: str):
    region = access.access_region(request.user, code)
    children = selectors.region_children(region.code) or [region]
    return JsonResponse(selectors.region_map_features(children))
