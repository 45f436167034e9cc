"""Reads of safety information (N3.1エ, N3.2): the paged list, and who an item may be distributed to."""

from __future__ import annotations

import datetime

from django.db.models import Case, IntegerField, Q, QuerySet, Value, When

from liaison.access.policy import for_work

from .models import ContactPerson, Delivery, SafetyInfo


def current_q(today: datetime.date) -> Q:
    """Items still current on ``today``: no end date, or one not yet passed."""
    return Q(valid_until__isnull=True) | Q(valid_until__gte=today)


def for_list(items: QuerySet, today: datetime.date) -> QuerySet:
    """Current items first, then the rest, each newest first; what a row shows joined in (one query a page)."""
    return (
        items.select_related("publisher_division", "publisher_station", "passed_on_from")
        .annotate(is_current=Case(When(current_q(today), then=Value(1)), default=Value(0), output_field=IntegerField()))
        .order_by("-is_current", "-published_on", "-pk")
    )


def recipients(user, station, *, koban=None, method: str | None = None) -> QuerySet:
    """The contact persons of ``station`` an item may be given to (N3.2, N4.2): those who consented, never
    candidates, those asked, those who declined or withdrew. Koban-level roles get their own koban's only. For
    e-mail, only those who want it and have an address on their person record."""
    contacts = for_work(user, ContactPerson).filter(station=station, consent=ContactPerson.Consent.CONSENTED)
    if koban is not None:
        contacts = contacts.filter(koban=koban)
    if method == "email":
        contacts = contacts.filter(wants_email=True).exclude(person__email="")
    return contacts.select_related("person", "koban").order_by("person__sort_key", "pk")


def deliveries_for_page(distribution) -> QuerySet:
    """A distribution's deliveries with their contact persons, by reading."""
    return (
        Delivery.objects.filter(distribution=distribution)
        .select_related("contact__person", "contact__koban")
        .order_by("contact__person__sort_key", "pk")
    )


def items_passed_on_from(item: SafetyInfo, station_id: int | None) -> QuerySet:
    """The copies ``station_id`` made of ``item`` for its kobans."""
    if station_id is None:
        return SafetyInfo.objects.none()
    return SafetyInfo.objects.filter(passed_on_from=item, publisher_station_id=station_id)
