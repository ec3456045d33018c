"""The background-jobs panel of the home page: jobs of the user's regions that failed for
good in the last week (imports, linking, recomputes, report generation), for those who can
start them again (the secretariat, administrators)."""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from konvergen.accounts import access
from konvergen.core.home import ALERT, Item
from konvergen.core.models import Job

DAYS = 7


def panel(user) -> list[Item]:
    if not access.has_scope(user, feature="register_import"):
        return []
    since = timezone.now() - timedelta(days=DAYS)
    failed = list(access.visible(user, Job.objects.filter(status=Job.Status.FAILED,
                                                          finished_at__gte=since),
                                 feature="register_import", region_field="region_code")
                  .order_by("-finished_at").values_list("kind", "region_code", "finished_at")[:5])
    return [Item(_("Background job failed: %(kind)s, %(region)s")
                 % {"kind": kind, "region": code or "—"},
                 reverse("registry:home"), tone=ALERT,
                 detail=timezone.localtime(when).strftime("%Y-%m-%d %H:%M") if when else "")
            for kind, code, when in failed]
