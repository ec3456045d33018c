"""``{% failed_recompute "kind,kind" region.code as_of=... %}``: a notice when the latest
background job computing a page's figures for the region failed (``core.jobs``), or a hook
handler of that name failed or was skipped there (``core.hooks``, e.g. the welfare recompute
and convergence refresh after an import) — in the region, above it or below it
(``regions.selectors.last_failure``)."""

from django import template

from konvergen.regions.selectors import last_failure

register = template.Library()

#: The jobs behind the region dashboard's welfare figures and behind the convergence
#: dashboard (the template names a group, or lists kinds separated by commas).
GROUPS = {
    "welfare": ("register.import", "register.refresh", "welfare.recompute"),
    "convergence": ("register.import", "register.refresh", "convergence.refresh",
                    "programs.after_change"),
}


@register.inclusion_tag("core/_failed_recompute.html")
def failed_recompute(kinds: str, region_code: str, as_of=None) -> dict:
    names = GROUPS.get(kinds) or tuple(k.strip() for k in kinds.split(",") if k.strip())
    return {"job": last_failure(names, region_code) if region_code else None, "as_of": as_of}
