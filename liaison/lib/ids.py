"""Ids from URLs, query strings and posted lists, parsed in one place.

A value that cannot be a row id (not ASCII digits, zero, more than a 64-bit signed integer holds) is treated as no
id at all: the database is never asked about it. SQLite raises OverflowError for integers past 2**63 - 1, PostgreSQL
refuses them, and ``int()`` of a very long digit string raises ValueError; ``"²".isdigit()`` is true but ``int("²")``
fails. Every view that reads an id from the request goes through here.
"""

from __future__ import annotations

from collections.abc import Iterable

__all__ = ["MAX_ID", "parse_id", "parse_ids"]

MAX_ID = 2**63 - 1  # the largest bigint; every primary key of the app fits in it
_MAX_DIGITS = len(str(MAX_ID))


def parse_id(value: object) -> int | None:
    """``"42"`` → 42; ``None`` for anything that cannot be a row id (text, 0, negative, past the 64-bit range)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if 1 <= value <= MAX_ID else None
    if not isinstance(value, str):
        return None
    text = value.strip()
    if not text or len(text) > _MAX_DIGITS or not (text.isascii() and text.isdigit()):
        return None
    number = int(text)
    return number if 1 <= number <= MAX_ID else None


def parse_ids(values: Iterable[object]) -> list[int]:
    """The ids among ``values``, each once, in the order given; values that cannot be ids are left out."""
    return list(dict.fromkeys(i for i in map(parse_id, values) if i is not None))
