"""Reads of information exchanges (N3.1ア–ウ) that are more than a filter: what the tablet screen offers (contact
persons in the officer's order, the information items still valid, the materials of the officer's last exchange),
the exchange list's filters and rows, and a contact person's latest exchanges."""

from __future__ import annotations

import datetime

from django.db.models import Case as SqlCase
from django.db.models import Count, IntegerField, Prefetch, Q, QuerySet, Value, When

from liaison.cases.models import CaseUpdate
from liaison.org.models import Officer, Station

from .models import ContactPerson, Exchange, ExchangeCase, ExchangeMaterial, SafetyInfo

# The groups of the contact-person tick list, in the order the officer meets them.
MINE, KOBAN, STATION = 0, 1, 2


def offered_contacts(station: Station, officer: Officer | None) -> QuerySet:
    """The station's contact persons an exchange may name: only those in an active consent state (declined and
    withdrawn people are never offered, N4.2). The officer's own first, then their koban's, then the rest of the
    station, 五十音順 within each; each row carries ``group`` (MINE, KOBAN, STATION)."""
    whens = []
    if officer is not None:
        whens.append(When(officer_id=officer.pk, then=Value(MINE)))
        if officer.koban_id:
            whens.append(When(koban_id=officer.koban_id, then=Value(KOBAN)))
    return (
        ContactPerson.objects.filter(station=station, consent__in=ContactPerson.ACTIVE)
        .select_related("person", "koban")
        .annotate(group=SqlCase(*whens, default=Value(STATION), output_field=IntegerField()))
        .order_by("group", "person__sort_key", "pk")
    )


def offered_items(station: Station, on: datetime.date) -> QuerySet:
    """Published information items the station may hand out on ``on``: published by it or to it, already published
    and still valid (no end date, or one not yet passed)."""
    return (
        SafetyInfo.objects.filter(SafetyInfo.station_scope(station.pk))
        .filter(published_on__lte=on)
        .filter(Q(valid_until__isnull=True) | Q(valid_until__gte=on))
        .order_by("-published_on", "-pk")
    )


def last_materials(officer: Officer) -> list[ExchangeMaterial]:
    """The materials of the officer's latest exchange (two queries at most): an officer hands out the same month's
    newsletter at every door, so the next entry starts from them."""
    last = Exchange.objects.filter(officer=officer).order_by("-on", "-pk").values_list("pk", flat=True).first()
    if last is None:
        return []
    return list(ExchangeMaterial.objects.filter(exchange_id=last).order_by("pk"))


def last_kind(officer: Officer) -> str | None:
    """The kind of the officer's latest exchange, or None."""
    return Exchange.objects.filter(officer=officer).order_by("-on", "-pk").values_list("kind", flat=True).first()


def filtered(exchanges: QuerySet, filters: dict) -> QuerySet:
    """The exchanges matching the list's filters (each optional): officer, section, kind, month ("YYYY-MM"), koban."""
    if "officer" in filters:
        exchanges = exchanges.filter(officer=filters["officer"])
    if "section" in filters:
        exchanges = exchanges.filter(section=filters["section"])
    if "kind" in filters:
        exchanges = exchanges.filter(kind=filters["kind"])
    if "koban" in filters:
        exchanges = exchanges.filter(koban=filters["koban"])
    if "month" in filters:
        first = month_start(filters["month"])
        if first is not None:
            exchanges = exchanges.filter(on__gte=first, on__lt=_next_month(first))
    return exchanges


def month_start(value: str) -> datetime.date | None:
    """The first day of a "YYYY-MM" month, or None for anything else."""
    try:
        year, month = (int(part) for part in value.split("-"))
        return datetime.date(year, month, 1)
    except (ValueError, TypeError):
        return None


def _next_month(first: datetime.date) -> datetime.date:
    return datetime.date(first.year + first.month // 12, first.month % 12 + 1, 1)


def months(exchanges: QuerySet, today: datetime.date) -> list[str]:
    """The months the filter offers, newest first: from the oldest exchange's month to this one (one query)."""
    oldest = exchanges.order_by("on").values_list("on", flat=True).first()
    current = datetime.date(today.year, today.month, 1)
    start = datetime.date(oldest.year, oldest.month, 1) if oldest and oldest < current else current
    found, month = [], current
    while month >= start:
        found.append(f"{month.year:04d}-{month.month:02d}")
        month = datetime.date(month.year - (month.month == 1), (month.month - 2) % 12 + 1, 1)
    return found


def _contacts_with_people() -> Prefetch:
    return Prefetch("contacts", queryset=ContactPerson.objects.select_related("person").order_by("person__sort_key"))


def for_list(exchanges: QuerySet) -> QuerySet:
    """What a list row shows, read in a fixed number of queries for a page (the exchanges, their contact persons),
    newest first."""
    return (
        exchanges.select_related("station", "officer", "section", "koban")
        .annotate(case_count=Count("case_links"))
        .prefetch_related(_contacts_with_people())
        .order_by("-on", "-pk")
    )


def for_detail(exchanges: QuerySet) -> QuerySet:
    """One exchange with everything its page shows: contact persons, materials, and the cases raised with their
    status history (N3.1ウ)."""
    return exchanges.select_related("station", "officer", "section", "koban", "created_by").prefetch_related(
        _contacts_with_people(),
        Prefetch("materials", queryset=ExchangeMaterial.objects.select_related("item")),
        Prefetch(
            "case_links",
            queryset=ExchangeCase.objects.select_related(
                "case", "case__section", "case__raised_by_person"
            ).prefetch_related(
                Prefetch("case__updates", queryset=CaseUpdate.objects.select_related("officer").order_by("on", "pk"))
            ),
        ),
    )


def latest_exchanges(contact: ContactPerson, limit: int = 10) -> list[Exchange]:
    """The latest ``limit`` exchanges with ``contact``, newest first, with the officer and the number of opinions
    (one query)."""
    return list(
        contact.exchanges.select_related("officer", "section", "koban")
        .annotate(case_count=Count("case_links"))
        .order_by("-on", "-pk")[:limit]
    )
