"""A search-as-you-type picker for fields that choose one row out of thousands (a person, an officer).

A select of every person stops working at a prefecture's 15,000 people: no search, arrow keys only, a page of
megabytes. A picker field shows a text box instead; what is typed is searched by the app that owns the rows, and the
choice travels as the row's id in a hidden input, validated through the field's queryset exactly like a select's
(a row outside the queryset, e.g. another station's person, is "not one of the choices").

A kind of row becomes pickable by a :class:`Source` in its own app, which says where its search endpoint is, how to
find rows and how to describe each one so that namesakes can be told apart (what the user may see of them)::

    class PersonSource(picker.Source):
        url_name = "people:pick"
        def find(self, user, queryset, query): ...          # -> Found
    person_field = picker.PickerField(source=PersonSource(), queryset=..., label=...)

and a form that uses it scopes the field for the user in ``__init__`` (``self.fields["person"].scope(qs, user)``).

Three ways to use it, one field:

* **With JavaScript** (``static/js/picker.js``) the text box is an ARIA combobox: typing asks the source's endpoint
  for up to :data:`LIMIT` rows (a listbox of options), arrow keys move, Enter picks, Escape closes; the result count is
  announced; the chosen row is shown with a button to choose again.
* **Without JavaScript** the box and its 「検索」 button submit the whole form: the field answers "choose from the
  results" (so nothing is saved), and the form comes back with what else was typed and the results as radio buttons
  (``<name>_pick``). The next submit carries the chosen one.
* **Tests and scripts** post the id as ``<name>``, as they did with a select.

Request names, for a field called ``person``: ``person`` (the id), ``person_pick`` (a radio of the no-JS results; it
wins over ``person``), ``person_q`` (the search text), ``person_search`` (the no-JS 検索 button).
"""

from __future__ import annotations

from dataclasses import dataclass

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.forms.boundfield import BoundField
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .forms import IdChoiceField
from .ids import parse_id
from .text import CONTROL_CHARACTER_ERROR, find_control_character, search_text

__all__ = ["LIMIT", "Choice", "Found", "PickerField", "PickerState", "PickerWidget", "Source", "found_message"]

LIMIT = 20  # rows shown for one search: enough to see namesakes side by side, few enough to read

SEARCHING_ERROR = _("検索結果から選んでください。")
EMPTY_SEARCH_ERROR = _("探す人の読み・氏名などを入力して「検索」を押してください。")


@dataclass(frozen=True)
class Choice:
    """One row as the picker shows it: its id, its name, and what tells it apart (each item already allowed)."""

    value: int
    label: str
    details: tuple[str, ...] = ()


@dataclass(frozen=True)
class Found:
    """The answer to one search: at most ``LIMIT`` choices, and whether more rows matched than are shown."""

    query: str = ""
    choices: tuple[Choice, ...] = ()
    more: bool = False


def found_message(found: Found) -> str:
    """What the screen (and a screen reader) says about a search's results."""
    if not found.query:
        return ""
    if not found.choices:
        return str(_("「%(query)s」に該当するものはありません。") % {"query": found.query})
    if found.more:
        return str(
            _("%(count)s件を表示しています。ほかにも該当があります。読みや氏名を続けて入力し、絞り込んでください。")
            % {"count": len(found.choices)}
        )
    return str(_("%(count)s件見つかりました。") % {"count": len(found.choices)})


class Source:
    """What a kind of row needs to be picked. Subclasses live in the app that owns the rows.

    ``find`` searches ``queryset`` (already limited to what the user may see) and must cost a fixed number of queries
    whatever it finds; ``describe`` must show only what ``user`` may see of each row.
    """

    url_name: str = ""  # the search endpoint (a GET taking ``q``, answering ``lib/picker_options.html``)
    hint = _("読みまたは氏名の一部を入力してください。")
    no_script_hint = _("入力して「検索」を押すと、候補が表示されます。")
    cleared_text = _("選択を取り消しました。探す人を入力してください。")  # announced when the choice is undone

    def find(self, user, queryset: models.QuerySet, query: str) -> Found:
        raise NotImplementedError

    def describe(self, user, rows: list) -> list[Choice]:
        raise NotImplementedError

    def search_url(self) -> str:
        return reverse(self.url_name)


@dataclass(frozen=True)
class Search:
    """The no-JS 検索 button was pressed: search for ``query``; ``current`` is the id chosen before, if any."""

    query: str
    current: object = None


@dataclass
class PickerState:
    """What the widget renders: the chosen row (if it is one the user may pick), and the results of a no-JS search."""

    value: str = ""
    chosen: Choice | None = None
    query: str = ""
    found: Found | None = None
    message: str = ""

    def __str__(self):
        return self.value


class PickerWidget(forms.Widget):
    """The text box, hidden id, chosen row and results. Its id (the label's target) is the text box's."""

    template_name = "lib/picker.html"

    def __init__(self, attrs=None, *, source: Source | None = None):
        super().__init__(attrs)
        self.source = source

    def value_from_datadict(self, data, files, name):
        picked = data.get(f"{name}_pick") or data.get(name)
        if data.get(f"{name}_search") is not None:
            return Search(query=search_text(data.get(f"{name}_q")), current=picked)
        return picked

    def value_omitted_from_data(self, data, files, name):
        return not any(key in data for key in (name, f"{name}_pick", f"{name}_search"))

    def use_required_attribute(self, initial):
        # The text box is empty once a row is chosen; "required" on it would block a form that is complete.
        return False

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        state = value if isinstance(value, PickerState) else PickerState(value=str(parse_id(value) or ""))
        widget_attrs = context["widget"]["attrs"]
        widget_attrs.pop("required", None)
        base_id = widget_attrs.get("id") or f"picker_{name}"
        widget_attrs["id"] = base_id
        # The hint says what may be typed; the field's own help text and errors stay described as the form says.
        described = [widget_attrs.get("aria-describedby", ""), f"{base_id}_hint"]
        widget_attrs["aria-describedby"] = " ".join(part for part in described if part)
        context["widget"].update(
            {
                "state": state,
                "base_id": base_id,
                "search_url": self.source.search_url() if self.source else "",
                "hint": self.source.hint if self.source else "",
                "no_script_hint": self.source.no_script_hint if self.source else "",
                "cleared_text": self.source.cleared_text if self.source else Source.cleared_text,
            }
        )
        return context


class PickerBoundField(BoundField):
    """Hands the widget a :class:`PickerState` (chosen row, results) instead of the bare id."""

    def value(self):
        # Kept: the state reads the chosen row (and a no-JS search's rows), and a template asks for it more than once.
        if not hasattr(self, "_state"):
            data = self.initial
            if self.form.is_bound:
                data = self.field.bound_data(self.data, data)
            self._state = self.field.state(data)
        return self._state


class PickerField(IdChoiceField):
    """A choice of one row by search. Validation is a ``ModelChoiceField``'s: the id must be in ``queryset``."""

    widget = PickerWidget
    bound_field_class = PickerBoundField

    def __init__(self, *, source: Source, queryset, **kwargs):
        kwargs.setdefault("widget", PickerWidget(source=source))
        super().__init__(queryset=queryset, **kwargs)
        self.source = source
        self.widget.source = source
        self.user = None

    def scope(self, queryset, user) -> None:
        """The rows this user may pick (what the view would have offered in a select), and who is picking."""
        self.queryset = queryset
        self.user = user

    def to_python(self, value):
        if isinstance(value, Search):
            # The no-JS 検索 button: the form comes back with the results, and nothing is saved.
            if find_control_character(value.query) is not None:
                raise ValidationError(CONTROL_CHARACTER_ERROR, code="control_character")
            raise ValidationError(SEARCHING_ERROR if value.query else EMPTY_SEARCH_ERROR, code="searching")
        return super().to_python(value)

    def has_changed(self, initial, data):
        if isinstance(data, Search):
            return True
        return super().has_changed(initial, data)

    def _chosen(self, value) -> Choice | None:
        pk = value.pk if isinstance(value, models.Model) else parse_id(value)
        if pk is None or self.queryset is None:
            return None
        row = self.queryset.filter(pk=pk).first()
        return self.source.describe(self.user, [row])[0] if row is not None else None

    def state(self, data) -> PickerState:
        """The widget's state for the bound (or initial) value: a chosen row the user may see, a no-JS search's rows."""
        search = data if isinstance(data, Search) else None
        chosen = self._chosen(search.current if search else data)
        state = PickerState(value=str(chosen.value) if chosen else "", chosen=chosen)
        if search is not None:
            state.query = search.query
            if search.query and find_control_character(search.query) is None:
                state.found = self.source.find(self.user, self.queryset, search.query)
                state.message = found_message(state.found)
        return state
