"""``{% options objects selected %}``: the ``<option>`` elements of a filter's ``<select>``, registered as a builtin.

A filter over the prefecture's stations lists every one of them; written as a template loop with a comparison and a
filter per option, a thousand stations cost more than the query that read them. This renders them in one pass, and
from a queryset reads only the two columns it shows, without building a model per option.

``{% options stations params.station %}`` — value ``pk``, label ``name``, ``selected`` on the one whose pk equals the
selected value (a string from the query string, an int or ``None``). ``label="full_name"`` names another attribute
(of the objects when it is not a column). A list of ``(value, label)`` pairs already read is taken as it is.
"""

from __future__ import annotations

import html

from django import template
from django.core.exceptions import FieldDoesNotExist
from django.db.models import QuerySet
from django.utils.safestring import mark_safe

register = template.Library()


def _pairs(objects, label):
    """(value, label) of each option: read from a queryset's two columns, or from objects, or given as pairs."""
    if isinstance(objects, QuerySet):
        try:
            objects.model._meta.get_field(label)
        except FieldDoesNotExist:
            pass
        else:
            return objects.values_list("pk", label)
    return (obj if isinstance(obj, tuple) else (obj.pk, getattr(obj, label)) for obj in objects)


@register.simple_tag
def options(objects, selected=None, label="name"):
    chosen = "" if selected is None else str(selected)
    rendered = []
    for pk, text in _pairs(objects, label):
        value = str(pk)
        mark = " selected" if value == chosen else ""
        rendered.append(f'<option value="{_escape(value)}"{mark}>{_escape(text)}</option>')
    return mark_safe("".join(rendered))  # nosec B308 B703 (every value and label escaped above)


def _escape(value) -> str:
    """Django's ``conditional_escape`` (what is already safe is kept), without a safe string made per call: with
    ``format_html`` per option, a thousand stations' options took longer than the page's queries."""
    if hasattr(value, "__html__"):
        return value.__html__()
    return html.escape(str(value))
