"""The station chief's view (N4.1, N4.3, N4.4) as SQL aggregates: each figure is one query (two for the areas),
whatever the number of exchanges and contact persons; Python only lays the aggregated rows out as tables."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Count, F, IntegerField, OuterRef, Q, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from liaison.cases.rules import fiscal_year_of, fiscal_year_range
from liaison.lib.wareki import to_wareki_month
from liaison.org.models import Koban

from . import findings
from .models import ContactPerson, Exchange, ExchangeTally, VisitDay

Consent = ContactPerson.Consent
ExchangeContact = Exchange.contacts.through


@dataclass(frozen=True)
class Period:
    start: datetime.date
    end: datetime.date

    @classmethod
    def of(cls, fiscal_year: int, month: int | None = None) -> Period:
        """A fiscal year (April to March), or one month of it."""
        start, end = fiscal_year_range(fiscal_year)
        if not month:
            return cls(start, end)
        year = fiscal_year if month >= 4 else fiscal_year + 1
        first = datetime.date(year, month, 1)
        following = datetime.date(year + (month == 12), month % 12 + 1, 1)
        return cls(first, following - datetime.timedelta(days=1))

    def months(self) -> list[datetime.date]:
        """The first day of each month of the period, in order."""
        months, day = [], self.start.replace(day=1)
        while day <= self.end:
            months.append(day)
            day = datetime.date(day.year + (day.month == 12), day.month % 12 + 1, 1)
        return months


def current_fiscal_year(today: datetime.date) -> int:
    return fiscal_year_of(today)


def _month(value) -> datetime.date:
    # TruncMonth of a date field reads back as a date on both databases; a datetime is narrowed just in case.
    return value.date() if isinstance(value, datetime.datetime) else value


def exchanges_by_officer_month(station_id: int, period: Period) -> dict:
    """Exchanges per officer and month (N4.4), read from the monthly tally: one GROUP BY officer with a sum per month
    over at most a row per officer, koban and month, whatever the number of exchanges. Officers in 五十音順 of their
    readings. (A period is whole months: a fiscal year or one month of it.)"""
    months = period.months()
    per_month = {f"m{i}": Coalesce(Sum("exchanges", filter=Q(month=first)), 0) for i, first in enumerate(months)}
    rows = (
        ExchangeTally.objects.filter(station_id=station_id, month__range=(months[0], months[-1]))
        .values("officer_id", "officer__family_name", "officer__given_name", "officer__family_kana")
        .annotate(**per_month)
        .order_by("officer__family_kana", "officer__given_kana", "officer_id")
    )
    officers: dict[int, dict] = {}
    totals = [0] * len(months)
    for row in rows:
        counts = [row[f"m{i}"] for i in range(len(months))]
        officers[row["officer_id"]] = {
            "name": f"{row['officer__family_name']} {row['officer__given_name']}",
            "counts": counts,
            "total": sum(counts),
        }
        totals = [a + b for a, b in zip(totals, counts, strict=True)]
    # (month label, count) pairs: each table cell is labelled with its month (for the cards a tablet shows), and
    # the labels are made once here, not once per officer and month in the template.
    labels = [to_wareki_month(month) for month in months]
    for officer in officers.values():
        officer["cells"] = list(zip(labels, officer["counts"], strict=True))
    return {
        "months": months,
        "month_labels": labels,
        "rows": list(officers.values()),
        "totals": totals,
        "total_cells": list(zip(labels, totals, strict=True)),
        "total": sum(totals),
    }


def _scalar(qs: QuerySet, expression) -> Coalesce:
    """A correlated subquery's single aggregate, 0 when nothing matches."""
    return Coalesce(
        Subquery(qs.order_by().annotate(v=expression).values("v")[:1], output_field=IntegerField()), Value(0)
    )


def visit_days(station_id: int, period: Period) -> QuerySet:
    """The 巡回連絡強化日 of the station's kobans in the period, each with its results (N4.4): the number of exchanges
    of that koban on that day and of contact persons met in them — one query with correlated aggregates."""
    exchanges = Exchange.objects.filter(koban_id=OuterRef("koban_id"), on=OuterRef("on"))
    met = ExchangeContact.objects.filter(exchange__koban_id=OuterRef("koban_id"), exchange__on=OuterRef("on"))
    return (
        VisitDay.objects.filter(koban__station_id=station_id, on__range=(period.start, period.end))
        .select_related("koban")
        .annotate(
            exchange_count=_scalar(exchanges.values("koban_id"), Count("pk")),
            contacts_met=_scalar(met.values("exchange__koban_id"), Count("contactperson_id", distinct=True)),
        )
        .order_by("on", "koban__order", "koban__name")
    )


def coverage_by_koban(station_id: int, period: Period) -> QuerySet:
    """Each active koban of the station (those with none too) with its consenting contact persons and its exchanges
    in the period (N4.3, the exchanges from the monthly tally): one query."""
    consenting = ContactPerson.objects.filter(koban_id=OuterRef("pk"), consent=Consent.CONSENTED)
    tallied = ExchangeTally.objects.filter(koban_id=OuterRef("pk"), month__range=(period.start, period.end))
    return (
        Koban.objects.filter(station_id=station_id, active=True)
        .annotate(
            consenting=_scalar(consenting.values("koban_id"), Count("pk")),
            exchanges=_scalar(tallied.values("koban_id"), Sum("exchanges")),
        )
        .order_by("order", "name")
    )


def coverage_by_area(station_id: int, period: Period) -> list[dict]:
    """Per municipality and 地区 of the station's contact persons (N4.3): the consenting ones, and the station's
    exchanges in the period that met one of them living in the area. Two GROUP BY queries, merged by area.

    The exchanges are read through the station's contact persons (a few hundred, each with its exchanges by index); an
    exchange meets only its station's contact persons (``actions.exchanges`` checks it), so this counts the same as
    starting from the station's exchanges, where PostgreSQL joined them to every exchange's contacts of the prefecture
    (a million rows) and took 118 ms at the largest prefecture's size."""
    consenting = (
        ContactPerson.objects.filter(station_id=station_id, consent=Consent.CONSENTED)
        .values("municipality", "district")
        .annotate(n=Count("pk"))
        .order_by()
    )
    exchanged = (
        ExchangeContact.objects.filter(
            contactperson__station_id=station_id,
            exchange__station_id=station_id,
            exchange__on__range=(period.start, period.end),
        )
        .values(municipality=F("contactperson__municipality"), district=F("contactperson__district"))
        .annotate(n=Count("exchange_id", distinct=True))
        .order_by()
    )
    areas: dict[tuple[str, str], dict] = {}
    for row in consenting:
        key = (row["municipality"], row["district"])
        areas.setdefault(key, {"municipality": key[0], "district": key[1], "consenting": 0, "exchanges": 0})
        areas[key]["consenting"] = row["n"]
    for row in exchanged:
        key = (row["municipality"], row["district"])
        areas.setdefault(key, {"municipality": key[0], "district": key[1], "consenting": 0, "exchanges": 0})
        areas[key]["exchanges"] = row["n"]
    return [areas[k] for k in sorted(areas)]


def contacts_by_consent(station_id: int) -> list[tuple[str, int]]:
    """The station's contact persons by consent status, every status in its order (those with none too): one
    GROUP BY."""
    counts = dict(
        ContactPerson.objects.filter(station_id=station_id)
        .values_list("consent")
        .annotate(n=Count("pk"))
        .order_by()
        .values_list("consent", "n")
    )
    return [(str(label), counts.get(value, 0)) for value, label in Consent.choices]


def stale_contacts(station_id: int) -> QuerySet:
    """The station's consenting contact persons not contacted for N days (stored findings, N4.4), longest first."""
    return (
        ContactPerson.objects.filter(station_id=station_id)
        .filter(findings.having_stale())
        .select_related("person", "koban", "officer")
        .annotate(since=Coalesce("last_exchange_on", "consent_on"))
        .order_by(F("since").asc(nulls_first=True), "person__sort_key", "pk")
    )
