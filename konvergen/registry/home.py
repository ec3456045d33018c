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
    scopes = access.scope_codes(user, feature="register_import")
    if not scopes:
        return []
    since = timezone.now() - timedelta(days=DAYS)
    failed = list(Job.objects.filter(access.scope_q(scopes, "region_code"),
                                     status=Job.Status.FAILED, finished_at__gte=since)
                  .order_by("-finished_at").values_list("kind", "region_code", "finished_at")[:5])
    return [Item(_("Background job failed: %(kind)s, %(region)s")
                 % {"kind": kind, "region": code or "—"},
                 reverse("registry:home"), tone=ALERT,
                 detail=timezone.localtime(when).strftime("%Y-%m-%d %H:%M") if when else "")
            for kind, code, when in failed]
