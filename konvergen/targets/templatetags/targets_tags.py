from django import template
from django.utils.formats import number_format

register = template.Library()


@register.filter
def num(value, decimals=2):
    """A number with the indicator's decimals, in the page's locale ("" for none)."""
    if value is None or value == "":
        return ""
    return number_format(value, decimal_pos=int(decimals), use_l10n=True, force_grouping=True)


@register.filter
def get_item(mapping, key):
    """``mapping[key]`` in a template (None when missing)."""
    try:
        return mapping.get(key)
    except AttributeError:
        return None
