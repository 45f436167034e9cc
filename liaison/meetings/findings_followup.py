"""Problem-solving activities' findings in the store (liaison.findings): an interim report (中間連絡) to the council
past its due date and not made (C8.2). Refreshed by the activity actions and, as due dates pass, by the daily
date-driven refresh."""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from liaison.findings import store
from liaison.findings.models import Finding as StoredFinding

from .models import Activity, InterimReport

SOURCE = "activity"


class Finding:
    """One finding of an activity (the store keeps code, severity, requirement, params and key)."""

    def __init__(self, code: str, severity: str, requirement: str, params: dict, key: str = ""):
        self.code, self.severity, self.requirement, self.params, self.key = code, severity, requirement, params, key

    @property
    def message(self) -> str:
        return message(self.code, self.params)


def message(code: str, params: dict) -> str:
    if code == "interim_overdue":
        return _("中間連絡の期限（%(due_on)s）を過ぎていますが、協議会への連絡が済んでいません。") % params
    return code


def overdue_findings(due_dates: Iterable[datetime.date], today: datetime.date) -> list[Finding]:
    """C8.2: each interim report not made by its due date (the day after it is overdue), oldest first."""
    return [
        Finding("interim_overdue", "error", "C8.2", {"due_on": due.isoformat()}, key=due.isoformat())
        for due in sorted(set(due_dates))
        if due < today
    ]


def _objects() -> QuerySet:
    return Activity.objects.filter(status=Activity.Status.OPEN)


def _compute(ids: list[int], day: datetime.date) -> dict[int, store.Computed]:
    activities = dict(_objects().filter(pk__in=ids).values_list("pk", "council__station_id"))
    kobans = defaultdict(set)
    for activity_id, koban_id in Activity.objects.filter(pk__in=list(activities)).values_list(
        "pk", "council__kobans__id"
    ):
        if koban_id:
            kobans[activity_id].add(koban_id)
    due = defaultdict(list)
    for activity_id, due_on in InterimReport.objects.filter(
        activity_id__in=list(activities), reported_on__isnull=True
    ).values_list("activity_id", "due_on"):
        due[activity_id].append(due_on)
    return {
        pk: store.Computed(
            station_id=station_id, koban_ids=frozenset(kobans[pk]), findings=overdue_findings(due[pk], day)
        )
        for pk, station_id in activities.items()
    }


def _date_driven(since: datetime.date, day: datetime.date) -> QuerySet:
    """Open activities with an interim report falling due between ``since`` and ``day`` (a day of margin)."""
    window = (since - datetime.timedelta(days=1), day)
    return _objects().filter(
        pk__in=InterimReport.objects.filter(reported_on__isnull=True, due_on__range=window).values("activity_id")
    )


def register() -> None:
    store.register(SOURCE, compute=_compute, objects=_objects, date_driven=_date_driven, render=message)


def refresh(activity_ids: Iterable[int], day: datetime.date | None = None) -> None:
    """Recompute the stored findings of these activities (in the caller's transaction)."""
    store.refresh(SOURCE, activity_ids, day)


def having(code: str = "interim_overdue") -> Q:
    """A filter for Activity querysets: the activity has a stored finding of this code."""
    return store.having(SOURCE, code=code)


def stored(activity_ids: Iterable[int]) -> dict[int, list[StoredFinding]]:
    """Activity id → its stored findings (rows of the store; ``.message`` renders them). One query."""
    result: dict[int, list] = defaultdict(list)
    ids = list(activity_ids)
    if ids:
        rows = StoredFinding.objects.filter(subject__source=SOURCE, subject__object_id__in=ids).select_related(
            "subject"
        )
        for row in rows.order_by("subject__object_id", "position"):
            result[row.subject.object_id].append(row)
    return result


def live(activity: Activity, day: datetime.date) -> list[Finding]:
    """One activity's findings computed now (its page)."""
    if activity.status != Activity.Status.OPEN:
        return []
    return overdue_findings(
        activity.interim_reports.filter(reported_on__isnull=True).values_list("due_on", flat=True), day
    )
