"""Reads of contact persons that are more than a filter: the list's filters and its order (N2.4), who may be put on
a reminder or to-do list (N4.2)."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet

from liaison.access.policy import officer_of, sees_all_stations, visible_to
from liaison.lib.ids import parse_id
from liaison.org.models import Koban, Station
from liaison.people import queries as people_queries
from liaison.people.models import Person

from .forms_contacts import ContactFilterForm
from .models import ContactPerson, ContactRole

ACTIVE = "active"
ALL = "all"
EXPORT_LIMIT = (
    20000  # one workbook or PDF; a station has a few hundred contact persons, the prefecture tens of thousands
)


def may_be_reminded(contacts: QuerySet) -> QuerySet:
    """The contact persons any reminder or to-do list may name (N4.2): never those who declined or withdrew.

    Every list of people to contact, visit or follow up starts from here (the same rule as
    ``rules.may_be_reminded``, as a filter)."""
    return contacts.filter(consent__in=ContactPerson.ACTIVE)


def filtered(contacts: QuerySet, filters: dict) -> QuerySet:
    """The contact persons matching the list's filters (each optional): koban, municipality, 地区, a concurrent role,
    the consent state (``active`` by default: candidates, asked and consented; ``all`` adds the declined and the
    withdrawn), a name or reading."""
    consent = filters.get("consent", ACTIVE)
    if consent == ACTIVE:
        contacts = may_be_reminded(contacts)
    elif consent != ALL:
        contacts = contacts.filter(consent=consent)
    if filters.get("koban") is not None:
        contacts = contacts.filter(koban=filters["koban"])
    if filters.get("municipality"):
        contacts = contacts.filter(municipality__contains=filters["municipality"])
    if filters.get("district"):
        contacts = contacts.filter(district__contains=filters["district"])
    if filters.get("role"):
        # A subquery, not a join: a person with two roles of the kind stays one row.
        contacts = contacts.filter(pk__in=ContactRole.objects.filter(kind=filters["role"]).values("contact_id"))
    if filters.get("q"):
        # The people app's search (name in kanji, reading, phone): one subquery on its indexes.
        contacts = contacts.filter(person__in=people_queries.search(Person.objects.all(), filters["q"]).values("pk"))
    return contacts


def for_list(contacts: QuerySet) -> QuerySet:
    """The columns a list row (and an export row) shows, in 五十音順 of the readings; a fixed number of queries. The
    koban and officer of the rows shown are read after the page is chosen: joined, PostgreSQL would hash every koban
    and officer of the prefecture to sort one station's contact persons."""
    return (
        contacts.select_related("person", "station")
        .prefetch_related("koban", "officer", Prefetch("roles", queryset=ContactRole.objects.order_by("pk")))
        .order_by("person__sort_key", "pk")
    )


def list_station(user, params) -> Station | None:
    """The station the list is of: the user's own, or for HQ the one picked in ``params`` (None: every station)."""
    if not sees_all_stations(user):
        return officer_of(user).station
    station_id = parse_id(params.get("station", ""))
    return visible_to(user, Station).filter(pk=station_id).first() if station_id else None


def listed(user, params):
    """(station, filter form, filters, the filtered contact persons in list order) for the list, its Excel and its
    PDF: one reading of the request's query string, so the three always hold the same people."""
    station = list_station(user, params)
    contacts = visible_to(user, ContactPerson)
    if station is not None:
        contacts = contacts.filter(station=station)
    kobans = Koban.objects.filter(station=station).order_by("order", "pk") if station else Koban.objects.none()
    form = ContactFilterForm(params or None, kobans=kobans)
    filters = form.filters()
    return station, form, filters, for_list(filtered(contacts, filters))
