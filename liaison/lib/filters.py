"""A list's filter that chooses one row of a kind that is usually few but may be many (a prefecture's stations).

A ``<select>`` is what a user expects for a choice of a few dozen: every option in view, one click. Past a few hundred
it stops working — a list no one can scroll, and a page that grows with the prefecture (a thousand stations are 35 KB
of options on every request of HQ's lists). :func:`one_of_many` reads at most :data:`SELECT_MAX` + 1 rows: when that
many exist the filter becomes a search-as-you-type picker (``lib.picker``) instead, of the same name, so links,
bookmarks and tests that give ``?station=<id>`` work either way.

The view gets the chosen id (``chosen_id``) and filters its rows by it within what the user may see; the template
includes ``lib/filter_one_of_many.html``. The number of queries does not depend on the number of rows.
"""

from __future__ import annotations

from dataclasses import dataclass

from django import forms
from django.db.models import QuerySet
from django.forms.utils import ErrorDict

from .ids import parse_id
from .picker import PickerField, Search, Source

__all__ = ["SELECT_MAX", "OneOfMany", "one_of_many"]

# The largest force (警視庁) has about a hundred stations; a select of a few hundred is still readable.
SELECT_MAX = 200


class _FilterForm(forms.Form):
    """Bound to the query string only to show what is chosen. A filter is not validated: the view filters within
    what the user may see, so an id that is not theirs finds nothing, as a missing one does."""

    def full_clean(self):
        self._errors = ErrorDict()
        self.cleaned_data = {}


@dataclass
class OneOfMany:
    """What the filter's template renders: the options of a select, or the picker's bound field."""

    name: str
    label: str
    empty_label: str
    chosen_id: int | None
    options: list[tuple[int, str]] | None = None  # the select's (id, label) pairs; None when the picker is shown
    picker: forms.BoundField | None = None

    @property
    def searches(self) -> bool:
        """Whether the picker is shown (a template's ``{% if filter.picker %}`` would render its widget to know)."""
        return self.picker is not None

    @property
    def selected(self) -> str:
        return "" if self.chosen_id is None else str(self.chosen_id)


def one_of_many(
    request,
    rows: QuerySet,
    *,
    name: str,
    label: str,
    source: Source,
    empty_label: str,
    label_field: str = "name",
    select_max: int | None = None,
) -> OneOfMany:
    """The filter over ``rows`` (already those the user may see, in the order to show) for the request's ``name``.

    One query reads the select's options; when more than ``select_max`` rows exist, the picker is shown instead and
    the chosen row is read only to show it.
    """
    select_max = SELECT_MAX if select_max is None else select_max
    options = list(rows.values_list("pk", label_field)[: select_max + 1])
    if len(options) <= select_max:
        return OneOfMany(name, str(label), str(empty_label), parse_id(request.GET.get(name)), options=options)
    form = _FilterForm(request.GET, auto_id="f-%s")
    field = PickerField(source=source, queryset=rows, label=label, required=False)
    field.scope(rows, request.user)
    form.fields[name] = field
    picked = field.widget.value_from_datadict(request.GET, None, name)
    if isinstance(picked, Search):  # the no-JS 検索 button: the list stays as it was filtered before
        picked = picked.current
    return OneOfMany(name, str(label), str(empty_label), parse_id(picked), picker=form[name])
