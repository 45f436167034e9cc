"""The counts per station and fiscal year behind HQ's figures table (``StationYear``, C10.1, C8.2, N4.4), and the
counts of each station as they stand: consenting contact persons, kobans, officers (``StationStanding``, N4.4).

Each measure names the records it counts, the path from a record to its station, and the day that puts a record in a
fiscal year. Whenever one of those records is saved or deleted, by whichever action, the rows of the station-years it
left and entered are counted again from the records (``signals``), inside the caller's transaction and after locking
those rows, so two changes at once cannot lose a count. A council passing to another station takes its meetings
along: both stations' meeting counts are counted again. Bulk loads write records without saving them one by one and
call :func:`rebuild` (``manage.py rebuild_figures``) afterwards.

Counting again instead of adding one: a change of day, status or station moves a record between counts, and
counting a station-year costs the same as reading one record.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import models, transaction
from django.db.models import Count, Max, Min, Q
from django.utils import timezone

from liaison.cases.models import Case
from liaison.cases.rules import fiscal_year_of, fiscal_year_range
from liaison.meetings.models import Meeting
from liaison.network.models import ContactPerson, Exchange, Referral
from liaison.org.models import Koban, Officer

from .models import StationStanding, StationYear

Key = tuple[int, int]  # station id, fiscal year


@dataclass(frozen=True)
class Measure:
    model: type[models.Model]
    station: str  # the lookup from a record to its station's id
    day: str  # the date or time that puts a record in a fiscal year (in Tokyo)
    counts: dict[str, Q | None]  # StationYear column → which of the records it counts (None: all)

    @property
    def columns(self) -> list[str]:
        return list(self.counts)

    def in_year(self, year: int) -> Q:
        first, last = fiscal_year_range(year)
        if isinstance(self.model._meta.get_field(self.day), models.DateTimeField):
            following = datetime.datetime.combine(last + datetime.timedelta(days=1), datetime.time.min)
            start = timezone.make_aware(datetime.datetime.combine(first, datetime.time.min))
            return Q(**{f"{self.day}__gte": start, f"{self.day}__lt": timezone.make_aware(following)})
        return Q(**{f"{self.day}__range": (first, last)})

    def year_of(self, value) -> int:
        if isinstance(value, datetime.datetime):
            value = timezone.localtime(value).date()
        return fiscal_year_of(value)


MEETINGS = Measure(
    Meeting,
    "council__station",
    "starts_at",
    {
        "meetings_scheduled": Q(status__in=(Meeting.Status.PLANNED, Meeting.Status.HELD)),
        "meetings_held": Q(status=Meeting.Status.HELD),
    },
)
MEASURES = (
    MEETINGS,
    Measure(Case, "station", "received_on", {"cases": None}),
    Measure(Referral, "station", "referred_on", {"referrals": None}),
    Measure(Exchange, "station", "on", {"exchanges": None}),
)
COLUMNS = [column for measure in MEASURES for column in measure.columns]


def measure_of(model: type[models.Model]) -> Measure | None:
    return next((m for m in MEASURES if m.model is model), None)


def key_of(measure: Measure, pk) -> Key | None:
    """The station-year the record ``pk`` counts in as stored now (None when it is not stored)."""
    found = measure.model.objects.filter(pk=pk).values_list(measure.station, measure.day).first()
    return (found[0], measure.year_of(found[1])) if found and found[0] is not None else None


def count(measure: Measure, keys: Iterable[Key]) -> dict[Key, dict[str, int]]:
    """The measure's counts of the station-years ``keys`` from the records: one GROUP BY query per year."""
    by_year: dict[int, set[int]] = {}
    for station, year in keys:
        by_year.setdefault(year, set()).add(station)
    counted = {}
    aggregates = {c: Count("pk", filter=q) if q is not None else Count("pk") for c, q in measure.counts.items()}
    for year, stations in by_year.items():
        rows = (
            measure.model.objects.filter(measure.in_year(year), **{f"{measure.station}__in": stations})
            .order_by()
            .values(measure.station)
            .annotate(**aggregates)
        )
        for row in rows:
            counted[(row[measure.station], year)] = {c: row[c] for c in measure.columns}
    return counted


def recount(measure: Measure, keys: Iterable[Key | None]) -> None:
    """Count the station-years ``keys`` of ``measure`` again from the records. Their rows are made when missing and
    locked in one order before counting, so that a change committed meanwhile by another transaction is counted by
    whichever of the two counts last."""
    keys = sorted({k for k in keys if k is not None})
    if not keys:
        return
    with transaction.atomic():
        StationYear.objects.bulk_create(
            [StationYear(station_id=s, fiscal_year=y) for s, y in keys], ignore_conflicts=True
        )
        wanted = Q()
        for station, year in keys:
            wanted |= Q(station_id=station, fiscal_year=year)
        rows = list(StationYear.objects.select_for_update().filter(wanted).order_by("station_id", "fiscal_year"))
        counted = count(measure, keys)
        for row in rows:
            for column in measure.columns:
                setattr(row, column, counted.get((row.station_id, row.fiscal_year), {}).get(column, 0))
        StationYear.objects.bulk_update(rows, measure.columns)


def recount_stations(measure: Measure, station_ids: Iterable[int | None]) -> None:
    """Count every year of the stations ``station_ids`` again: the years they have rows for and the years of their
    records (a council that changed station brings meetings of years the new station had none in)."""
    stations = {s for s in station_ids if s is not None}
    if not stations:
        return
    years = set(StationYear.objects.filter(station_id__in=stations).values_list("fiscal_year", flat=True))
    span = measure.model.objects.filter(**{f"{measure.station}__in": stations}).aggregate(
        first=Min(measure.day), last=Max(measure.day)
    )
    if span["first"] is not None:
        years |= set(range(measure.year_of(span["first"]), measure.year_of(span["last"]) + 1))
    recount(measure, [(s, y) for s in stations for y in years])


# --- As they stand: consenting contact persons, kobans in service, officers in post ---------------------------------

# StationStanding column → the records it counts (each has a ``station``).
STANDING = {
    "contacts_consented": (ContactPerson, Q(consent=ContactPerson.Consent.CONSENTED)),
    "kobans_active": (Koban, Q(active=True)),
    "officers_active": (Officer, Q(active=True)),
}


def standing_columns(model: type[models.Model]) -> list[str]:
    return [column for column, (counted, _q) in STANDING.items() if counted is model]


def station_of(model: type[models.Model], pk) -> int | None:
    """The station the record ``pk`` belongs to as stored now (None when not stored or of no station)."""
    return model.objects.filter(pk=pk).values_list("station_id", flat=True).first()


def count_standing(column: str, station_ids: Iterable[int] | None = None) -> dict[int, int]:
    model, condition = STANDING[column]
    records = model.objects.filter(condition, station__isnull=False)
    if station_ids is not None:
        records = records.filter(station_id__in=station_ids)
    return dict(records.order_by().values("station").annotate(n=Count("pk")).values_list("station", "n"))


def recount_standing(columns: Iterable[str], station_ids: Iterable[int | None]) -> None:
    """Count ``columns`` of the stations ``station_ids`` again, their rows locked first as in :func:`recount`."""
    stations, columns = sorted({s for s in station_ids if s is not None}), list(columns)
    if not stations or not columns:
        return
    with transaction.atomic():
        StationStanding.objects.bulk_create([StationStanding(station_id=s) for s in stations], ignore_conflicts=True)
        rows = list(StationStanding.objects.select_for_update().filter(station_id__in=stations).order_by("station_id"))
        for column in columns:
            counted = count_standing(column, stations)
            for row in rows:
                setattr(row, column, counted.get(row.station_id, 0))
        StationStanding.objects.bulk_update(rows, columns)


@transaction.atomic
def rebuild() -> int:
    """Make every row equal to the records (after a restore or a bulk load); returns the rows written."""
    StationStanding.objects.all().delete()
    standing: dict[int, StationStanding] = {}
    for column in STANDING:
        for station, n in count_standing(column).items():
            setattr(standing.setdefault(station, StationStanding(station_id=station)), column, n)
    StationStanding.objects.bulk_create(standing.values(), batch_size=1000)
    StationYear.objects.all().delete()
    rows: dict[Key, StationYear] = {}
    for measure in MEASURES:
        span = measure.model.objects.aggregate(first=Min(measure.day), last=Max(measure.day))
        if span["first"] is None:
            continue
        years = range(measure.year_of(span["first"]), measure.year_of(span["last"]) + 1)
        stations = measure.model.objects.order_by().values_list(measure.station, flat=True).distinct()
        for key, counts in count(measure, [(s, y) for s in set(stations) if s is not None for y in years]).items():
            row = rows.setdefault(key, StationYear(station_id=key[0], fiscal_year=key[1]))
            for column, n in counts.items():
                setattr(row, column, n)
    StationYear.objects.bulk_create(rows.values(), batch_size=1000)
    return len(rows) + len(standing)
