"""The audit log page (``/audit/``). Here rather than in ``audit`` because it asks the access
policy (``audit`` is below ``accounts`` in the layer order); the URL namespace stays
``audit``."""

from datetime import date, datetime, time

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils import timezone

from konvergen.accounts import access
from konvergen.audit import selectors


def _day(value: str, end: bool = False):
    try:
        day = date.fromisoformat(value)
    except (TypeError, ValueError):
        return None
    return timezone.make_aware(datetime.combine(day, time.max if end else time.min))


@login_required
def audit_list(request):
    entries = access.access_audit_entries(request.user)
    f = {
        k: request.GET.get(k, "").strip()
        for k in ("actor", "action", "object", "region", "since", "until")
    }
    entries = selectors.filtered_entries(
        entries, actor=f["actor"], action=f["action"], object=f["object"], region=f["region"],
        since=_day(f["since"]), until=_day(f["until"], end=True))
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request, "audit/list.html", {"page": page, "filters": f, "query": query.urlencode()}
    )
