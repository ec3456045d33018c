from django import template
from django.contrib.humanize.templatetags.humanize import intcomma
from django.utils.html import format_html
from django.utils.safestring import mark_safe

register = template.Library()


@register.simple_tag
def count(value, k):
    """A protected count as a table cell: the number, or "<k" when hidden. ``data-count``
    carries what is shown, so a test can sweep every public page."""
    if value is None:
        return format_html('<td class="num" data-count="hidden">&lt;{}</td>', k)
    return format_html('<td class="num" data-count="{}">{}</td>', value, intcomma(value))


@register.simple_tag
def pct(value):
    if value is None:
        return mark_safe('<td class="num" data-pct="hidden">—</td>')
    return format_html('<td class="num" data-pct="{}">{} %</td>', value, value)
