"""Reads of the organisation that are more than a filter."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from liaison.lib.kana import normalize_reading

__all__ = ["search_officers", "search_stations"]


def _officer_term(term: str) -> Q:
    condition = Q(family_name__contains=term) | Q(given_name__contains=term)
    try:
        reading = normalize_reading(term)
    except ValueError:
        reading = ""
    if reading:
        condition |= Q(family_kana__startswith=reading) | Q(given_kana__startswith=reading)
    return condition


def search_officers(queryset: QuerySet, query: str) -> QuerySet:
    """Officers by name (kanji as typed, any part) or reading (hiragana or katakana, half- or full-width, from its
    start); every word must match, so 「さとう いち」 finds 佐藤 一郎."""
    for term in query.split():
        queryset = queryset.filter(_officer_term(term))
    return queryset


def search_stations(queryset: QuerySet, query: str) -> QuerySet:
    """Stations by any part of the name (「中央」 finds 中央警察署 and 中央南警察署) or by code from its start; every word
    must match."""
    for term in query.split():
        queryset = queryset.filter(Q(name__contains=term) | Q(code__startswith=term))
    return queryset
