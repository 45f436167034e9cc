"""Picking an officer (警察職員) in a form: the picker's source for officers, and the field forms declare.

A form that picks an officer declares ``officer = OfficerPickerField(label=...)`` and scopes it in ``__init__``
(``self.fields["officer"].scope(officers_queryset, user)``, e.g. ``visible_to(user, Officer).filter(active=True)``).
Each officer is shown with rank, title and placement, which is what tells two 佐藤 一郎 apart.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from liaison.lib import picker

from .models import Officer
from .queries import search_officers

__all__ = ["OfficerPickerField", "OfficerSource", "describe", "find"]


def describe(user, officers: list[Officer]) -> list[picker.Choice]:
    """Each officer as the picker shows them: name, reading, rank, title and placement (none of it personal data of
    civilians; every officer who may search officers may read it on the officer list)."""
    choices = []
    for officer in officers:
        details = [f"{officer.family_kana} {officer.given_kana}", officer.get_rank_display()]
        details += [part for part in (officer.title, officer.affiliation) if part]
        choices.append(picker.Choice(value=officer.pk, label=officer.full_name, details=tuple(details)))
    return choices


def find(user, queryset, query: str, limit: int = picker.LIMIT) -> picker.Found:
    """Up to ``limit`` officers of ``queryset`` for ``query``, and whether more matched. One query."""
    if not query:
        return picker.Found()
    found = search_officers(queryset, query).select_related("station", "section", "koban", "hq_division")
    officers = list(found.order_by("sort_key", "pk")[: limit + 1])
    return picker.Found(query=query, choices=tuple(describe(user, officers[:limit])), more=len(officers) > limit)


class OfficerSource(picker.Source):
    url_name = "org:pick"
    hint = _("読み（ひらがな・カタカナ）または氏名の一部で探せます。")

    def find(self, user, queryset, query):
        return find(user, queryset, query)

    def describe(self, user, rows):
        return describe(user, rows)


class OfficerPickerField(picker.PickerField):
    """An officer chosen by search; the form scopes it with ``scope(officers_queryset, user)``."""

    def __init__(self, **kwargs):
        kwargs.setdefault("queryset", Officer.objects.none())
        super().__init__(source=OfficerSource(), **kwargs)
