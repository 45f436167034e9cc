"""Consenting contact persons not contacted for N days (N4.4), a source of stored findings: who is on it (承諾 only,
N4.2), refreshed by the consent actions and by the daily date-driven refresh, and stored == live over many people."""

import datetime

import pytest
from django.urls import reverse

from liaison.findings import store
from liaison.findings.models import Subject
from liaison.lib.dates import today_tokyo
from liaison.network import findings
from liaison.network.actions.contacts import consent_change, contact_create
from liaison.network.models import ContactPerson
from liaison.org.models import PrefectureSettings
from liaison.testing import make_person

pytestmark = pytest.mark.django_db

TODAY = today_tokyo()


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


def _ago(days):
    return TODAY - datetime.timedelta(days=days)


def _stale_ids():
    return set(ContactPerson.objects.filter(findings.having_stale()).values_list("pk", flat=True))


def test_n4_4_consenting_and_not_contacted_for_90_days_is_on_the_list(world):
    never = make_contact(world, "青木", "アオキ", on=_ago(90))
    recent_consent = make_contact(world, "井上", "イノウエ", on=_ago(89))
    met_lately = make_contact(world, "上田", "ウエダ", on=_ago(300))
    met_long_ago = make_contact(world, "江藤", "エトウ", on=_ago(300))
    ContactPerson.objects.filter(pk=met_lately.pk).update(last_exchange_on=_ago(10))
    ContactPerson.objects.filter(pk=met_long_ago.pk).update(last_exchange_on=_ago(120))
    findings.refresh([met_lately.pk, met_long_ago.pk])
    assert _stale_ids() == {never.pk, met_long_ago.pk}
    assert recent_consent.pk not in _stale_ids()


def test_n4_4_an_exchange_takes_the_person_off_the_stale_list(world):
    from liaison.network.actions.exchanges import exchange_create

    contact = make_contact(world, "青木", "アオキ", on=_ago(200))
    assert _stale_ids() == {contact.pk}
    exchange_create(
        station=world.station_a,
        officer=world.officers["community_section"],
        values={"on": _ago(1), "kind": "home_visit"},
        contacts=[contact],
        materials=[],
        cases=[],
        acting_user=world.user("community_section"),
    )
    assert _stale_ids() == set()


def test_n4_2_declined_withdrawn_and_candidates_are_never_on_the_stale_list(world):
    old = _ago(400)
    for i, consent in enumerate(["candidate", "asked", "declined", "withdrawn"]):
        make_contact(world, f"無{i}", "ナシ", consent=consent, on=old)
    store.refresh_date_driven(TODAY + datetime.timedelta(days=1))
    store.refresh_all("contact", TODAY + datetime.timedelta(days=400))
    assert _stale_ids() == set()
    assert not Subject.objects.filter(source="contact").exists()


def test_n4_2_withdrawing_takes_a_person_off_the_list_and_consenting_again_puts_them_back(world):
    contact = make_contact(world, "加藤", "カトウ", on=_ago(200))
    assert _stale_ids() == {contact.pk}
    user = world.user("community_section")
    consent_change(contact=contact, consent="withdrawn", on=_ago(5), acting_user=user)
    assert _stale_ids() == set()
    consent_change(contact=contact, consent="consented", on=_ago(1), method="phone", acting_user=user)
    assert _stale_ids() == set()  # consented yesterday: counted from the new consent


def test_n4_4_the_daily_refresh_adds_who_crossed_the_line(world):
    contact = make_contact(world, "菊地", "キクチ", on=_ago(85))
    store.refresh_date_driven(TODAY)
    assert _stale_ids() == set()
    store.refresh_date_driven(TODAY + datetime.timedelta(days=5))
    assert _stale_ids() == {contact.pk}


def test_n4_4_the_number_of_days_is_the_setting(world):
    settings = PrefectureSettings.current()
    settings.contact_stale_days = 30
    settings.save()
    contact = make_contact(world, "工藤", "クドウ", on=_ago(40))
    assert _stale_ids() == {contact.pk}
    assert "30日以上" in findings.live(contact, TODAY)[0].message


def _assert_stored_equals_live(day):
    contacts = list(ContactPerson.objects.all())
    live = {
        c.pk
        for c in contacts
        if [
            f.code
            for f in findings.contact_findings(
                consent=c.consent,
                consent_on=c.consent_on,
                last_exchange_on=c.last_exchange_on,
                today=day,
                days=findings.stale_days(),
            )
        ]
    }
    assert _stale_ids() == live
    subjects = {s.object_id: s for s in Subject.objects.filter(source="contact").prefetch_related("kobans")}
    consented = {c.pk: c for c in contacts if c.consent == ContactPerson.Consent.CONSENTED}
    assert set(subjects) == set(consented)
    for pk, subject in subjects.items():
        assert subject.station_id == consented[pk].station_id
        assert {k.pk for k in subject.kobans.all()} == ({consented[pk].koban_id} - {None})
    return live


def test_n4_4_stored_findings_equal_the_rule_for_every_contact_person_day_after_day(world):
    """Stored == live: after the actions, and over the following days with only the daily refresh."""
    states = ["consented", "consented", "consented", "declined", "withdrawn", "candidate", "asked"]
    for i in range(35):
        contact = make_contact(
            world,
            f"人{i}",
            "ヒト",
            consent=states[i % len(states)],
            on=_ago(i * 5),
            koban=[world.koban_a, world.chuzaisho_a, None][i % 3] if i % 4 else world.koban_b,
            station=world.station_a if i % 4 else world.station_b,
        )
        if i % 2:
            ContactPerson.objects.filter(pk=contact.pk).update(last_exchange_on=_ago(i * 3))
            findings.refresh([contact.pk])  # as the exchange actions do
    store.refresh_date_driven(TODAY)
    assert _assert_stored_equals_live(TODAY)
    for step in (1, 7, 30, 60):
        day = TODAY + datetime.timedelta(days=step)
        store.refresh_date_driven(day)
        _assert_stored_equals_live(day)
    rebuilt_day = TODAY + datetime.timedelta(days=60)
    before = _stale_ids()
    store.refresh_all("contact", rebuilt_day)
    assert _stale_ids() == before


def test_n4_4_home_panel_for_the_community_section_and_chief_counts_and_links(world, client_for):
    make_contact(world, "古川", "フルカワ", on=_ago(200))
    make_contact(world, "辞退", "ジタイ", consent="declined", on=_ago(200))
    page = client_for("community_section").get(reverse("home")).content.decode()
    assert "情報交換していない承諾済みの連絡員が1人います" in page
    assert reverse("network:figures") in page
    assert "情報交換していない承諾済み" not in client_for("koban_staff").get(reverse("home")).content.decode()
    assert "情報交換していない承諾済み" not in client_for(world.chief_b.user).get(reverse("home")).content.decode()
