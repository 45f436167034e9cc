"""The monthly tally of exchanges (``ExchangeTally``) behind the chief's view (N4.3, N4.4): one count per station,
officer, koban and month, added to by the exchange action in its transaction and rebuilt from the exchanges by
``manage.py rebuild_exchange_tally``. Exchanges are never edited or deleted, so creating one is the only change."""

from __future__ import annotations

import datetime
from collections import Counter
from collections.abc import Iterable

from django.db import IntegrityError, transaction
from django.db.models import Count, F

from .models import Exchange, ExchangeTally

Key = tuple[int, int, int | None, datetime.date]  # station, officer, koban, month


def month_of(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def count_exchange(exchange: Exchange) -> None:
    """Add ``exchange`` to its month's row, inside the caller's transaction. An ``F()`` update, or the month's first
    row: when two exchanges create that row at once, the unique constraint stops the second, which then adds to the
    row the first made — no count is lost on either database."""
    key = {
        "station_id": exchange.station_id,
        "officer_id": exchange.officer_id,
        "koban_id": exchange.koban_id,
        "month": month_of(exchange.on),
    }
    row = ExchangeTally.objects.filter(**key)
    if row.update(exchanges=F("exchanges") + 1):
        return
    try:
        with transaction.atomic():
            ExchangeTally.objects.create(exchanges=1, **key)
    except IntegrityError:
        row.update(exchanges=F("exchanges") + 1)


def tally_rows(exchanges: Iterable[tuple[int, int, int | None, datetime.date]]) -> list[ExchangeTally]:
    """Unsaved tally rows for ``(station_id, officer_id, koban_id, day)`` of exchanges written in bulk (the demo and
    the scale generator write exchanges as rows, not through the action)."""
    counts: Counter[Key] = Counter(
        (station, officer, koban, month_of(day)) for station, officer, koban, day in exchanges
    )
    return [_row(key, n) for key, n in counts.items()]


def _row(key: Key, exchanges: int) -> ExchangeTally:
    station, officer, koban, month = key
    return ExchangeTally(station_id=station, officer_id=officer, koban_id=koban, month=month, exchanges=exchanges)


@transaction.atomic
def rebuild(station_ids: Iterable[int] | None = None) -> int:
    """Make the tally of the given stations (default: all) equal to their exchanges; returns the rows written. Counts
    per day in SQL and sums the days into months here: truncating a date to its month is a Python call per row on
    SQLite."""
    rows = ExchangeTally.objects.all()
    exchanges = Exchange.objects.all()
    if station_ids is not None:
        station_ids = list(station_ids)
        rows, exchanges = rows.filter(station_id__in=station_ids), exchanges.filter(station_id__in=station_ids)
    rows.delete()
    counts: Counter[Key] = Counter()
    per_day = exchanges.order_by().values_list("station_id", "officer_id", "koban_id", "on").annotate(n=Count("pk"))
    for station, officer, koban, day, n in per_day.iterator(chunk_size=5000):
        counts[(station, officer, koban, month_of(day))] += n
    written = ExchangeTally.objects.bulk_create((_row(key, n) for key, n in counts.items()), batch_size=1000)
    return len(written)


def stored() -> dict[Key, int]:
    """The tally as stored, by key (for the tests that hold it equal to :func:`live`)."""
    rows = ExchangeTally.objects.values_list("station_id", "officer_id", "koban_id", "month", "exchanges")
    return {(station, officer, koban, month): n for station, officer, koban, month, n in rows if n}


def live() -> dict[Key, int]:
    """The tally counted from the exchanges now, by key."""
    exchanges = Exchange.objects.values_list("station_id", "officer_id", "koban_id", "on")
    return dict(Counter((station, officer, koban, month_of(day)) for station, officer, koban, day in exchanges))
