"""The cases' rules (C8.2, N3.1) as pure functions of plain values: which status may follow which, and what is found
about a case (settled but the raiser not told; open too long). Actions, the stored findings, the case page and the
tests all use these."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from enum import StrEnum

from django.utils.translation import gettext as _

from .models import Case

Status = Case.Status


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


@dataclass(frozen=True)
class Finding:
    """What a rule found: a code and the values its message needs (stored, rendered in the reader's language)."""

    code: str
    severity: Severity
    requirement: str
    params: dict = field(default_factory=dict)
    key: str = ""

    @property
    def message(self) -> str:
        return message(self.code, self.params)


def message(code: str, params: dict) -> str:
    """The message of a case finding in the active language."""
    if code == "not_told":
        return _("措置から%(days)s日が過ぎましたが、申出者・参加者に措置状況を連絡していません。") % params
    if code == "open_long":
        return _("受付から%(days)s日が過ぎましたが、措置が済んでいません。") % params
    return code


@dataclass(frozen=True)
class Limits:
    tell_days: int
    open_days: int

    @classmethod
    def from_settings(cls, settings) -> Limits:
        return cls(tell_days=settings.case_tell_days, open_days=settings.case_open_days)


# Still being worked on. 長期対応 is a decision already taken (the work goes on by design), so it is not "open too
# long": flagging every long-term case each day would bury the cases that were simply forgotten.
OPEN = (Status.RECEIVED, Status.CONSIDERING)

# Which status may follow which. 措置済 is final; 措置困難 may be taken up again (検討中) when circumstances change;
# 長期対応 ends as settled or goes back to consideration. Nothing returns to 受付: that is where a case starts.
NEXT: dict[str, frozenset[str]] = {
    Status.RECEIVED: frozenset({Status.CONSIDERING, Status.DONE, Status.DIFFICULT, Status.LONG_TERM}),
    Status.CONSIDERING: frozenset({Status.DONE, Status.DIFFICULT, Status.LONG_TERM}),
    Status.LONG_TERM: frozenset({Status.CONSIDERING, Status.DONE, Status.DIFFICULT}),
    Status.DIFFICULT: frozenset({Status.CONSIDERING}),
    Status.DONE: frozenset(),
}


def next_statuses(current: str) -> list[str]:
    """The statuses an update may record next: the same one (a note on progress) or one that may follow it."""
    return [s for s in Status.values if s == current or s in NEXT[current]]


def status_change_error(
    *, current: str, new: str, on: datetime.date, received_on: datetime.date, last_on: datetime.date | None, today
) -> str | None:
    """Why an update of the action status may not be recorded (None when it may)."""
    if new not in next_statuses(current):
        return _("「%(current)s」から「%(new)s」には変更できません。") % {
            "current": Status(current).label,
            "new": Status(new).label,
        }
    if on < received_on:
        return _("経過の日付を、受付日より前にはできません。")
    if last_on is not None and on < last_on:
        return _("経過の日付を、前の経過の日付より前にはできません。")
    if on > today:
        return _("経過の日付に、未来の日付は入力できません。")
    return None


def told_error(*, status: str, told_on: datetime.date, settled_on: datetime.date | None, today) -> str | None:
    """Why the date the raiser and attendees were told may not be recorded (None when it may)."""
    if status in OPEN:
        return _("措置状況が決まってから（措置済・措置困難・長期対応）、連絡した日を記録してください。")
    if settled_on is not None and told_on < settled_on:
        return _("連絡した日を、措置日より前にはできません。")
    if told_on > today:
        return _("連絡した日に、未来の日付は入力できません。")
    return None


def case_findings(
    *,
    status: str,
    received_on: datetime.date,
    settled_on: datetime.date | None,
    told_on: datetime.date | None,
    today: datetime.date,
    limits: Limits,
) -> list[Finding]:
    """C8.2: a settled case whose raiser and attendees were not told within ``tell_days`` (error), and a case still
    open ``open_days`` after it was received (warning). Most serious first."""
    found = []
    if status in Case.SETTLED and told_on is None and settled_on is not None:
        if (today - settled_on).days > limits.tell_days:
            found.append(Finding("not_told", Severity.ERROR, "C8.2", {"days": limits.tell_days}))
    if status in OPEN and (today - received_on).days > limits.open_days:
        found.append(Finding("open_long", Severity.WARNING, "C8.2", {"days": limits.open_days}))
    return found


def fiscal_year_of(day: datetime.date) -> int:
    """The fiscal year (April to March, named by its first calendar year) a day falls in."""
    return day.year if day.month >= 4 else day.year - 1


def fiscal_year_range(year: int) -> tuple[datetime.date, datetime.date]:
    return datetime.date(year, 4, 1), datetime.date(year + 1, 3, 31)
