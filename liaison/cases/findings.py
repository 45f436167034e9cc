"""The cases' findings in the store (liaison.findings): computed by ``rules.case_findings``, refreshed by every
action that changes a case, and by the daily date-driven refresh as deadlines pass; lists and home pages read them.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable

from django.db.models import Q, QuerySet

from liaison.findings import store
from liaison.findings.models import Finding
from liaison.org.models import PrefectureSettings

from . import rules
from .models import Case

SOURCE = "case"


def _may_have_findings() -> Q:
    """Cases a rule can find something about: still open, or settled and the raiser not told yet."""
    return Q(status__in=rules.OPEN) | Q(status__in=Case.SETTLED, told_on__isnull=True)


def _objects() -> QuerySet:
    return Case.objects.filter(_may_have_findings())


def _compute(ids: list[int], day: datetime.date) -> dict[int, store.Computed]:
    """Findings of the cases among ``ids`` that may have any, as of ``day`` (one query for the cases)."""
    limits = rules.Limits.from_settings(PrefectureSettings.current())
    rows = (
        _objects()
        .filter(pk__in=ids)
        .values_list("pk", "station_id", "koban_id", "status", "received_on", "settled_on", "told_on")
    )
    return {
        pk: store.Computed(
            station_id=station_id,
            koban_ids=frozenset({koban_id} if koban_id else ()),
            findings=rules.case_findings(
                status=status, received_on=received, settled_on=settled, told_on=told, today=day, limits=limits
            ),
        )
        for pk, station_id, koban_id, status, received, settled, told in rows
    }


def _date_driven(since: datetime.date, day: datetime.date) -> QuerySet:
    """Cases whose deadline passed between ``since`` and ``day``: received ``open_days`` ago, or settled
    ``tell_days`` ago (one day of margin either side; a superset is fine)."""
    limits = rules.Limits.from_settings(PrefectureSettings.current())
    margin = datetime.timedelta(days=1)

    def window(days: int) -> tuple[datetime.date, datetime.date]:
        return since - datetime.timedelta(days=days) - margin, day - datetime.timedelta(days=days) + margin

    return _objects().filter(
        Q(status__in=rules.OPEN, received_on__range=window(limits.open_days))
        | Q(status__in=Case.SETTLED, told_on__isnull=True, settled_on__range=window(limits.tell_days))
    )


def register() -> None:
    """Make the cases a source of stored findings (called from the app's ``ready``)."""
    store.register(SOURCE, compute=_compute, objects=_objects, date_driven=_date_driven, render=rules.message)


def refresh(case_ids: Iterable[int], day: datetime.date | None = None) -> None:
    """Recompute the stored findings of these cases (in the caller's transaction)."""
    store.refresh(SOURCE, case_ids, day)


def refresh_all(day: datetime.date | None = None) -> int:
    """Recompute every case's findings (the deadlines in the prefecture settings changed)."""
    return store.refresh_all(SOURCE, day)


def having(*, severity: str | None = None, code: str | None = None) -> Q:
    """A filter for Case querysets: the case has a stored finding of this severity or code."""
    return store.having(SOURCE, severity=severity, code=code)


def stored(case_ids: Iterable[int]) -> dict[int, list[rules.Finding]]:
    """Case id → its stored findings, most serious first. One query."""
    result: dict[int, list[rules.Finding]] = defaultdict(list)
    ids = list(case_ids)
    if not ids:
        return result
    rows = (
        Finding.objects.filter(subject__source=SOURCE, subject__object_id__in=ids)
        .order_by("subject__object_id", "position")
        .values_list("subject__object_id", "code", "severity", "requirement", "params", "key")
    )
    for case_id, code, severity, requirement, params, key in rows:
        result[case_id].append(rules.Finding(code, rules.Severity(severity), requirement, params, key))
    return result


def live(case: Case, day: datetime.date) -> list[rules.Finding]:
    """One case's findings computed now (the case page)."""
    return rules.case_findings(
        status=case.status,
        received_on=case.received_on,
        settled_on=case.settled_on,
        told_on=case.told_on,
        today=day,
        limits=rules.Limits.from_settings(PrefectureSettings.current()),
    )
