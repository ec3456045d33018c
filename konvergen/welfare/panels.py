"""Welfare's sections of other apps' pages (``core.panels``): the family profile's status and
needs, the region page's dashboard. Registered from ``WelfareConfig.ready``; the pages
(registry, regions) do not import welfare."""

from django.urls import reverse

from konvergen.accounts import access
from konvergen.welfare import selectors

#: The region page's scripts when it shows the dashboard (static paths, in order).
DASHBOARD_SCRIPTS = ("vendor/chartjs/chart.umd.js", "welfare/dashboard.js")


def family_panel(user, *, family, needs_snapshot_id: int, redaction=None, **_subject) -> dict:
    """Status and needs of the family in the snapshot whose figures the profile shows, its
    members named only where the user may see personal data (``redaction``, by default
    ``access.redaction`` in the family's desa)."""
    if redaction is None:
        redaction = access.redaction(user, family.region_code)
    return {"needs_panel": selectors.family_needs(family.pk, needs_snapshot_id,
                                                  redaction=redaction)}


def region_panel(user, *, region, children, params, **_subject) -> dict:
    """The region dashboard (status, needs, map values, trend) for those who may see it;
    ``welfare`` is ``None`` when none is shown."""
    context: dict = {"welfare": None}
    if access.has_feature(user, "welfare"):
        # The dashboard: status, needs, map values, trend (precomputed summaries).
        context.update(selectors.dashboard(user, region, children, params))
    if context["welfare"]:
        # The map colours the regions below with the dashboard's values.
        context["map_values_url"] = (reverse("welfare:values", args=[region.code])
                                     + "?" + params.urlencode())
        context["page_scripts"] = list(DASHBOARD_SCRIPTS)
    return context
