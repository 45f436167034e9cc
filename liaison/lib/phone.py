"""Japanese telephone numbers: stored as digits only, shown with hyphens where Japanese offices put them.

``phone_digits`` accepts full-width digits, hyphens of any kind, brackets, dots and spaces, and a leading ``+81``
(international form, converted to the domestic leading 0). The result is 10 or 11 digits starting with 0 that
Japan's numbering plan has given out; anything else raises ``ValueError`` with a Japanese message.

Grouping and validity come from ``phonenumbers`` (Google's libphonenumber data), which knows every Japanese area
code: the area code is 2 to 5 digits long, and the grouping follows it (03-1234-5678, 022-123-4567,
0467-12-3456, 04992-2-1234). No rule of thumb gets this right — most numbers in Kagawa and rural Miyagi have
4-digit area codes — so there is none here.
"""

from __future__ import annotations

import functools
import re
import unicodedata

import phonenumbers
from django.utils.translation import gettext_lazy

__all__ = ["PHONE_ERROR", "PHONE_NOT_IN_USE_ERROR", "format_phone", "phone_digits"]

PHONE_ERROR = gettext_lazy("電話番号は0から始まる10桁または11桁の数字で入力してください（ハイフンは省略できます）。")
PHONE_NOT_IN_USE_ERROR = gettext_lazy(
    "日本で使われている電話番号ではありません。市外局番と桁数を確かめてください（携帯電話は11桁です）。"
)

# Characters people put between the digit groups. NFKC has already turned full-width ones into ASCII.
_SEPARATORS_RE = re.compile(r"[\s\-‐‑‒–—―−ー()\[\].]")


def _national_digits(text: str) -> str:
    """The digits of ``text`` in the domestic form; ``ValueError(PHONE_ERROR)`` if it is not 10–11 digits from 0."""
    if not isinstance(text, str):
        raise ValueError(PHONE_ERROR)
    norm = unicodedata.normalize("NFKC", text).strip()
    norm = _SEPARATORS_RE.sub("", norm)
    if norm.startswith("+81"):
        norm = "0" + norm[3:].removeprefix("0")
    if not (norm.isascii() and norm.isdigit() and 10 <= len(norm) <= 11 and norm.startswith("0")):
        raise ValueError(PHONE_ERROR)
    return norm


@functools.lru_cache(maxsize=4096)
def _grouped(digits: str) -> str | None:
    """``"0467123456"`` → ``"0467-12-3456"``; ``None`` when Japan has no such number."""
    try:
        number = phonenumbers.parse(digits, "JP")
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number_for_region(number, "JP"):
        return None
    shown = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)
    # The national format of a Japanese number is its digits with hyphens. When it is not ("00066000000" is read as
    # "0066-000-000", one zero taken for a prefix) the digits typed are not a number Japan gave out in that form.
    return shown if shown.replace("-", "") == digits else None


def phone_digits(text: str) -> str:
    """``"０９０－１２３４－５６７８"`` → ``"09012345678"``.

    ``ValueError(PHONE_ERROR)`` if it is not 10–11 digits starting with 0, ``ValueError(PHONE_NOT_IN_USE_ERROR)`` if
    it is, but no Japanese number looks like it (an area code that does not exist, a mobile number one digit short).
    """
    digits = _national_digits(text)
    if _grouped(digits) is None:
        raise ValueError(PHONE_NOT_IN_USE_ERROR)
    return digits


def format_phone(value: str | None) -> str:
    """``"0467123456"`` → ``"0467-12-3456"``, ``"09012345678"`` → ``"090-1234-5678"``.

    A value that is not a Japanese phone number is returned unchanged (``None`` → ""): a page shows what is stored
    rather than break or group it wrongly.
    """
    if not value:
        return ""
    try:
        digits = _national_digits(value)
    except ValueError:
        return value
    return _grouped(digits) or value
