from django import template

register = template.Library()


@register.filter
def get_item(mapping, key):
    """``{{ row|get_item:column }}`` for dictionaries keyed by a variable."""
    return mapping.get(key) if hasattr(mapping, "get") else None
