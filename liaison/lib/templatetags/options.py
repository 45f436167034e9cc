"""``{% options objects selected %}``: the ``<option>`` elements of a filter's ``<select>``, registered as a builtin.

A filter over the prefecture's stations lists every one of them; written as a template loop with a comparison and a
filter per option, a thousand stations cost more than the query that read them. This renders them in one pass.

``{% options stations params.station %}`` — value ``pk``, label ``name``, ``selected`` on the one whose pk equals the
selected value (a string from the query string, an int or ``None``). ``label="full_name"`` names another attribute.
"""

from __future__ import annotations

from django import template
from django.utils.html import format_html_join
from django.utils.safestring import mark_safe

register = template.Library()

_SELECTED = mark_safe(" selected")  # nosec B308 B703 (a literal, no data)


@register.simple_tag
def options(objects, selected=None, label="name"):
    chosen = "" if selected is None else str(selected)
    return format_html_join(
        "",
        '<option value="{}"{}>{}</option>',
        ((obj.pk, _SELECTED if str(obj.pk) == chosen else "", getattr(obj, label)) for obj in objects),
    )
