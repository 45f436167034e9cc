"""Which persons are past the retention period of their personal data (APPI), as told by the apps that know their roles.

A person is kept while any role with the police lasts or ended less than the retention period ago: a council term
(councils), a contact-person record or a referral (network), a case they raised (cases). People sits below those apps
and cannot ask them, so each registers a source once, typically in its ``AppConfig.ready()``::

    from liaison.people import retention

    retention.register("councils", persons_holding_since)

``persons_holding_since(cutoff) -> QuerySet`` gives the ``person_id`` values (a ``values("person_id")`` queryset, used
as a subquery) of everyone whose role in that app is current, in the future, or ended on or after ``cutoff``; it must
never yield NULL (``NOT IN`` a list holding NULL matches nobody), so nullable links filter ``__isnull=False``. The
selection is then one query however many persons and sources there are.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable

from django.db import models

from liaison.lib.wareki import TOKYO

from .models import Person

__all__ = ["cutoff_for", "due_for_anonymising", "register", "sources", "unregister"]

Source = Callable[[datetime.date], models.QuerySet]

_sources: dict[str, Source] = {}


def register(name: str, source: Source) -> None:
    """Add (or replace, by name) a source of persons whose role lasts or ended on or after a cutoff date."""
    _sources[name] = source


def unregister(name: str) -> None:
    """Remove a source; unknown names are ignored (tests)."""
    _sources.pop(name, None)


def sources() -> list[str]:
    return sorted(_sources)


def cutoff_for(day: datetime.date, years: int) -> datetime.date:
    """The day ``years`` years before ``day`` (29 February falls back to the 28th)."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


def _start_of(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time.min, tzinfo=TOKYO)


def due_for_anonymising(*, day: datetime.date, years: int) -> models.QuerySet:
    """Persons not yet anonymised, recorded before the cutoff, whose every role ended before it (or who had none).

    A role that ended exactly on the cutoff day keeps the person: the period is "more than N years ago".
    """
    cutoff = cutoff_for(day, years)
    people = Person.objects.filter(anonymised_at__isnull=True, created_at__lt=_start_of(cutoff))
    for name in sorted(_sources):
        people = people.exclude(pk__in=_sources[name](cutoff))
    return people.order_by("pk")
