"""Picking a person (住民等) in a form: the picker's source for people, and the field forms declare.

A form that picks a person declares ``person = PersonPickerField(label=...)`` and, in ``__init__``, scopes it with
the people the user may pick (``self.fields["person"].scope(people_queryset, user)``). What is searched is
``queries.for_picker``; what is shown of each person follows ``liaison.access.personal_data`` (reading, age and the
town of the address only for those who may see them) plus the current roles other apps report
(``current_roles``), which is what tells two 佐藤 花子 apart.
"""

from __future__ import annotations

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from liaison.access.personal_data import Field, visible_fields
from liaison.access.policy import sees_all_stations
from liaison.lib import picker
from liaison.lib.dates import today_tokyo

from . import current_roles, queries
from .models import Person

__all__ = ["PersonPickerField", "PersonSource", "describe", "find"]


def describe(user, people: list[Person], day=None) -> list[picker.Choice]:
    """Each person as the picker shows them: name, then what ``user`` may see that tells namesakes apart. The
    current roles cost one query per registered source, whatever the number of people."""
    day = day or today_tokyo()
    fields = visible_fields(user)
    roles = current_roles.for_people(user, [p.pk for p in people], day)
    choices = []
    for person in people:
        details = []
        if Field.READING in fields and person.full_kana.strip():
            details.append(person.full_kana)
        age = person.age(day) if Field.AGE in fields else None
        if age is not None:
            details.append(gettext("%(age)s歳") % {"age": age})
        area = f"{person.address_city}{person.address_town}" if Field.ADDRESS in fields else ""
        if area:
            details.append(area)
        details.extend(roles.get(person.pk, []))
        choices.append(picker.Choice(value=person.pk, label=person.full_name, details=tuple(details)))
    return choices


def find(user, queryset, query: str, limit: int = picker.LIMIT) -> picker.Found:
    """Up to ``limit`` current persons of ``queryset`` for ``query``, and whether more matched. Two queries (the
    search, one more than shown to know whether there are more; and the roles) whatever is found."""
    if not query:
        return picker.Found()
    one_station = not sees_all_stations(user)
    people = list(queries.for_picker(queries.current(queryset), query, one_station=one_station)[: limit + 1])
    return picker.Found(query=query, choices=tuple(describe(user, people[:limit])), more=len(people) > limit)


class PersonSource(picker.Source):
    url_name = "people:pick"
    hint = _("読み（ひらがな・カタカナ）、氏名の一部、電話番号または郵便番号で探せます。")

    def find(self, user, queryset, query):
        return find(user, queryset, query)

    def describe(self, user, rows):
        return describe(user, rows)


class PersonPickerField(picker.PickerField):
    """A person chosen by search; the form scopes it with ``scope(people_queryset, user)``."""

    def __init__(self, **kwargs):
        kwargs.setdefault("queryset", Person.objects.none())
        super().__init__(source=PersonSource(), **kwargs)
