"""The station chief's and HQ's figures (C10.1, C8.2, N4.1, N4.3, N4.4) as SQL aggregates over the stored records and
findings: each figure is one query, whatever the number of councils, meetings, cases or contact persons; Python only
lays the aggregated rows out as tables. HQ's table reads a year's meetings, requests, referrals and exchanges from a
row of counts per station and fiscal year (``StationYear``, kept by ``tally``) and the findings from their tally.

The network's own figures (exchanges per officer and month, recruitment by section) are read by
``liaison.network.queries_figures`` and ``queries_referrals``; this module reuses them rather than counting again.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.core.paginator import Page, Paginator
from django.db.models import (
    Count,
    DurationField,
    ExpressionWrapper,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from liaison.cases.models import Case
from liaison.councils.models import Council
from liaison.findings import store
from liaison.findings.models import Finding, StationTally
from liaison.meetings.models import Meeting
from liaison.network.models import ContactPerson
from liaison.network.queries_figures import Period, current_fiscal_year
from liaison.org.models import PrefectureSettings

from .models import StationStanding, StationYear

__all__ = [
    "Period",
    "cases_by_category",
    "contacts_by_area",
    "councils_of_station",
    "current_fiscal_year",
    "meetings_by_month",
    "prefecture_totals",
    "stations_by_attention",
    "stations_overview",
]

# The stored findings these figures count, by the source and code their programmes register them under.
COUNCIL_SOURCE = "council"  # liaison.councils.findings.SOURCE
MEETINGS_SOURCE = "meetings"  # liaison.meetings.findings.SOURCE
CASE_SOURCE = "case"  # liaison.cases.findings.SOURCE
NO_REGULAR_MEETING = "no_regular_meeting"  # C7.2: no regular meeting held or planned once the due month began
NOT_TOLD = "not_told"  # C8.2: settled, the raiser not told within the configured days

SCHEDULED = (Meeting.Status.PLANNED, Meeting.Status.HELD)

# The figures of the HQ table read from ``StationYear``, by the column that holds them.
YEAR_FIGURES = {
    "meetings_scheduled": "meetings_scheduled",
    "meetings_held": "meetings_held",
    "case_count": "cases",
    "exchanges": "exchanges",
    "referrals": "referrals",
}


def _scalar(qs: QuerySet, expression) -> Coalesce:
    """A correlated subquery's single aggregate, 0 when nothing matches."""
    return Coalesce(
        Subquery(qs.order_by().annotate(v=expression).values("v")[:1], output_field=IntegerField()), Value(0)
    )


def _aware(day: datetime.date) -> datetime.datetime:
    """Midnight of ``day`` in the office's time zone: meetings are counted in the month they start in Tokyo."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def _next_month(first: datetime.date) -> datetime.date:
    return datetime.date(first.year + (first.month == 12), first.month % 12 + 1, 1)


def _findings(source: str, *, severity: str | None = None, code: str | None = None, hidden=()) -> QuerySet:
    found = Finding.objects.filter(subject__source=source)
    if severity:
        found = found.filter(severity=severity)
    if code:
        found = found.filter(code=code)
    hidden = list(hidden)
    return found.exclude(code__in=hidden) if hidden else found


def _whole_year(period: Period) -> int:
    """The fiscal year ``period`` is: the stations' rows of counts hold whole years only."""
    year = period.start.year
    if Period.of(year) != period:
        raise ValueError(f"not a whole fiscal year: {period}")
    return year


# --- HQ: one row per station ---------------------------------------------------------------------------------------


def stations_by_attention(stations: QuerySet, *, hidden=()) -> QuerySet:
    """The active stations of ``stations``, those needing attention first, each with the three counts that make up
    ``attention`` as stored today: councils with an error finding, councils behind the meeting plan (no regular
    meeting once the due month began, C7.2), requests whose raisers were not told back in time (C8.2). Read from the
    tally kept with the stored findings (a few rows per station), so ordering every station costs the same whatever
    the station holds. ``hidden`` are finding codes the reader may not see; they do not count."""
    station = OuterRef("pk")

    def tallied(condition: Q):
        return _scalar(StationTally.objects.filter(condition, station=station).values("station"), Sum("subjects"))

    return (
        stations.filter(active=True)
        .annotate(
            councils_error=tallied(store.tallied(COUNCIL_SOURCE, severity="error", hidden=hidden)),
            behind_plan=tallied(store.tallied(MEETINGS_SOURCE, code=NO_REGULAR_MEETING)),
            cases_not_told=tallied(store.tallied(CASE_SOURCE, code=NOT_TOLD)),
        )
        .annotate(attention=F("councils_error") + F("behind_plan") + F("cases_not_told"))
        .order_by("-attention", "order", "code", "pk")
    )


def stations_overview(stations: QuerySet, period: Period, *, hidden=()) -> QuerySet:
    """``stations_by_attention`` with each station's figures for the fiscal year ``period`` (C10.1, C8.2, N4.4): one
    query. The year's meetings, requests, referrals and exchanges are read from the station's row of counts for that
    year (``StationYear``, kept with the records), the consenting contact persons from its ``StationStanding``; its active
    councils are counted."""
    station = OuterRef("pk")
    councils = Council.objects.filter(station=station, status=Council.Status.ACTIVE)
    year = StationYear.objects.filter(station=station, fiscal_year=_whole_year(period))
    return stations_by_attention(stations, hidden=hidden).annotate(
        council_count=_scalar(councils.values("station"), Count("pk")),
        **{figure: _scalar(year.values("station"), Sum(column)) for figure, column in YEAR_FIGURES.items()},
        contacts=_scalar(StationStanding.objects.filter(station=station).values("station"), Sum("contacts_consented")),
    )


def prefecture_totals(stations: QuerySet, period: Period, *, hidden=()) -> dict:
    """The sums of ``stations_overview`` over the active stations of ``stations``, one aggregate per table instead of
    every station's row: the counts of findings from the tally, the year's records from the stations' rows of counts
    (a thousand rows a year at the largest scale) and of contact persons, the active councils counted."""
    active = stations.filter(active=True).values("pk")
    tallied = store.count_tallied(
        StationTally.objects.filter(station__in=active),
        councils_error=store.tallied(COUNCIL_SOURCE, severity="error", hidden=hidden),
        behind_plan=store.tallied(MEETINGS_SOURCE, code=NO_REGULAR_MEETING),
        cases_not_told=store.tallied(CASE_SOURCE, code=NOT_TOLD),
    )
    year = StationYear.objects.filter(station__in=active, fiscal_year=_whole_year(period)).aggregate(
        **{figure: Coalesce(Sum(column), 0) for figure, column in YEAR_FIGURES.items()}
    )
    return {
        **tallied,
        **year,
        "council_count": Council.objects.filter(station__in=active, status=Council.Status.ACTIVE).count(),
        "contacts": StationStanding.objects.filter(station__in=active).aggregate(
            n=Coalesce(Sum("contacts_consented"), 0)
        )["n"],
    }


# --- One station ---------------------------------------------------------------------------------------------------


def councils_of_station(station_id: int, period: Period, *, hidden=()) -> QuerySet:
    """The station's active councils, each with its stored findings by severity, whether it is behind the meeting plan
    (C7.2), and its meetings of the fiscal year (C10.1): one query."""
    fiscal_year = period.start.year
    council = OuterRef("pk")
    meetings = Meeting.objects.filter(council=council, fiscal_year=fiscal_year)

    def found(qs: QuerySet):
        return _scalar(qs.filter(subject__object_id=council).values("subject"), Count("pk"))

    return (
        Council.objects.filter(station_id=station_id, status=Council.Status.ACTIVE)
        .annotate(
            errors=found(_findings(COUNCIL_SOURCE, severity="error", hidden=hidden)),
            warnings=found(_findings(COUNCIL_SOURCE, severity="warning", hidden=hidden)),
            behind_plan=found(_findings(MEETINGS_SOURCE, code=NO_REGULAR_MEETING)),
            regular_scheduled=_scalar(
                meetings.filter(kind=Meeting.Kind.REGULAR, status__in=SCHEDULED).values("council"), Count("pk")
            ),
            regular_held=_scalar(
                meetings.filter(kind=Meeting.Kind.REGULAR, status=Meeting.Status.HELD).values("council"), Count("pk")
            ),
            ad_hoc_held=_scalar(
                meetings.filter(kind=Meeting.Kind.AD_HOC, status=Meeting.Status.HELD).values("council"), Count("pk")
            ),
        )
        .order_by("-errors", "-behind_plan", "name", "pk")
    )


def meetings_by_month(station_id: int, period: Period) -> dict:
    """The station's meetings per month of the period (C10.1): scheduled (planned or held, the plan) and held, by the
    month they start in. One aggregate query."""
    months = period.months()
    aggregates = {}
    for i, first in enumerate(months):
        in_month = Q(starts_at__gte=_aware(first), starts_at__lt=_aware(_next_month(first)))
        aggregates[f"s{i}"] = Count("pk", filter=in_month & Q(status__in=SCHEDULED))
        aggregates[f"h{i}"] = Count("pk", filter=in_month & Q(status=Meeting.Status.HELD))
    counts = Meeting.objects.filter(
        council__station_id=station_id,
        starts_at__gte=_aware(months[0]),
        starts_at__lt=_aware(_next_month(months[-1])),
    ).aggregate(**aggregates)
    rows = [
        {"month": first, "scheduled": counts[f"s{i}"], "held": counts[f"h{i}"], "fiscal_year": period.start.year}
        for i, first in enumerate(months)
    ]
    return {
        "rows": rows,
        "scheduled": sum(r["scheduled"] for r in rows),
        "held": sum(r["held"] for r in rows),
    }


def cases_by_category(station_id: int, period: Period) -> dict:
    """The requests received in the period by category (C8.2): how many in each status, how many settled, and of those
    how many were told back within the configured days, told late, or not told yet. One GROUP BY query (and the
    prefecture settings, read once per request)."""
    tell_days = datetime.timedelta(days=PrefectureSettings.current().case_tell_days)
    waited = ExpressionWrapper(F("told_on") - F("settled_on"), output_field=DurationField())
    told = Q(told_on__isnull=False)
    settled = Q(status__in=Case.SETTLED)
    statuses = {f"status_{s}": Count("pk", filter=Q(status=s)) for s in Case.Status.values}
    grouped = (
        Case.objects.filter(station_id=station_id, received_on__range=(period.start, period.end))
        .annotate(waited=waited)
        .values("category")
        .annotate(
            total=Count("pk"),
            settled=Count("pk", filter=settled),
            told_in_time=Count("pk", filter=settled & told & Q(waited__lte=tell_days)),
            told_late=Count("pk", filter=settled & told & Q(waited__gt=tell_days)),
            not_told=Count("pk", filter=settled & ~told),
            **statuses,
        )
        .order_by()
    )
    by_category = {row["category"]: row for row in grouped}
    names = ["total", "settled", "told_in_time", "told_late", "not_told", *statuses]
    rows = []
    for value, label in Case.Category.choices:
        row = by_category.get(value, {})
        counts = {name: row.get(name, 0) for name in names}
        rows.append(
            {
                "category": value,
                "label": label,
                **counts,
                "statuses": [(s, label, counts[f"status_{s}"]) for s, label in Case.Status.choices],
            }
        )
    totals = {name: sum(r[name] for r in rows) for name in names}
    totals["statuses"] = [(s, label, totals[f"status_{s}"]) for s, label in Case.Status.choices]
    return {"rows": rows, "totals": totals, "statuses": Case.Status.choices, "tell_days": tell_days.days}


def contacts_by_area(station_id: int) -> dict:
    """The station's contact persons by municipality and 地区 and by consent status, as they stand (N4.2, N4.3). One
    GROUP BY query."""
    per_consent = {f"c_{c}": Count("pk", filter=Q(consent=c)) for c in ContactPerson.Consent.values}
    grouped = (
        ContactPerson.objects.filter(station_id=station_id)
        .values("municipality", "district")
        .annotate(total=Count("pk"), **per_consent)
        .order_by("municipality", "district")
    )
    rows = []
    for row in grouped:
        counts = {c: row[f"c_{c}"] for c in ContactPerson.Consent.values}
        rows.append(
            {
                "municipality": row["municipality"],
                "district": row["district"],
                "total": row["total"],
                "counts": counts,
                "consents": [(c, label, counts[c]) for c, label in ContactPerson.Consent.choices],
            }
        )
    totals = [(c, label, sum(r["counts"][c] for r in rows)) for c, label in ContactPerson.Consent.choices]
    return {
        "rows": rows,
        "totals": totals,
        "total": sum(r["total"] for r in rows),
        "consents": ContactPerson.Consent.choices,
    }


STATIONS_PER_PAGE = 50


@dataclass(frozen=True)
class Overview:
    """The prefecture's figures for one fiscal year: one page of stations, needing attention first, and the sums over
    all of them."""

    stations: list
    totals: dict
    page: Page


SUMMED = (
    "council_count",
    "councils_error",
    "behind_plan",
    "meetings_scheduled",
    "meetings_held",
    "case_count",
    "cases_not_told",
    "exchanges",
    "contacts",
    "referrals",
)


def overview(stations: QuerySet, period: Period, *, hidden=(), page=1) -> Overview:
    """Page ``page`` of the stations by attention with their figures, and the prefecture's totals: the stations of
    other pages are ordered from the tally, but their figures are not counted."""
    paged = Paginator(stations_by_attention(stations, hidden=hidden).values_list("pk", flat=True), STATIONS_PER_PAGE)
    shown = paged.get_page(page)
    ids = list(shown.object_list)
    rows = sorted(stations_overview(stations.filter(pk__in=ids), period, hidden=hidden), key=lambda s: ids.index(s.pk))
    return Overview(rows, prefecture_totals(stations, period, hidden=hidden), shown)
