from django import template
from django.utils.formats import number_format

register = template.Library()


@register.filter
def pct(value, digits: int = 1) -> str:
    """A share (0.123) as '12,3 %'; '—' when missing or suppressed."""
    if value is None:
        return "—"
    return f"{number_format(value * 100, int(digits))} %"


@register.filter
def heat(value) -> str:
    """Background of a heat-table cell: white (0 %) to dark red (100 %)."""
    if value is None:
        return "background: repeating-linear-gradient(45deg,#eee,#eee 4px,#fff 4px,#fff 8px)"
    lightness = 97 - round(min(max(value, 0), 1) * 55)
    colour = "#fff" if lightness < 60 else "inherit"
    return f"background: hsl(8 75% {lightness}%); color: {colour}"


@register.filter
def cell(value, k) -> str:
    """A count as shown: '<k' when suppressed."""
    if value is None:
        return f"<{k}"
    return number_format(value, force_grouping=True)
