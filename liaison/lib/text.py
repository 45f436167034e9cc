"""Text that cannot be stored or searched: control characters and bytes that are not UTF-8.

PostgreSQL cannot store or compare NUL in text, and Django decodes invalid UTF-8 with U+FFFD replacement characters,
so a name sent as broken bytes would be stored as 「����」. Both are refused before they reach a form or a query
(see :mod:`liaison.lib.middleware`); other control characters are refused by the form fields with
:data:`CONTROL_CHARACTER_ERROR`.
"""

from __future__ import annotations

import re
from urllib.parse import unquote_to_bytes

from django.utils.translation import gettext_lazy

__all__ = [
    "CONTROL_CHARACTER_ERROR",
    "find_control_character",
    "form_encoded_is_readable",
    "is_readable",
    "search_text",
]

# Longer search terms are cut: nobody types more, SQLite refuses LIKE patterns over 50,000 bytes, and every word of a
# term becomes a condition of the query.
SEARCH_MAX_LENGTH = 100

CONTROL_CHARACTER_ERROR = gettext_lazy("制御文字は使用できません。")

# C0 controls except tab, line feed and carriage return (typed in text areas), DEL, and the C1 controls.
_CONTROL_RE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def find_control_character(text: str) -> str | None:
    """The first control character in ``text`` that a person cannot have meant to type, or None."""
    match = _CONTROL_RE.search(text)
    return match.group() if match else None


def is_readable(text: str) -> bool:
    """False for text holding NUL or U+FFFD (what a decoder leaves in place of bytes that were not UTF-8)."""
    return "\x00" not in text and "\ufffd" not in text


def form_encoded_is_readable(raw: bytes) -> bool:
    """Whether every name and value of an ``application/x-www-form-urlencoded`` body (or query string) is UTF-8
    without NUL, checked on the bytes themselves: once decoded, bad bytes have already become U+FFFD."""
    for pair in raw.split(b"&"):
        for part in pair.split(b"=", 1):
            try:
                decoded = unquote_to_bytes(part.replace(b"+", b" ")).decode("utf-8")
            except UnicodeDecodeError:
                return False
            if "\x00" in decoded:
                return False
    return True


def search_text(value: object) -> str:
    """A search term from a request, stripped and cut to ``SEARCH_MAX_LENGTH`` characters ("" when absent)."""
    return str(value or "").strip()[:SEARCH_MAX_LENGTH].strip()
