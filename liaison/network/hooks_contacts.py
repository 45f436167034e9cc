"""What the people app learns about contact persons without importing the network (it sits below): a section on
the person page, the person picker's current roles, and the koban ties that decide which koban may change the person.

``connect()`` is called once from ``NetworkConfig.ready()``.
"""

from __future__ import annotations

import datetime

from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext, gettext_noop

from liaison.access.permissions import Perm
from liaison.access.policy import has_perm, visible_to
from liaison.people.koban_ties import Ties

from .models import ContactPerson


def person_section(request, person) -> dict | None:
    """The person's contact-person records the user may see (N2.2: the same person may also sit on a council)."""
    if not has_perm(request.user, Perm.VIEW_CONTACTS):
        return None
    contacts = visible_to(request.user, ContactPerson).filter(person=person).select_related("station", "koban")
    return {"contacts": list(contacts.order_by("station__order", "pk"))}


def person_roles(user, person_ids: list[int], day: datetime.date) -> dict[int, list[str]]:
    """「地域安全連絡員（承諾）」 for the persons the user may see as contact persons, declined and withdrawn left out.
    One query whatever the number of ids."""
    if not has_perm(user, Perm.VIEW_CONTACTS):
        return {}
    roles: dict[int, list[str]] = {}
    contacts = visible_to(user, ContactPerson).filter(person_id__in=person_ids, consent__in=ContactPerson.ACTIVE)
    for contact in contacts.order_by("pk"):
        label = gettext("地域安全連絡員（%(consent)s）") % {"consent": contact.get_consent_display()}
        roles.setdefault(contact.person_id, []).append(label)
    return roles


def person_koban_ties(koban_id: int) -> Ties:
    """A person's contact-person ties (X2): each record not declined or withdrawn ties the person to its koban; one
    without a koban belongs to the station (so to no single koban)."""
    live = ContactPerson.objects.filter(person=OuterRef("pk"), consent__in=ContactPerson.ACTIVE)
    other = live.filter(Q(koban__isnull=True) | ~Q(koban=koban_id))
    return Ties(anywhere=Q(Exists(live)), elsewhere=Q(Exists(other)))


def connect() -> None:
    from liaison.people import current_roles, koban_ties, sections

    sections.register(gettext_noop("地域安全連絡員"), "network/contacts/person_section.html", person_section, order=20)
    current_roles.register("network.contacts", person_roles, order=20)
    koban_ties.register("network.contacts", person_koban_ties)
