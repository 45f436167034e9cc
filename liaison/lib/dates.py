"""Date input as people type it on police tablets, and ages.

``parse_date_input`` accepts (with full-width digits, slashes, hyphens and spaces as well):

* ``2025-05-20``, ``2025/05/20``, ``2025/5/2``, ``2025.5.20``, ``20250520``
* ``2025年5月20日``
* ``令和7年5月20日``, ``令和元年5月1日``, ``R7.5.20``, ``H31/4/30`` (see :mod:`liaison.lib.wareki`)
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata

from django.utils.translation import gettext_lazy

from liaison.lib.wareki import TOKYO, WarekiFormatError, local_date, parse_wareki

__all__ = ["DATE_INPUT_ERROR", "age_on", "parse_date_input", "today_tokyo"]

DATE_INPUT_ERROR = gettext_lazy(
    "日付は 2025-05-20、2025/05/20、2025年5月20日、令和7年5月20日 のように入力してください。"
)

# Dashes people type between digits that NFKC leaves alone (it already maps － U+FF0D to "-").
_DASHES = str.maketrans(dict.fromkeys("‐‑‒–—―−ーｰ", "-"))

_SEPARATED_RE = re.compile(r"^(?P<year>\d{4})(?P<sep>[-/.])(?P<month>\d{1,2})(?P=sep)(?P<day>\d{1,2})$")
_KANJI_RE = re.compile(r"^(?P<year>\d{4})年(?P<month>\d{1,2})月(?P<day>\d{1,2})日?$")
_COMPACT_RE = re.compile(r"^(?P<year>\d{4})(?P<month>\d{2})(?P<day>\d{2})$")
_ERA_START_RE = re.compile(r"^(明治|大正|昭和|平成|令和|[MTSHRmtshr])(元|\d)")


def _normalise(text: str) -> str:
    # NFKC only because this is a date (full-width digits / slashes / spaces, ㋿); never do this to names.
    text = unicodedata.normalize("NFKC", text).translate(_DASHES)
    return "".join(text.split())


def parse_date_input(text: str | dt.date) -> dt.date:
    """Parse a date typed by a person. Raises ``ValueError`` with a Japanese message when it cannot.

    A ``date`` (or ``datetime``, taken in Asia/Tokyo) is returned as a date unchanged.
    """
    if isinstance(text, dt.date):
        return local_date(text)
    if not isinstance(text, str):
        raise ValueError(DATE_INPUT_ERROR)
    norm = _normalise(text)
    if not norm:
        raise ValueError(DATE_INPUT_ERROR)
    if _ERA_START_RE.match(norm):
        try:
            return parse_wareki(norm)
        except WarekiFormatError:
            raise ValueError(DATE_INPUT_ERROR) from None
    match = _SEPARATED_RE.match(norm) or _KANJI_RE.match(norm) or _COMPACT_RE.match(norm)
    if match is None:
        raise ValueError(DATE_INPUT_ERROR)
    year, month, day = int(match["year"]), int(match["month"]), int(match["day"])
    try:
        return dt.date(year, month, day)
    except ValueError:
        raise ValueError(f"存在しない日付です: {year}年{month}月{day}日") from None


def today_tokyo() -> dt.date:
    """Today's date in Japan, whatever the server's time zone."""
    return dt.datetime.now(TOKYO).date()


def age_on(birth_date: dt.date, on_date: dt.date) -> int:
    """Age in whole years on ``on_date``.

    The age goes up on the birthday. Someone born on 29 February gets one year older on 1 March in common years
    (on 28 February they have not yet had their birthday), and on 29 February in leap years. Raises ``ValueError``
    if ``on_date`` is before ``birth_date``.
    """
    birth, on = local_date(birth_date), local_date(on_date)
    if on < birth:
        raise ValueError("生年月日より前の日付では年齢を計算できません。")
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))
