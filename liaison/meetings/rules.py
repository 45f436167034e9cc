"""Meeting rules as pure functions (C7, C10). They take plain facts and return answers or findings; nothing here
touches the database. The actions, the forms, the findings store and the tests all use these same functions.
"""

from __future__ import annotations

import datetime
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from django.utils.translation import gettext as _

from liaison.councils.rules import Finding, Severity

FISCAL_YEAR_START_MONTH = 4  # the Japanese fiscal year runs April–March

# 幹部 (executives) by rank: 警部 and above. A 警部補 is counted only by post (below).
_EXECUTIVE_RANKS = {"keibu", "keishi", "keishisei", "keishicho", "keishikan"}
# Titles that make an officer an executive whatever the rank: the station's command and section heads.
_EXECUTIVE_TITLES = ("署長", "副署長", "次長", "課長", "地域官", "係長", "代理")


def fiscal_year(day: datetime.date) -> int:
    """The fiscal year (Western year of its April) that ``day`` falls in: 2026-03-31 → 2025, 2026-04-01 → 2026."""
    return day.year if day.month >= FISCAL_YEAR_START_MONTH else day.year - 1


def fiscal_year_bounds(year: int) -> tuple[datetime.date, datetime.date]:
    """First and last day of fiscal year ``year``."""
    return datetime.date(year, 4, 1), datetime.date(year + 1, 3, 31)


def next_regular_number(numbers_in_year: Iterable[int | None]) -> int:
    """The number (第N回) of the next regular meeting, given the numbers of the year's planned and held ones (C7.1).

    One past the highest, not the count: a cancelled 第2回 leaves 第3回 as it was printed on the invitations.
    """
    return max((n for n in numbers_in_year if n), default=0) + 1


# --- Election periods (C10.3) ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class PeriodFacts:
    """An election period as the rule needs it."""

    pk: int
    name: str
    starts_on: datetime.date
    ends_on: datetime.date
    whole_prefecture: bool
    municipalities: frozenset[str]


def overlapping_periods(periods: Iterable[PeriodFacts], day: datetime.date, municipalities: Iterable[str]):
    """The election periods that cover ``day`` and the council's area (its kobans' municipalities), earliest first.

    A period of the whole prefecture covers every council; one of chosen municipalities covers a council when any of
    its kobans lies in one of them (a council spanning two towns is avoided when either votes).
    """
    area = {m.strip() for m in municipalities if m and m.strip()}
    found = [
        p
        for p in periods
        if p.starts_on <= day <= p.ends_on and (p.whole_prefecture or area & {m.strip() for m in p.municipalities})
    ]
    return sorted(found, key=lambda p: (p.starts_on, p.pk))


def election_refusal(period: PeriodFacts) -> str:
    """The message that refuses a meeting inside ``period`` unless a reason is given."""
    return _(
        "開催日は選挙運動期間（%(name)s、%(start)s〜%(end)s）に当たります。公平性を疑われる時期の開催は避けてください"
        "（要綱第10-3）。やむを得ず開催するときは、その理由を入力してください。"
    ) % {"name": period.name, "start": period.starts_on.isoformat(), "end": period.ends_on.isoformat()}


# --- Police attendees (C10.2, Form 3) ----------------------------------------------------------------------------

COMMUNITY = "community"
OTHER_EXECUTIVE = "other_executive"
OTHER = "other"


def executive_class(
    *, rank: str, title: str, section_is_community: bool, at_koban: bool, hq_community: bool = False
) -> str:
    """How Form 3 counts an officer who attended: 地域幹部, その他の幹部 or neither (one rule, used everywhere).

    Why these lines: Form 3 asks how many 警察幹部等 took part, split into 地域幹部 (the circular's 警察署の地域警察幹部,
    who guide the koban staff and follow each council, C10.1) and other executives the station chief sends (C10.2).

    * 幹部 is 警部 and above, or a post that commands or heads a section (署長, 副署長, 次長, 課長, 地域官, 係長, 課長代理)
      whatever the rank: a 警部補 係長 of the community section is the supervisor the circular means.
    * A koban officer below 警部 is not counted, even a 警部補 交番所長: they run the council, they are its ordinary
      attendees, and counting them would make every meeting look "attended by executives".
    * 地域幹部 is an executive of the community section — the station's 地域課, a koban (kobans belong to it), or
      HQ's community division; every other executive (署長 and 副署長 included, who send others) is その他の幹部.
    """
    titled = any(word in (title or "") for word in _EXECUTIVE_TITLES)
    executive = rank in _EXECUTIVE_RANKS or (titled and not at_koban)
    if not executive:
        return OTHER
    station_command = any(word in (title or "") for word in ("署長", "次長"))  # 署長 and 副署長 both end in 署長
    if not station_command and (section_is_community or at_koban or hq_community):
        return COMMUNITY
    return OTHER_EXECUTIVE


@dataclass(frozen=True)
class AttendanceCounts:
    """Form 3's participant figures: members, police officers, and the executives among the officers (内数)."""

    members: int
    guests: int
    police: int
    community_executives: int
    other_executives: int


def attendance_counts(*, members: int, guests: int, classes: Iterable[str]) -> AttendanceCounts:
    """The figures from the attendance record (never typed): ``classes`` are the police attendees' classes."""
    counted = Counter(classes)
    return AttendanceCounts(
        members=members,
        guests=guests,
        police=sum(counted.values()),
        community_executives=counted[COMMUNITY],
        other_executives=counted[OTHER_EXECUTIVE],
    )


# --- Findings (C7.2) ---------------------------------------------------------------------------------------------


def regular_meeting_findings(
    *, today: datetime.date, due_month: int, regular_held_or_planned_this_year: bool
) -> list[Finding]:
    """C7.2: a council with no regular meeting (held or planned) in this fiscal year once ``due_month`` has begun.

    ``due_month`` counts in the fiscal year: 10 means from 1 October; 2 means from 1 February of the next calendar
    year. A meeting planned later in the year answers the finding: the council has arranged it.
    """
    if regular_held_or_planned_this_year:
        return []
    year = fiscal_year(today)
    due_year = year if due_month >= FISCAL_YEAR_START_MONTH else year + 1
    due = datetime.date(due_year, due_month, 1)
    if today < due:
        return []
    return [
        Finding(
            "no_regular_meeting",
            Severity.WARNING,
            "C7.2",
            {"year": year, "due": due.isoformat()},
        )
    ]


def message(code: str, params: dict) -> str:
    """A meeting finding's message in the active language."""
    if code == "no_regular_meeting":
        return _("%(year)s年度の定期会議がまだ予定・開催されていません（年1回以上、要綱第7-2）。") % params
    return code
