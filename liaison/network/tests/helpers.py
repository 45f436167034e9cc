"""Builders shared by the network's tests of 地域安全の会, the stale-contact findings and the chief's view."""

import datetime

from liaison.lib.dates import today_tokyo
from liaison.network.actions.contacts import consent_change, contact_create
from liaison.network.models import ContactPerson
from liaison.testing import make_person


def make_contact(
    world, family="山田", kana="ヤマダ", *, consent="consented", station=None, koban=None, on=None, **values
):
    """A contact person of station A (by default) in ``consent``, through the real actions; ``on`` is the consent date."""
    station = station or world.station_a
    user = world.user("community_section")
    person = make_person(station, family=family, family_kana=kana)
    contact = contact_create(
        station=station, person=person, values={"koban": koban, "source": "acquaintance", **values}, acting_user=user
    )
    on = on or today_tokyo() - datetime.timedelta(days=10)
    steps = {
        "candidate": [],
        "asked": ["asked"],
        "consented": ["consented"],
        "declined": ["declined"],
        "withdrawn": ["consented", "withdrawn"],
    }[consent]
    for step in steps:
        method = "in_person" if step == "consented" else ""
        contact = consent_change(contact=contact, consent=step, on=on, method=method, acting_user=user)
    return ContactPerson.objects.get(pk=contact.pk)
