"""Reads of persons that are more than a filter: current (not merged) persons, search, likely duplicates."""

from __future__ import annotations

import datetime
import re
import unicodedata
from collections.abc import Iterable

from django.db.models import Case, Exists, IntegerField, OuterRef, Q, QuerySet, Value, When

from liaison.lib.kana import normalize_reading, reading_prefix_key
from liaison.lib.phone import phone_digits

from .models import Person, PersonNameGram
from .name_grams import READING_PREFIX_LENGTH, is_whole_gram, term_grams

__all__ = ["current", "for_picker", "likely_duplicates", "postal_code_filter", "search", "search_in_order"]


def current(queryset: QuerySet | None = None) -> QuerySet:
    """Persons that were not merged into another record (merged ones are kept for history only)."""
    qs = queryset if queryset is not None else Person.objects.all()
    return qs.filter(merged_into__isnull=True)


# Above every character: ``key >= p AND key < p + TOP`` is "key starts with p" on a code-point ordered index.
TOP = "\U0010ffff"


def _key_prefix(field: str, prefix: str) -> Q:
    """``field`` starts with ``prefix``, as a range an index on a code-point ordered key column answers."""
    return Q(**{f"{field}__gte": prefix, f"{field}__lt": prefix + TOP})


def _digits_after(digits: str) -> str | None:
    """The smallest digit string above every string starting with ``digits`` ("0909" → "091"); None for "999"."""
    stripped = digits.rstrip("9")
    return f"{stripped[:-1]}{int(stripped[-1]) + 1}" if stripped else None


def _digit_prefix(field: str, prefix: str) -> Q:
    """``field`` (digits, maybe with a hyphen at a fixed place) starts with ``prefix``: a range the index answers,
    checked by the prefix itself (collations that weigh the hyphen differently still return only real matches)."""
    condition = Q(**{f"{field}__startswith": prefix, f"{field}__gte": prefix})
    after = _digits_after(prefix.replace("-", ""))
    if after is not None:
        upper = f"{after[:3]}-{after[3:]}" if "-" in prefix and len(after) > 3 else after
        condition &= Q(**{f"{field}__lt": upper})
    return condition


def _term_filter(term: str, *, one_station: bool = False) -> Q:
    """One search word: phone or postal code by their first digits, a reading by its start (family or given name),
    else a name by any part of it. Each is answered from an index (the grams for names)."""
    condition = _phone_or_reading(term)
    return condition if condition is not None else _name_part(term, one_station=one_station)


def _phone_or_reading(term: str) -> Q | None:
    """The filter of a word that is the start of a phone number, postal code or reading; None for a name."""
    condition = _phone(term)
    if condition is not None:
        return condition
    condition, _key = _reading(term)
    return condition


def _phone(term: str) -> Q | None:
    """The filter of a word that is the first digits (three or more) of a phone number or postal code, else None."""
    digits = "".join(ch for ch in unicodedata.normalize("NFKC", term) if ch.isdigit())
    if len(digits) >= 3 and len(digits) == len(unicodedata.normalize("NFKC", term).replace("-", "").replace("－", "")):
        postal = f"{digits[:3]}-{digits[3:7]}" if len(digits) > 3 else digits
        condition = _digit_prefix("phone", digits)
        if len(digits) <= 7:
            condition |= _digit_prefix("postal_code", postal)
        return condition
    return None


def _reading(term: str, *, joined: bool = False) -> tuple[Q | None, str]:
    """The filter of a word that is the start of a family or given reading, with the key it starts with; (None, "")
    for a word that is not a reading.

    ``joined``: the persons are read through an index table (``search_in_order``), so the key ranges, which only
    lead the database to the candidates, are left out. They hold whenever the reading does, and PostgreSQL, which
    multiplies the estimates of the range and of the reading as if they were independent, would expect a few hundred
    persons of 「サ」 instead of 40,000 and count them by hashing every one."""
    try:
        reading = normalize_reading(term)
        key = reading_prefix_key(reading)
    except ValueError:
        return None, ""
    if not key:
        return None, ""
    if joined:
        return Q(family_kana__startswith=reading) | Q(given_kana__startswith=reading), key
    # The key range finds candidates from the index; the reading itself tells サ from ザ, as before.
    condition = (_key_prefix("sort_key", key) & Q(family_kana__startswith=reading)) | (
        _key_prefix("given_key", key) & Q(given_kana__startswith=reading)
    )
    return condition, key


def _name_part(term: str, grams: list[str] | None = None, *, one_station: bool = False) -> Q:
    """``term`` anywhere in the family or given name: the persons holding the term's grams (one index range each,
    see ``PersonNameGram``; ``grams`` when the caller joins some of them itself), checked by ``contains`` (which
    decides what is found; the grams narrow, and decide alone when the term is itself a gram).

    ``one_station``: the persons searched are one station's few hundred, so each is probed for the gram instead: the
    list of the gram's holders grows with the prefecture (5,800 hold 佐藤 at ten times the largest one), and SQLite,
    without statistics, would read it whole and look each holder up in the station."""
    condition = Q()
    for gram in term_grams(term) if grams is None else grams:
        if one_station:
            condition &= Q(Exists(PersonNameGram.objects.filter(person=OuterRef("pk"), gram=gram)))
        else:
            condition &= Q(pk__in=PersonNameGram.objects.filter(gram=gram).values("person_id"))
    if is_whole_gram(term):
        # Exactly the persons holding the gram. Without the LIKE, PostgreSQL also estimates the matches from the
        # gram's statistics (5,800 for 佐藤, not the LIKE's guess of 200), so it reads them from the index.
        return condition
    return condition & (Q(family_name__contains=term) | Q(given_name__contains=term))


def search(queryset: QuerySet, query: str, *, one_station: bool = False) -> QuerySet:
    """Filter by name (kanji as typed, any part), reading (hiragana or katakana, the start of the family or given
    name), or the first digits of a phone number or postal code; every word must match. ``one_station``:
    ``queryset`` holds one station's persons (see ``_name_part``)."""
    for term in query.split():
        queryset = queryset.filter(_term_filter(term, one_station=one_station))
    return queryset


def search_in_order(queryset: QuerySet, query: str, *, one_station: bool = False) -> QuerySet:
    """``search`` in 五十音順 (``sort_key``, then id), to be paged.

    The first word that is a name or a reading is joined to an index table holding one row per person and the
    person's reading key, and the persons are ordered by that row's copy of the key: the database reads the first
    page from the index in order and checks each row until the page is full, instead of collecting every match and
    sorting them. A name joins one gram of it (``PersonNameGram``: 5,800 people hold 佐藤 at ten times the largest
    prefecture); a reading joins its first letters (``PersonReadingPrefix``: 30,000 family or given readings start
    with サ there, and the given ones are spread over ``sort_key``). The same persons in the same order as
    ``search(queryset, query).order_by("sort_key", "pk")``.

    ``one_station``: ``queryset`` holds one station's persons (a few hundred). Walking the prefecture's index would
    then read every holder of the gram or prefix to find the station's few, so the station's persons are read and
    the matches sorted, as ``search`` does (SQLite, without statistics, cannot tell the two cases apart).
    """
    if one_station:
        return search(queryset, query, one_station=True).order_by("sort_key", "pk")
    names, reading_keys = [], []
    for term in query.split():
        phone = _phone(term)
        reading, key = (None, "") if phone is not None else _reading(term, joined=True)
        if phone is None and reading is None:
            names.append(term)  # filtered below, the first one through the join
        else:
            queryset = queryset.filter(phone if phone is not None else reading)
            reading_keys += [key] if key else []
    # A name's gram is held by fewer people than a reading's first letters (佐藤 against サ): join it when there is one.
    ordered_by = None
    if names:
        first, *others = term_grams(names[0])
        queryset = queryset.filter(_name_part(names[0], grams=others), name_grams__gram=first)
        ordered_by = "name_grams"
        for term in names[1:]:
            queryset = queryset.filter(_name_part(term))
    elif reading_keys:
        queryset = queryset.filter(reading_prefixes__prefix=reading_keys[0][:READING_PREFIX_LENGTH])
        ordered_by = "reading_prefixes"
    if ordered_by is not None:
        return queryset.order_by(f"{ordered_by}__sort_key", f"{ordered_by}__person_id")
    return queryset.order_by("sort_key", "pk")


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


# 〒980-0811 as typed, from its first three digits on: "980", "980-08", "９８００８１１", "〒980 0811".
_POSTAL_START = re.compile(r"〒?\s*(\d{3})(?:[\s\-‐‑‒–—―−ー]?(\d{1,4}))?")


def postal_code_filter(query: str) -> Q | None:
    """Persons whose postal code starts with the digits typed (at least three), or None when ``query`` cannot be the
    start of a postal code. Codes are stored as 123-4567; the hyphen may be typed or left out."""
    match = _POSTAL_START.fullmatch(unicodedata.normalize("NFKC", query).strip())
    if match is None:
        return None
    head, tail = match.group(1), match.group(2) or ""
    return Q(postal_code__startswith=f"{head}-{tail}" if tail else head) | Q(postal_code__startswith=head + tail)


def _starts_with(word: str) -> Q:
    condition = Q(family_name__startswith=word)
    try:
        reading = normalize_reading(word)
    except ValueError:
        reading = ""
    if reading:
        condition |= Q(family_kana__startswith=reading)
    return condition


def for_picker(queryset: QuerySet, query: str, *, one_station: bool = False) -> QuerySet:
    """What the person picker finds for ``query``: ``search`` (name, reading, phone), or a postal code starting with
    the digits typed; people whose family name or reading starts with the first word come first (a reading typed
    from its start is how a person is looked up), then in 五十音順. ``one_station`` as for ``search``."""
    found = search(queryset, query, one_station=one_station)
    postal = postal_code_filter(query)
    if postal is not None:
        # (the scope) AND ((the search) OR (the postal code)): ORing two scoped querysets instead makes SQLite scan
        # the scope twice.
        everyone = queryset.model._default_manager.all()
        found = queryset & (search(everyone, query, one_station=one_station) | everyone.filter(postal))
    words = query.split()
    if not words:
        return found.order_by("sort_key", "pk")
    first = Case(When(_starts_with(words[0]), then=Value(0)), default=Value(1), output_field=IntegerField())
    return found.order_by(first, "sort_key", "pk")
