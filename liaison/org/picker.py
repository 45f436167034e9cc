"""Picking an officer (警察職員) in a form: the picker's source for officers, and the field forms declare; and the
source of the station filter's picker (``station_filter``), shown when a prefecture has more stations than a select
can list.

A form that picks an officer declares ``officer = OfficerPickerField(label=...)`` and scopes it in ``__init__``
(``self.fields["officer"].scope(officers_queryset, user)``, e.g. ``visible_to(user, Officer).filter(active=True)``).
Each officer is shown with rank, title and placement, which is what tells two 佐藤 一郎 apart.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from liaison.lib import picker
from liaison.lib.filters import OneOfMany, one_of_many

from .models import Officer, Station
from .queries import search_officers, search_stations

__all__ = [
    "OfficerPickerField",
    "OfficerSource",
    "StationSource",
    "describe",
    "find",
    "find_stations",
    "station_filter",
]


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


def find_stations(user, queryset, query: str, limit: int = picker.LIMIT) -> picker.Found:
    """Up to ``limit`` stations of ``queryset`` for ``query`` (serving ones first), and whether more matched. One query."""
    if not query:
        return picker.Found()
    stations = list(search_stations(queryset, query).order_by("-active", "order", "code", "pk")[: limit + 1])
    return picker.Found(query=query, choices=tuple(describe_stations(stations[:limit])), more=len(stations) > limit)


def describe_stations(stations: list[Station]) -> list[picker.Choice]:
    """A station as the picker shows it: its name, its code, and whether it has been merged into another."""
    choices = []
    for station in stations:
        details = [str(_("署コード %(code)s") % {"code": station.code})]
        if not station.active:
            details.append(str(_("統合済み")))
        choices.append(picker.Choice(value=station.pk, label=station.name, details=tuple(details)))
    return choices


class StationSource(picker.Source):
    url_name = "org:station_pick"
    hint = _("警察署名の一部または署コードで探せます。")
    cleared_text = _("選択を取り消しました。警察署名を入力してください。")

    def find(self, user, queryset, query):
        return find_stations(user, queryset, query)

    def describe(self, user, rows):
        return describe_stations(rows)


ALL_STATIONS = _("すべて")


def station_filter(request, stations, *, empty_label=ALL_STATIONS) -> OneOfMany:
    """A list's 警察署 filter (``?station=<id>``) over ``stations`` (those the user may see, in the order to show):
    a select, or the picker when the prefecture has more stations than a select can list."""
    return one_of_many(
        request, stations, name="station", label=_("警察署"), source=StationSource(), empty_label=empty_label
    )
