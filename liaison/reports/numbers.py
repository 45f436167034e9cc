"""Document numbers as printed on forms: the prefix the prefecture configures (X4, e.g. 宮地第), the number, 号.

People type either the bare number (1234, １２３４) or the whole number as it is printed (宮地第1234号); both must
print as 宮地第1234号, never 宮地第宮地第1234号号.
"""

from __future__ import annotations

import re

__all__ = ["BLANK_NUMBER", "document_number", "document_number_digits"]

BLANK_NUMBER = "\u3000" * 4  # left open for the number to be written by hand
_FULL_WIDTH_DIGITS = str.maketrans("０１２３４５６７８９", "0123456789")
_DIGITS_RE = re.compile(r"[0-9]{1,10}")


def document_number_digits(text: str, prefix: str) -> str:
    """The number part of ``text`` ("" when blank); raises ``ValueError`` when what is left is not a number."""
    compact = "".join(text.split()).translate(_FULL_WIDTH_DIGITS)
    if not compact:
        return ""
    if prefix and compact.startswith(prefix):
        compact = compact[len(prefix) :]
    elif prefix.endswith("第") and compact.startswith("第"):
        compact = compact[1:]
    compact = compact.removesuffix("号")
    if not _DIGITS_RE.fullmatch(compact):
        raise ValueError(text)
    return compact


def document_number(prefix: str, digits: str) -> str:
    """「宮地第1234号」, or 「宮地第　　　　号」 with room for a hand-written number when ``digits`` is blank."""
    return f"{prefix}{digits or BLANK_NUMBER}号"
