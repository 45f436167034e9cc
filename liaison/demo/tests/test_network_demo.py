"""The demo network (N1–N4): every consent state with its history, a year of exchanges kept consistent with consent
and with ``last_exchange_on``, the referrals, safety information, distributions, 地域安全の会 and 巡回連絡強化日."""

import datetime

import pytest
from django.db.models import Count, Max

from liaison.councils.models import Membership
from liaison.councils.queries import current_memberships
from liaison.demo import network
from liaison.lib.dates import today_tokyo
from liaison.network import tally
from liaison.network.models import (
    ConsentChange,
    ContactPerson,
    Delivery,
    Distribution,
    Exchange,
    ExchangeCase,
    ExchangeMaterial,
    Referral,
    SafetyInfo,
    SafetyMeeting,
    SafetyMeetingCase,
    VisitDay,
)
from liaison.org.models import Officer

pytestmark = pytest.mark.django_db
Consent = ContactPerson.Consent


@pytest.fixture
def station(demo_once):
    return Officer.objects.get(user__username="demo_chief").station


def test_n4_2_every_consent_state_with_its_history(station):
    """N4.2: the demo station holds every consent state; 承諾 has its date and method; each state is the last step of
    the contact's dated history, which begins with 候補."""
    contacts = ContactPerson.objects.filter(station=station)
    assert set(contacts.values_list("consent", flat=True)) == set(Consent.values)
    for contact in ContactPerson.objects.prefetch_related("consent_history"):
        steps = list(contact.consent_history.all())
        assert steps[0].consent == Consent.CANDIDATE
        assert steps[-1].consent == contact.consent
        assert [s.on for s in steps] == sorted(s.on for s in steps)
        if contact.consent == Consent.CONSENTED:
            assert contact.consent_on == steps[-1].on and contact.consent_method
    # Every station has a network, not only the demo's.
    assert ContactPerson.objects.values("station").distinct().count() > 1


def test_n4_2_no_exchange_after_declining_or_withdrawing(demo_once):
    """N4.2: declined people were never met; withdrawn people not on or after the day they withdrew; nobody before
    they consented."""
    through = Exchange.contacts.through
    declined = ContactPerson.objects.filter(consent=Consent.DECLINED)
    assert declined.exists()
    assert not through.objects.filter(contactperson__in=declined).exists()
    ended = dict(ConsentChange.objects.filter(consent=Consent.WITHDRAWN).values_list("contact_id", "on"))
    assert ended
    consented = {}
    for contact_id, on in ConsentChange.objects.filter(consent=Consent.CONSENTED).values_list("contact_id", "on"):
        consented[contact_id] = min(on, consented.get(contact_id, on))
    for contact_id, on in through.objects.values_list("contactperson_id", "exchange__on"):
        assert contact_id in consented and consented[contact_id] <= on
        assert contact_id not in ended or on < ended[contact_id]


def test_n4_4_last_exchange_on_is_the_latest_exchange_and_some_are_stale(station):
    """N4.4: ``last_exchange_on`` equals the latest exchange of each contact person (none where there is none); a
    few consenting contact persons of the demo station have not been met for more than 90 days."""
    latest = dict(
        Exchange.contacts.through.objects.values("contactperson_id")
        .annotate(last=Max("exchange__on"))
        .values_list("contactperson_id", "last")
    )
    for pk, last in ContactPerson.objects.values_list("pk", "last_exchange_on"):
        assert last == latest.get(pk), pk
    stale = today_tokyo() - datetime.timedelta(days=network.STALE_DAYS)
    consenting = ContactPerson.objects.filter(station=station, consent=Consent.CONSENTED)
    assert consenting.filter(last_exchange_on__lt=stale).count() >= network.STALE_IN_DEMO
    assert consenting.filter(last_exchange_on__gte=stale).count() > 10


def test_n2_roles_sources_areas_and_council_members_as_one_person(station):
    """N2.1, N2.2, N4.3: sources and concurrent roles recorded; the koban's municipality and 地区; some contact
    persons are current council members with the same person record; those wanting e-mail have an address."""
    contacts = ContactPerson.objects.filter(station=station).select_related("koban", "person")
    assert len({c.source for c in contacts}) >= 3
    assert contacts.filter(roles__isnull=False).exists()
    for contact in contacts:
        assert contact.municipality == contact.koban.municipality and contact.district.endswith("地区")
        assert contact.officer_id is not None
        if contact.wants_email:
            assert contact.person.email
    members = Membership.objects.filter(current_memberships(today_tokyo()), council__station=station)
    assert contacts.filter(person__in=members.values("person")).exists()


def test_n3_a_year_of_exchanges_with_materials_and_requests(station):
    """N3.1ア・ウ: about two exchanges a month with each consenting contact person of the demo station, mostly 巡回連絡
    and 警ら, materials handed out, and requests that are cases with their history."""
    exchanges = Exchange.objects.filter(station=station)
    year_ago = today_tokyo() - datetime.timedelta(days=366)
    assert not exchanges.filter(on__lt=year_ago).exists()
    consenting = ContactPerson.objects.filter(station=station, consent=Consent.CONSENTED).count()
    assert exchanges.count() > consenting * 10
    kinds = dict(exchanges.values_list("kind").annotate(n=Count("pk")))
    assert kinds[Exchange.Kind.HOME_VISIT] + kinds[Exchange.Kind.PATROL] > exchanges.count() / 2
    materials = set(ExchangeMaterial.objects.filter(exchange__station=station).values_list("kind", flat=True))
    assert {"mini_newsletter", "koban_bulletin", "safety_info"} <= materials
    links = ExchangeCase.objects.filter(exchange__station=station).select_related("case", "exchange")
    assert links.exists()
    for link in links:
        assert link.case.received_on == link.exchange.on and link.case.updates.exists()
    assert tally.stored() == tally.live()  # the chief's view reads the monthly tally (issue 8)


def test_n3_referrals_information_distribution_meetings_and_visit_days(station):
    """N2.3, N3.1エ, N3.2, N3.3, N4.4: the rest of the network shows on every screen."""
    referrals = Referral.objects.filter(station=station)
    assert set(referrals.values_list("status", flat=True)) == set(Referral.Status.values)
    assert referrals.values("section").distinct().count() >= 3
    assert all(r.contact_id for r in referrals.filter(status=Referral.Status.ACCEPTED))
    assert all(r.decline_reason for r in referrals.filter(status=Referral.Status.DECLINED))
    hq = SafetyInfo.objects.filter(publisher_station__isnull=True, publisher_division__isnull=False)
    assert hq.exists() and SafetyInfo.objects.filter(passed_on_from__in=hq, publisher_station=station).exists()
    email = Distribution.objects.get(station=station, method=Distribution.Method.EMAIL)
    statuses = list(email.deliveries.values_list("status", flat=True))
    assert statuses.count(Delivery.Status.FAILED) == 1 and statuses.count(Delivery.Status.SENT) >= 1
    assert email.deliveries.get(status=Delivery.Status.FAILED).last_error
    assert not email.deliveries.exclude(contact__consent=Consent.CONSENTED).exists()
    assert Distribution.objects.filter(station=station, method=Distribution.Method.HANDOVER).exists()
    meetings = SafetyMeeting.objects.filter(station=station)
    assert meetings.count() == 2 and meetings.exclude(held_with="").count() == 1
    assert all(m.contacts.exists() for m in meetings)
    assert SafetyMeetingCase.objects.filter(meeting__station=station).count() == 2
    koban = Officer.objects.get(user__username="demo_koban_chief").koban
    days = list(VisitDay.objects.filter(koban=koban, on__lt=today_tokyo()).values_list("on", flat=True))
    assert days and Exchange.objects.filter(koban=koban, on__in=days).exists()
