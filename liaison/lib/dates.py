"""Date input as people type it on police tablets, and ages.

``parse_date_input`` accepts (with full-width digits, slashes, hyphens and spaces as well):

* ``2025-05-20``, ``2025/05/20``, ``2025/5/2``, ``2025.5.20``, ``20250520``
* ``2025年5月20日``
* ``令和7年5月20日``, ``令和元年5月1日``, ``R7.5.20``, ``H31/4/30`` (see :mod:`liaison.lib.wareki`)
* ``令和8年（2026年）11月26日`` (what the date fields show) and ``2026年（令和8年）11月26日``

Text that reads as a date but names no real day raises :class:`~liaison.lib.wareki.ImpossibleDate` with a message
that says why (2026-02-30, 平成32年1月1日); anything else that cannot be read raises ``ValueError(DATE_INPUT_ERROR)``.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext, gettext_lazy

from liaison.lib.wareki import (
    ERAS,
    TOKYO,
    ImpossibleDate,
    NonexistentDate,
    WarekiFormatError,
    local_date,
    nonexistent_date_message,
    parse_wareki,
    to_wareki,
)

__all__ = [
    "BIRTH_DATE_MIN",
    "DATE_INPUT_ERROR",
    "OFFICE_DATE_MIN",
    "OFFICE_YEARS_AHEAD",
    "ImpossibleDate",
    "NonexistentDate",
    "age_on",
    "check_birth_date",
    "check_office_date",
    "office_date_range",
    "parse_date_input",
    "require_birth_date",
    "require_office_date",
    "today_tokyo",
]

DATE_INPUT_ERROR = gettext_lazy(
    "日付は 2025-05-20、2025/05/20、2025年5月20日、令和7年5月20日 のように入力してください。"
)

# Dashes people type between digits that NFKC leaves alone (it already maps － U+FF0D to "-").
_DASHES = str.maketrans(dict.fromkeys("‐‑‒–—―−ーｰ", "-"))

_SEPARATED_RE = re.compile(r"^(?P<year>\d{4})(?P<sep>[-/.])(?P<month>\d{1,2})(?P=sep)(?P<day>\d{1,2})$")
_KANJI_RE = re.compile(r"^(?P<year>\d{4})年(?P<month>\d{1,2})月(?P<day>\d{1,2})日?$")
_COMPACT_RE = re.compile(r"^(?P<year>\d{4})(?P<month>\d{2})(?P<day>\d{2})$")
# An era date, possibly after its Western year: 令和7年…, R7.…, 2026年(令和8年)…
_ERA_START_RE = re.compile(r"^(\d{4}年\()?(明治|大正|昭和|平成|令和|[MTSHRmtshr])(元|\d)")


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
        raise NonexistentDate(nonexistent_date_message(f"{year}年{month}月{day}日")) from None


def today_tokyo() -> dt.date:
    """Today's date in Japan, whatever the server's time zone."""
    return dt.datetime.now(TOKYO).date()


# --- Plausible ranges, one per kind of date ----------------------------------------------------------------------
#
# A date that parses is not yet a date the product can use: 9999-12-31 as the start of a term overflows the term's
# end (year 10001), 0001-01-01 has no era to print it in, and a birth date in the future makes every age on the
# council's pages impossible. Forms (liaison.lib.forms) and actions both check these ranges.

BIRTH_DATE_MIN = dt.date(1900, 1, 1)
# Office dates (terms, council set-up, reviews, reorganisations, public office): from the first day of 昭和 (the oldest
# council or office record anyone will type) to ten years ahead (a term planned in advance, with room to spare).
OFFICE_DATE_MIN = next(era.start for era in ERAS if era.name == "昭和")
OFFICE_YEARS_AHEAD = 10


def _years_later(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February in a common year
        return day.replace(year=day.year + years, day=28)


def office_date_range(today: dt.date | None = None) -> tuple[dt.date, dt.date]:
    """The first and last day an office date may take (both included)."""
    today = today or today_tokyo()
    return OFFICE_DATE_MIN, _years_later(today, OFFICE_YEARS_AHEAD)


def check_office_date(day: dt.date, *, today: dt.date | None = None) -> dt.date:
    """``day`` when it lies in :func:`office_date_range`; ``ValueError`` with a Japanese message otherwise."""
    first, last = office_date_range(today)
    if not first <= local_date(day) <= last:
        raise ValueError(
            gettext("%(first)sから%(last)sまでの日付を入力してください。")
            % {"first": to_wareki(first), "last": to_wareki(last)}
        )
    return day


def check_birth_date(day: dt.date, *, today: dt.date | None = None) -> dt.date:
    """``day`` when it is a plausible birth date (not in the future, not before 1900); ``ValueError`` otherwise."""
    day = local_date(day)
    if day > (today or today_tokyo()):
        raise ValueError(gettext("生年月日に未来の日付は入力できません。"))
    if day < BIRTH_DATE_MIN:
        raise ValueError(gettext("生年月日は1900年1月1日以降の日付を入力してください。"))
    return day


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


def _as_validation_error(check, day: dt.date, field: str | None) -> None:
    try:
        check(day)
    except ValueError as error:
        raise ValidationError({field: str(error)} if field else str(error), code="out_of_range") from None


def require_office_date(day: dt.date, *, field: str | None = None) -> None:
    """For actions: ``ValidationError`` (on ``field`` when given) for a date outside :func:`office_date_range`."""
    _as_validation_error(check_office_date, day, field)


def require_birth_date(day: dt.date | None, *, field: str | None = "birth_date") -> None:
    """For actions: ``ValidationError`` for a birth date in the future or before 1900; ``None`` passes."""
    if day is not None:
        _as_validation_error(check_birth_date, day, field)
