"""Reads of referrals that are more than a filter: the queue (地域課's pending first, or a referrer's own), the
people a typed referral may already be, and the recruitment figures by section (N4.1)."""

from __future__ import annotations

import datetime

from django.db.models import Case, Count, Exists, F, IntegerField, OuterRef, QuerySet, Subquery, Value, When
from django.db.models.functions import Coalesce

from liaison.access.permissions import Perm
from liaison.access.policy import has_perm, officer_of, visible_to
from liaison.lib.kana import normalize_reading
from liaison.org.models import Section
from liaison.people.models import Person
from liaison.people.queries import current, likely_duplicates

from .models import ConsentChange, ContactPerson, Referral

__all__ = ["possible_people", "queue", "recruitment_by_section"]

MATCHES_SHOWN = 20


def queue(user) -> QuerySet:
    """The referrals a user's list shows: for 地域課 (DECIDE_REFERRALS) the station's, the pending ones first, then
    the decided ones, each newest first; for every other referrer their own, newest first."""
    referrals = visible_to(user, Referral).select_related(
        "referrer", "section", "koban", "person", "contact", "decided_by__officer"
    )
    if not has_perm(user, Perm.DECIDE_REFERRALS):
        officer = officer_of(user)
        return referrals.filter(referrer=officer).order_by("-referred_on", "-pk")
    return referrals.annotate(
        pending=Case(When(status=Referral.Status.PENDING, then=Value(0)), default=Value(1), output_field=IntegerField())
    ).order_by("pending", "-referred_on", "-pk")


def possible_people(referral: Referral, *, people: QuerySet) -> list[Person]:
    """Existing persons a typed referral may be (N2.2: one person record): the people app's likely duplicates, and,
    since a referral does not know the birth date the people app matches readings with, every person of the same
    reading too. At most MATCHES_SHOWN (the phone matches first); two queries."""
    found = likely_duplicates(
        family_kana=referral.family_kana,
        given_kana=referral.given_kana,
        birth_date=None,
        phone=referral.phone,
        queryset=people,
    )
    try:
        family, given = normalize_reading(referral.family_kana), normalize_reading(referral.given_kana)
    except ValueError:
        family = given = ""
    if family and given:
        seen = {p.pk for p in found}
        same_reading = current(people).filter(family_kana=family, given_kana=given).exclude(pk__in=seen)
        found += list(same_reading.select_related("station").order_by("sort_key", "pk")[:MATCHES_SHOWN])
    return found[:MATCHES_SHOWN]


def _count_per_section(referrals: QuerySet):
    """The number of ``referrals`` of the outer section row, as a correlated subquery (0 when none)."""
    counted = referrals.filter(section=OuterRef("pk")).order_by().values("section").annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def recruitment_by_section(station_id: int, start: datetime.date, end: datetime.date) -> list[dict]:
    """Recruitment figures by section (N4.1) for referrals made from ``start`` to ``end`` (inclusive): for every section
    of the station, also those with none, ``made``, ``accepted``, and ``consented`` (accepted ones whose contact person
    reached 承諾 at some point, even if they have withdrawn since). One SQL statement.

    Each row: ``section_id``, ``section`` (its name), ``is_community``, ``made``, ``accepted``, ``consented``.
    Referrals by officers without a section (the chief, the deputy) belong to no row.
    """
    made = Referral.objects.filter(station_id=station_id, referred_on__range=(start, end))
    accepted = made.filter(status=Referral.Status.ACCEPTED)
    reached = ConsentChange.objects.filter(contact=OuterRef("contact"), consent=ContactPerson.Consent.CONSENTED)
    consented = accepted.filter(Exists(reached))
    rows = (
        Section.objects.filter(station_id=station_id)
        .order_by("order", "name", "pk")
        .annotate(
            made=_count_per_section(made),
            accepted=_count_per_section(accepted),
            consented=_count_per_section(consented),
        )
        .values("is_community", "made", "accepted", "consented", section_id=F("pk"), section=F("name"))
    )
    return list(rows)
