"""The meetings' findings in the store (liaison.findings): a council with no regular meeting this fiscal year once the
configured month has begun (C7.2).

The subject is the council (source ``meetings``): the finding is about the council's year, not about one meeting.
Scheduling, moving, holding or cancelling a meeting refreshes its council in the action's transaction; the date alone
changes the answer on the first day of the due month and on 1 April, which the daily command catches.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable

from django.db.models import Q, QuerySet

from liaison.councils.models import Council
from liaison.findings import store
from liaison.org.models import PrefectureSettings

from . import rules
from .models import Meeting

SOURCE = "meetings"


def _compute(ids: list[int], day: datetime.date) -> dict[int, store.Computed]:
    """Findings of the active councils among ``ids`` as of ``day``: three queries for a batch."""
    due_month = PrefectureSettings.current().regular_meeting_due_month
    councils = dict(Council.objects.filter(pk__in=ids, status=Council.Status.ACTIVE).values_list("pk", "station_id"))
    kobans = defaultdict(set)
    for council_id, koban_id in Council.kobans.through.objects.filter(council_id__in=list(councils)).values_list(
        "council_id", "koban_id"
    ):
        kobans[council_id].add(koban_id)
    having = set(
        Meeting.objects.filter(
            council_id__in=list(councils),
            kind=Meeting.Kind.REGULAR,
            fiscal_year=rules.fiscal_year(day),
            status__in=[Meeting.Status.PLANNED, Meeting.Status.HELD],
        ).values_list("council_id", flat=True)
    )
    return {
        pk: store.Computed(
            station_id=station_id,
            koban_ids=frozenset(kobans[pk]),
            findings=rules.regular_meeting_findings(
                today=day, due_month=due_month, regular_held_or_planned_this_year=pk in having
            ),
        )
        for pk, station_id in councils.items()
    }


def _objects() -> QuerySet:
    return Council.objects.filter(status=Council.Status.ACTIVE)


def _date_driven(since: datetime.date, day: datetime.date) -> QuerySet:
    """Every active council when a fiscal year began or the due month began in (since, day]; otherwise none."""
    due_month = PrefectureSettings.current().regular_meeting_due_month
    current = since + datetime.timedelta(days=1)
    while current <= day:
        if current.day == 1 and current.month in (rules.FISCAL_YEAR_START_MONTH, due_month):
            return _objects()
        current += datetime.timedelta(days=1)
    return _objects().none()


def register() -> None:
    """Make the meetings a source of stored findings (called from the app's ``ready``)."""
    store.register(SOURCE, compute=_compute, objects=_objects, date_driven=_date_driven, render=rules.message)


def refresh(council_ids: Iterable[int], day: datetime.date | None = None) -> None:
    """Recompute the stored meeting findings of these councils (in the caller's transaction)."""
    store.refresh(SOURCE, council_ids, day)


def live(council_ids: list[int], day: datetime.date) -> dict[int, list]:
    """The findings the rules give now (the council page computes live; a test compares with the store)."""
    return {pk: c.findings for pk, c in _compute(council_ids, day).items()}


def having(code: str = "no_regular_meeting") -> Q:
    """A filter for Council querysets: the council has this stored meeting finding."""
    return store.having(SOURCE, code=code)
