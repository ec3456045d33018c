from datetime import date, datetime, time

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils import timezone

from konvergen.accounts import access


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
    if f["actor"]:
        entries = entries.filter(actor_label__icontains=f["actor"])
    if f["action"]:
        entries = entries.filter(action__startswith=f["action"])
    if f["object"]:
        entries = entries.filter(object_repr__icontains=f["object"])
    if f["region"]:
        entries = entries.filter(region_code__startswith=f["region"])
    if since := _day(f["since"]):
        entries = entries.filter(at__gte=since)
    if until := _day(f["until"], end=True):
        entries = entries.filter(at__lte=until)
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request, "audit/list.html", {"page": page, "filters": f, "query": query.urlencode()}
    )
