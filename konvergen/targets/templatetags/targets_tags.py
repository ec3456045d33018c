from django import template
from django.utils.formats import number_format

register = template.Library()


@register.filter
def num(value, decimals=2):
    """A number with the indicator's decimals, in the page's locale ("" for none)."""
    if value is None or value == "":
        return ""
    # Django's number_format cuts the digits off; round first (6.026 -> "6,03").
    decimals = int(decimals)
    return number_format(round(float(value), decimals), decimal_pos=decimals, use_l10n=True,
                         force_grouping=True)


@register.filter
def get_item(mapping, key):
    """``mapping[key]`` in a template (None when missing)."""
    try:
        return mapping.get(key)
    except AttributeError:
        return None
