"""Builders shared by the safety-information tests (N3.1エ, N3.2)."""

from __future__ import annotations

import datetime

from liaison.network.actions.contacts import consent_change, contact_create
from liaison.network.models import ContactPerson, SafetyInfo, SafetyInfoTarget
from liaison.testing import make_person

Consent = ContactPerson.Consent

# The steps from 候補 to each state, so every state is reached the way the app records it.
PATHS = {
    Consent.CANDIDATE: [],
    Consent.ASKED: [Consent.ASKED],
    Consent.CONSENTED: [Consent.CONSENTED],
    Consent.DECLINED: [Consent.DECLINED],
    Consent.WITHDRAWN: [Consent.CONSENTED, Consent.WITHDRAWN],
}


def contact(world, family, kana, consent=Consent.CONSENTED, *, koban=None, email="", wants_email=True, station=None):
    """A contact person of station A (or ``station``) in ``consent``, with an e-mail address when given."""
    station = station or world.station_a
    person = make_person(station, family=family, given="花子", family_kana=kana, given_kana="ハナコ", email=email)
    user = world.user("community_section")
    contact = contact_create(
        station=station,
        person=person,
        values={"koban": koban, "source": "acquaintance", "wants_email": wants_email},
        acting_user=user,
    )
    for step in PATHS[consent]:
        on = datetime.date(2026, 4, 1)
        contact = consent_change(
            contact=contact,
            consent=step,
            on=on,
            method=ContactPerson.ConsentMethod.IN_PERSON if step == Consent.CONSENTED else "",
            acting_user=user,
        )
    return contact


def item(world, *, station=None, hq=False, to=None, title="特殊詐欺の電話が多発しています", **extra):
    """An item published by station A (or ``station``) to itself, or with ``hq`` by HQ to ``to`` (station A)."""
    station = station or world.station_a
    publisher = world.officers["hq_admin"] if hq else None
    values = {
        "title": title,
        "body": "市役所の職員を名乗る還付金詐欺の電話が続いています。\nATMで還付金は受け取れません。",
        "published_on": datetime.date(2026, 11, 1),
        **extra,
    }
    obj = SafetyInfo.objects.create(
        publisher_division=publisher.hq_division if hq else None,
        publisher_station=None if hq else station,
        created_by=(publisher.user if hq else world.user("community_section")),
        **values,
    )
    for target in to or [station]:
        SafetyInfoTarget.objects.create(item=obj, station=target)
    return obj
