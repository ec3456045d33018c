"""The convergence panel of the home page: the headline figures of each region the user
holds a role in (target families, reached by a programme, reached by none), latest year."""

from django.contrib.humanize.templatetags.humanize import intcomma
from django.urls import reverse
from django.utils.translation import gettext as _

from konvergen.accounts import access
from konvergen.convergence.selectors import region_totals, years_for
from konvergen.core.home import FIGURE, Item
from konvergen.regions.models import Level

#: At most this many regions' figures (a national coordinator may hold many provinces).
MAX_REGIONS = 4


def panel(user) -> list[Item]:
    if not access.has_feature(user, "convergence"):
        return []
    # Kab/kota and above: below them the counts get small (the dashboard protects them).
    regions = [a.region for a in access.assignments(user)
               if a.region is not None and a.region.level <= Level.KABKOTA]
    items = []
    for region in list({r.code: r for r in regions}.values())[:MAX_REGIONS]:
        years = years_for(region.code)
        if not years:
            continue
        total = region_totals(region.code, years[-1])["total"]
        detail = _("%(target)s target families · %(reached)s reached · %(unreached)s reached "
                   "by none") % {"target": intcomma(total["target_families"]),
                                 "reached": intcomma(total["reached_families"]),
                                 "unreached": intcomma(total["unreached_families"])}
        items.append(Item(f"{region.name} {years[-1]}",
                          reverse("convergence:dashboard", args=[region.code]),
                          tone=FIGURE, detail=detail))
    return items
