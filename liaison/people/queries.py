"""Reads of persons that are more than a filter: current (not merged) persons, search, likely duplicates."""

from __future__ import annotations

import datetime
import unicodedata
from collections.abc import Iterable

from django.db.models import Q, QuerySet

from liaison.lib.kana import normalize_reading
from liaison.lib.phone import phone_digits

from .models import Person

__all__ = ["current", "likely_duplicates", "search"]


def current(queryset: QuerySet | None = None) -> QuerySet:
    """Persons that were not merged into another record (merged ones are kept for history only)."""
    qs = queryset if queryset is not None else Person.objects.all()
    return qs.filter(merged_into__isnull=True)


def _term_filter(term: str) -> Q:
    condition = Q(family_name__contains=term) | Q(given_name__contains=term)
    try:
        reading = normalize_reading(term)
    except ValueError:
        reading = ""
    if reading:
        condition |= Q(family_kana__contains=reading) | Q(given_kana__contains=reading)
    digits = "".join(ch for ch in unicodedata.normalize("NFKC", term) if ch.isdigit())
    if len(digits) >= 3 and len(digits) == len(term.replace("-", "").replace("－", "")):
        condition |= Q(phone__contains=digits)
    return condition


def search(queryset: QuerySet, query: str) -> QuerySet:
    """Filter by name (kanji as typed), reading (hiragana or katakana) or phone digits; every word must match."""
    for term in query.split():
        queryset = queryset.filter(_term_filter(term))
    return queryset


def likely_duplicates(
    *,
    family_kana: str,
    given_kana: str,
    birth_date: datetime.date | None,
    phone: str,
    station_ids: Iterable[int] | None = None,
    queryset: QuerySet | None = None,
    exclude_pk: int | None = None,
) -> list[Person]:
    """Current persons with the same reading and birth date, or the same phone number (N2.2: record a person once).

    Readings and phone may be given as typed; ``queryset`` (e.g. ``visible_to(user, Person)``) or ``station_ids``
    limits where to look.
    """
    try:
        family, given = normalize_reading(family_kana), normalize_reading(given_kana)
    except ValueError:
        family = given = ""
    try:
        digits = phone_digits(phone) if phone else ""
    except ValueError:
        digits = ""
    condition = Q()
    if family and given and birth_date:
        condition |= Q(family_kana=family, given_kana=given, birth_date=birth_date)
    if digits:
        condition |= Q(phone=digits)
    if not condition:
        return []
    qs = current(queryset if queryset is not None else Person.objects.all()).filter(condition)
    if station_ids is not None:
        qs = qs.filter(station_id__in=list(station_ids))
    if exclude_pk is not None:
        qs = qs.exclude(pk=exclude_pk)
    return list(qs.select_related("station").order_by("sort_key", "pk")[:20])
