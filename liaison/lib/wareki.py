"""Japanese era (和暦) dates.

The era table is written by hand: five modern eras are all the product needs, and a small table is easier to audit
than a dependency.

Boundaries (first day of each era, Gregorian):

* 明治 1868-10-23 — the day of the era-change edict (旧暦 明治元年9月8日). The era was applied retroactively to the
  whole lunisolar year 1868, but dates before the adoption of the Gregorian calendar (1873) are not lunisolar-converted
  here; ``era_for``/``era_year`` raise ``ValueError`` for dates before 1868-10-23. Nothing in this product needs
  them, but a page must not break on such a stored date, so ``to_wareki``/``to_wareki_month`` write them in the
  Gregorian calendar instead (``1800年1月1日``).
* 大正 1912-07-30 (明治45年7月29日 is the last 明治 day)
* 昭和 1926-12-25 (大正15年12月24日 is the last 大正 day)
* 平成 1989-01-08 (昭和64年1月7日 is the last 昭和 day)
* 令和 2019-05-01 (平成31年4月30日 is the last 平成 day)

The first year of an era is written 元年 (``令和元年5月1日``).

Forms show dates with the Western year beside the era year, as many prefectural and municipal documents do
(``to_wareki(day, western_year=True)`` → ``令和8年（2026年）11月26日``), and ``parse_wareki`` reads that back, as well
as ``2026年（令和8年）11月26日``; the two years must agree.

Parsing is strict by default: ``平成32年1月1日`` does not exist (平成 ended in its 31st year) and raises
:class:`OutsideEra` 「平成は平成31年4月30日までです。令和2年1月1日のことですか。」. Documents printed before the 2019 era
change (licences, certificates) do carry such overflowing years, so ``parse_wareki(..., strict=False)`` accepts an
era year past the end of its era and counts on (平成32年 → 2020). A date before the start of its era
(``令和元年4月30日``) is rejected in both modes.

Every error for text that reads as a date but names no real day is an :class:`ImpossibleDate` whose message says
what is wrong, so forms can show it instead of the list of accepted formats.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.utils.translation import gettext

__all__ = [
    "ERAS",
    "Era",
    "ImpossibleDate",
    "NonexistentDate",
    "OutsideEra",
    "WarekiFormatError",
    "YearMismatch",
    "TOKYO",
    "era_for",
    "era_year",
    "local_date",
    "parse_wareki",
    "to_wareki",
    "to_wareki_month",
]

TOKYO = ZoneInfo("Asia/Tokyo")


@dataclass(frozen=True)
class Era:
    name: str  # 令和
    letter: str  # R
    start: dt.date  # first day of the era
    end: dt.date | None  # last day of the era; None for the current one


# Newest first, so the first era whose start is <= a date is the era of that date.
ERAS: tuple[Era, ...] = (
    Era("令和", "R", dt.date(2019, 5, 1), None),
    Era("平成", "H", dt.date(1989, 1, 8), dt.date(2019, 4, 30)),
    Era("昭和", "S", dt.date(1926, 12, 25), dt.date(1989, 1, 7)),
    Era("大正", "T", dt.date(1912, 7, 30), dt.date(1926, 12, 24)),
    Era("明治", "M", dt.date(1868, 10, 23), dt.date(1912, 7, 29)),
)


class WarekiFormatError(ValueError):
    """The text does not look like an era date at all (as opposed to an era date that does not exist)."""


class ImpossibleDate(ValueError):
    """The text reads as a date, but names no real day; the message says why (forms show it as it is)."""

    code = "impossible"


class NonexistentDate(ImpossibleDate):
    """There is no such day in the calendar (2026年2月30日, 令和7年13月1日, 令和0年1月1日)."""

    code = "nonexistent"


class OutsideEra(ImpossibleDate):
    """The day exists, but not in the era it was written in (平成32年1月1日, 令和元年4月30日)."""

    code = "outside_era"


class YearMismatch(ImpossibleDate):
    """The era year and the Western year written beside it are different years (令和8年（2025年）)."""

    code = "year_mismatch"


def nonexistent_date_message(text: str) -> str:
    return gettext("存在しない日付です: %(date)s") % {"date": text}


def _outside_era_message(era: Era, day: dt.date, *, after_end: bool) -> str:
    if after_end:
        message = gettext("%(era)sは%(last)sまでです。") % {"era": era.name, "last": to_wareki(era.end)}
    else:
        message = gettext("%(era)sは%(first)sからです。") % {"era": era.name, "first": to_wareki(era.start)}
    if day >= ERAS[-1].start:
        # The day itself is real: name it in its own era (平成32年1月1日 is what 令和2年1月1日 was called in advance).
        message += gettext("%(date)sのことですか。") % {"date": to_wareki(day)}
    return message


_BY_TOKEN: dict[str, Era] = {}
for _era in ERAS:
    _BY_TOKEN[_era.name] = _era
    _BY_TOKEN[_era.letter] = _era
    _BY_TOKEN[_era.letter.lower()] = _era


def local_date(value: dt.date | dt.datetime) -> dt.date:
    """The calendar date of ``value``: aware datetimes are converted to Asia/Tokyo first, naive ones taken as they are."""
    if isinstance(value, dt.datetime):
        if value.tzinfo is not None and value.utcoffset() is not None:
            value = value.astimezone(TOKYO)
        return value.date()
    if isinstance(value, dt.date):
        return value
    raise TypeError(f"日付ではありません: {value!r}")


def era_for(value: dt.date | dt.datetime) -> Era:
    """The era containing ``value``; ``ValueError`` before 明治."""
    day = local_date(value)
    for era in ERAS:
        if day >= era.start:
            return era
    raise ValueError("明治より前の日付は和暦で表せません。")


def era_year(value: dt.date | dt.datetime) -> tuple[str, int]:
    """``date(2025, 5, 20)`` → ``("令和", 7)``."""
    day = local_date(value)
    era = era_for(day)
    return era.name, day.year - era.start.year + 1


def _year_text(year: int, gannen: bool) -> str:
    return "元" if (year == 1 and gannen) else str(year)


def to_wareki(
    value: dt.date | dt.datetime | None, *, empty: str | None = None, gannen: bool = True, western_year: bool = False
) -> str:
    """``date(2025, 5, 20)`` → ``"令和7年5月20日"``; ``date(2019, 5, 1)`` → ``"令和元年5月1日"``.

    ``None`` returns ``empty`` when it is given (``to_wareki(None, empty="—")``) and raises ``TypeError`` otherwise.
    ``gannen=False`` writes the first year as ``1年``; ``western_year=True`` adds the Western year in brackets
    (``令和8年（2026年）11月26日``), which :func:`parse_wareki` reads back. A date before 明治 has no era and is written
    in the Gregorian calendar (``1800年1月1日``): a page showing an odd stored date must not break.
    """
    if value is None:
        if empty is not None:
            return empty
        raise TypeError("日付がありません。")
    day = local_date(value)
    if day < ERAS[-1].start:
        return f"{day.year}年{day.month}月{day.day}日"  # no era to write it in
    name, year = era_year(day)
    western = f"（{day.year}年）" if western_year else ""
    return f"{name}{_year_text(year, gannen)}年{western}{day.month}月{day.day}日"


def to_wareki_month(value: dt.date | dt.datetime | None, *, empty: str | None = None, gannen: bool = True) -> str:
    """``date(2025, 5, 20)`` → ``"令和7年5月"`` (the era of the given day, so 2019-04-30 gives 平成31年4月)."""
    if value is None:
        if empty is not None:
            return empty
        raise TypeError("日付がありません。")
    day = local_date(value)
    if day < ERAS[-1].start:
        return f"{day.year}年{day.month}月"
    name, year = era_year(day)
    return f"{name}{_year_text(year, gannen)}年{day.month}月"


_ERA_TOKEN = "|".join(sorted((re.escape(t) for t in _BY_TOKEN), key=len, reverse=True))
# 令和7年5月20日 / 令和元年5月1日 (日 optional) / 令和8年（2026年）11月26日 (NFKC has made the brackets ASCII)
_KANJI_RE = re.compile(
    rf"^(?P<era>{_ERA_TOKEN})(?P<year>元|\d{{1,2}})年(?:\((?P<western>\d{{4}})年?\))?"
    r"(?P<month>\d{1,2})月(?P<day>\d{1,2})日?$"
)
# 2026年（令和8年）11月26日
_WESTERN_FIRST_RE = re.compile(
    rf"^(?P<western>\d{{4}})年\((?P<era>{_ERA_TOKEN})(?P<year>元|\d{{1,2}})年?\)(?P<month>\d{{1,2}})月(?P<day>\d{{1,2}})日?$"
)
# R7.5.20 / R07/05/20 / H31-4-30 / 令和7.5.20
_SHORT_RE = re.compile(
    rf"^(?P<era>{_ERA_TOKEN})(?P<year>元|\d{{1,2}})(?P<sep>[./-])(?P<month>\d{{1,2}})(?P=sep)(?P<day>\d{{1,2}})$"
)


def _normalise(text: str) -> str:
    # NFKC is safe here: the text is a date. It turns full-width digits into ASCII and 「㋿」「㍻」 into 令和/平成.
    text = unicodedata.normalize("NFKC", text)
    return "".join(text.split())


def parse_wareki(text: str, *, strict: bool = True) -> dt.date:
    """``"令和7年5月20日"`` / ``"令和元年5月1日"`` / ``"R7.5.20"`` / ``"令和8年（2026年）11月26日"`` → ``date``.

    Full-width digits and spaces are accepted. Raises :class:`WarekiFormatError` for text that is not an era date,
    and an :class:`ImpossibleDate` (Japanese message) for a day that does not exist, for a date outside its era (see
    the module docstring for ``strict``) and for a Western year in brackets that is not the era year.
    """
    if not isinstance(text, str):
        raise TypeError(f"文字列ではありません: {text!r}")
    norm = _normalise(text)
    match = _KANJI_RE.match(norm) or _WESTERN_FIRST_RE.match(norm) or _SHORT_RE.match(norm)
    if match is None:
        raise WarekiFormatError(f"和暦の日付として読み取れません: {text}")
    era = _BY_TOKEN[match["era"]]
    year = 1 if match["year"] == "元" else int(match["year"])
    month, day_of_month = int(match["month"]), int(match["day"])
    written = f"{era.name}{_year_text(year, True)}年{month}月{day_of_month}日"
    if year < 1:
        raise NonexistentDate(nonexistent_date_message(written))
    western = match.groupdict().get("western")
    if western is not None and int(western) != era.start.year + year - 1:
        raise YearMismatch(
            gettext("%(era_year)sは%(year)d年です。括弧の中の%(western)s年と合いません。")
            % {
                "era_year": f"{era.name}{_year_text(year, True)}年",
                "year": era.start.year + year - 1,
                "western": western,
            }
        )
    try:
        day = dt.date(era.start.year + year - 1, month, day_of_month)
    except ValueError:
        raise NonexistentDate(nonexistent_date_message(written)) from None
    if day < era.start:
        raise OutsideEra(_outside_era_message(era, day, after_end=False))
    if strict and era.end is not None and day > era.end:
        raise OutsideEra(_outside_era_message(era, day, after_end=True))
    return day
