"""Japanese telephone numbers: stored as digits only, shown with hyphens.

``phone_digits`` accepts full-width digits, hyphens of any kind, brackets, dots and spaces, and a leading ``+81``
(international form, converted to the domestic leading 0). The result must be 10 or 11 digits starting with 0.

``format_phone`` groups by a simple heuristic — it does not know the full table of Japanese area codes, so numbers
with 4- and 5-digit area codes (e.g. 0467-12-3456) are shown as 3-3-4 (046-712-3456); they still dial the same:

* 11 digits starting 0800 (free dial)          → 4-3-4  0800-123-4567
* other 11 digits (070/080/090 mobile, 050 IP, 020) → 3-4-4  090-1234-5678
* 10 digits starting 0120 / 0570 / 0990         → 4-3-3  0120-123-456
* 10 digits starting 03 / 06 (Tokyo, Osaka)     → 2-4-4  03-1234-5678
* other 10 digits                               → 3-3-4  022-123-4567
"""

from __future__ import annotations

import re
import unicodedata

from django.utils.translation import gettext_lazy

__all__ = ["PHONE_ERROR", "format_phone", "phone_digits"]

PHONE_ERROR = gettext_lazy("電話番号は0から始まる10桁または11桁の数字で入力してください（ハイフンは省略できます）。")

# Characters people put between the digit groups. NFKC has already turned full-width ones into ASCII.
_SEPARATORS_RE = re.compile(r"[\s\-‐‑‒–—―−ー()\[\].]")


def phone_digits(text: str) -> str:
    """``"０９０－１２３４－５６７８"`` → ``"09012345678"``. ``ValueError(PHONE_ERROR)`` if it is not a phone number."""
    if not isinstance(text, str):
        raise ValueError(PHONE_ERROR)
    norm = unicodedata.normalize("NFKC", text).strip()
    norm = _SEPARATORS_RE.sub("", norm)
    if norm.startswith("+81"):
        norm = "0" + norm[3:].removeprefix("0")
    if not (norm.isascii() and norm.isdigit() and 10 <= len(norm) <= 11 and norm.startswith("0")):
        raise ValueError(PHONE_ERROR)
    return norm


def _groups(digits: str) -> tuple[int, ...]:
    if len(digits) == 11:
        return (4, 3, 4) if digits.startswith("0800") else (3, 4, 4)
    if digits.startswith(("0120", "0570", "0990")):
        return (4, 3, 3)
    if digits.startswith(("03", "06")):
        return (2, 4, 4)
    return (3, 3, 4)


def format_phone(value: str | None) -> str:
    """``"09012345678"`` → ``"090-1234-5678"``. Input that is not a phone number is returned unchanged (``None`` → "")."""
    if not value:
        return ""
    try:
        digits = phone_digits(value)
    except ValueError:
        return value
    parts, start = [], 0
    for size in _groups(digits):
        parts.append(digits[start : start + size])
        start += size
    return "-".join(parts)
