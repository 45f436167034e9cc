"""C3.1 as a stored finding: which active kobans and chuzaishos no active council covers.

Counting them live probes the councils once per koban, so an HQ home page grew with the prefecture (about 1,100
kobans, eleven thousand at ten times). Each active koban is a subject of the store (source ``"koban"``) scoped to
its station and itself, with a ``no_council`` finding while no active council covers it; a home page counts those
findings, which are few. Kept equal to the live query (``queries.kobans_without_council``, the list page) by:

- the council actions that change which kobans an active council covers (create, update, the review that closes
  councils), which call ``refresh`` with every koban that may have gained or lost a council;
- the koban's own changes in org (created, changed, closed: ``post_save``; moved to another station: the
  reorganisation's ``kobans_transferred``), received in ``signals``;
- ``manage.py refresh_findings``, which rebuilds every source.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.db.models import QuerySet

from liaison.findings import store
from liaison.findings.models import Finding
from liaison.org.models import Koban

from . import rules
from .models import Council

SOURCE = "koban"


def _compute(ids: list[int], day: datetime.date) -> dict[int, store.Computed]:
    """The coverage finding of each active koban among ``ids`` (two queries); a closed koban keeps nothing."""
    kobans = list(Koban.objects.filter(pk__in=ids, active=True).values_list("pk", "station_id", "name"))
    covered = set(
        Council.kobans.through.objects.filter(
            koban_id__in=[pk for pk, _station, _name in kobans], council__status=Council.Status.ACTIVE
        ).values_list("koban_id", flat=True)
    )
    return {
        pk: store.Computed(
            station_id=station_id,
            koban_ids=frozenset({pk}),
            findings=rules.kobans_without_council(koban_names={pk: name}, covered_koban_ids=covered),
        )
        for pk, station_id, name in kobans
    }


def _objects() -> QuerySet:
    return Koban.objects.filter(active=True)


def _date_driven(since: datetime.date, day: datetime.date) -> QuerySet:
    """Coverage does not change with the date alone."""
    return Koban.objects.none()


def register() -> None:
    """Make the kobans' coverage a source of stored findings (called from the app's ``ready``)."""
    store.register(SOURCE, compute=_compute, objects=_objects, date_driven=_date_driven, render=rules.message)


def refresh(koban_ids: Iterable[int]) -> None:
    """Recompute the coverage of these kobans (in the caller's transaction)."""
    store.refresh(SOURCE, koban_ids)


def uncovered() -> QuerySet:
    """The stored ``no_council`` findings (scope them with ``visible_to``/``for_work`` and count them)."""
    return Finding.objects.filter(subject__source=SOURCE, code="no_council")
