"""Contact persons and referrals as sources of the retention period (``liaison.people.retention``)."""

import datetime

from django.db.models import Exists, OuterRef, Q, QuerySet

from liaison.lib.versioning import bump_version
from liaison.lib.wareki import TOKYO

from .models import ConsentChange, ContactPerson, Referral


def contacts_holding_since(cutoff: datetime.date) -> QuerySet:
    """Person ids of contact persons not declined or withdrawn, or whose record moved on or after ``cutoff`` (a
    consent step, an exchange, or the record itself being made): 辞退・辞任 count from their last dated step."""
    since = datetime.datetime.combine(cutoff, datetime.time.min, tzinfo=TOKYO)
    recent_step = ConsentChange.objects.filter(contact=OuterRef("pk"), on__gte=cutoff)
    return ContactPerson.objects.filter(
        Q(consent__in=ContactPerson.ACTIVE)
        | Q(consent_on__gte=cutoff)
        | Q(last_exchange_on__gte=cutoff)
        | Q(created_at__gte=since)
        | Q(Exists(recent_step))
    ).values("person_id")


def referrals_holding_since(cutoff: datetime.date) -> QuerySet:
    """Person ids referred as candidates on or after ``cutoff``."""
    return Referral.objects.filter(person__isnull=False, referred_on__gte=cutoff).values("person_id")


def clear_copied_particulars(sender, person_ids: list[int], **kwargs) -> None:
    """A referral keeps the particulars the referrer typed beside its person link, and a contact person free notes:
    both go with the person's own (``people.signals.persons_anonymised``)."""
    bump_version(
        Referral.objects.filter(person_id__in=person_ids),
        family_name="",
        given_name="",
        family_kana="",
        given_kana="",
        phone="",
        address="",
        organisation="",
    )
    bump_version(ContactPerson.objects.filter(person_id__in=person_ids), notes="")
