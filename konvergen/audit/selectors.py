"""Reads of the audit log that other apps use."""

from konvergen.audit.models import AuditEntry


def change_stamp(*region_codes: str) -> str:
    """The newest audit entry of each region in ``region_codes`` (the region itself, not
    the ones below it), as one string that changes whenever anything audited changes there.

    Every change in Konvergen writes an audit row in the same transaction, with the region
    it concerns: plans and reports, targets and indicator values, organisations, and the
    convergence refreshes. Entries of reads (``is_read``: API reads, views and exports) do
    not count. So a page computed from a region's data can be cached under this stamp and
    is recomputed after any change. One index step per region (``region_code``,
    ``is_read``, ``id``); the entry's time is part of the stamp because SQLite reuses the
    ids of rolled-back rows."""
    parts = []
    for code in region_codes:
        newest = (AuditEntry.objects.filter(region_code=code, is_read=False).order_by("-id")
                  .values_list("id", "at").first())
        parts.append(f"{newest[0]}@{newest[1].timestamp()}" if newest else "-")
    return ",".join(parts)


def filtered_entries(entries, *, actor: str = "", action: str = "", object: str = "",
                     region: str = "", since=None, until=None):
    """``entries`` narrowed by the audit page's filters (each left out when empty): actor
    and object containing, action and region code starting with, time from and to."""
    if actor:
        entries = entries.filter(actor_label__icontains=actor)
    if action:
        entries = entries.filter(action__startswith=action)
    if object:
        entries = entries.filter(object_repr__icontains=object)
    if region:
        entries = entries.filter(region_code__startswith=region)
    if since:
        entries = entries.filter(at__gte=since)
    if until:
        entries = entries.filter(at__lte=until)
    return entries
