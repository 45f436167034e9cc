"""``{% options objects selected %}``: the ``<option>`` elements of a filter's ``<select>``, registered as a builtin.

A filter over the prefecture's stations lists every one of them; written as a template loop with a comparison and a
filter per option, a thousand stations cost more than the query that read them. This renders them in one pass, and
from a queryset reads only the two columns it shows, without building a model per option.

``{% options stations params.station %}`` — value ``pk``, label ``name``, ``selected`` on the one whose pk equals the
selected value (a string from the query string, an int or ``None``). ``label="full_name"`` names another attribute
(of the objects when it is not a column).
"""

from __future__ import annotations

from django import template
from django.core.exceptions import FieldDoesNotExist
from django.db.models import QuerySet
from django.utils.html import format_html_join
from django.utils.safestring import mark_safe

register = template.Library()

_SELECTED = mark_safe(" selected")  # nosec B308 B703 (a literal, no data)


def _pairs(objects, label):
    if isinstance(objects, QuerySet):
        try:
            objects.model._meta.get_field(label)
        except FieldDoesNotExist:
            pass
        else:
            return objects.values_list("pk", label)
    return ((obj.pk, getattr(obj, label)) for obj in objects)


@register.simple_tag
def options(objects, selected=None, label="name"):
    chosen = "" if selected is None else str(selected)
    return format_html_join(
        "",
        '<option value="{}"{}>{}</option>',
        ((pk, _SELECTED if str(pk) == chosen else "", text) for pk, text in _pairs(objects, label)),
    )
