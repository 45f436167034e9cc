"""Consent of a contact person (N4.2): the steps allowed, the dated history, date and method required for 承諾."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from liaison.audit.models import AuditEntry
from liaison.lib.dates import today_tokyo
from liaison.network import rules
from liaison.network.actions.contacts import consent_change, contact_create
from liaison.network.models import ConsentChange, ContactPerson, ContactRole
from liaison.testing import make_person

Consent = ContactPerson.Consent
TODAY = datetime.date(2026, 11, 26)


def test_n4_2_declining_and_withdrawing_are_ordinary_steps():
    assert Consent.DECLINED in rules.consent_steps(Consent.ASKED)
    assert Consent.WITHDRAWN in rules.consent_steps(Consent.CONSENTED)
    # Nobody is moved to 承諾 behind their back from a refusal: a declined person is asked again first.
    assert Consent.CONSENTED not in rules.consent_steps(Consent.DECLINED)
    # A withdrawal cannot be turned into a refusal or back into a candidate: the history stays honest.
    assert rules.consent_steps(Consent.WITHDRAWN) == {Consent.ASKED, Consent.CONSENTED}


@pytest.mark.parametrize(
    ("current", "new"),
    [(Consent.CANDIDATE, Consent.WITHDRAWN), (Consent.DECLINED, Consent.WITHDRAWN), (Consent.CONSENTED, Consent.ASKED)],
)
def test_n4_2_impossible_steps_are_refused_in_japanese(current, new):
    with pytest.raises(ValidationError) as caught:
        rules.check_consent_step(current, new, on=TODAY, method="", today=TODAY)
    assert "には変更できません" in str(caught.value)


def test_n4_2_consent_needs_its_date_and_how_it_was_given():
    with pytest.raises(ValidationError) as no_method:
        rules.check_consent_step(Consent.ASKED, Consent.CONSENTED, on=TODAY, method="", today=TODAY)
    assert "承諾の方法" in str(no_method.value)
    with pytest.raises(ValidationError):
        rules.check_consent_step(Consent.ASKED, Consent.CONSENTED, on=None, method="document", today=TODAY)
    with pytest.raises(ValidationError):
        rules.check_consent_step(
            Consent.ASKED, Consent.CONSENTED, on=TODAY + datetime.timedelta(days=1), method="document", today=TODAY
        )
    rules.check_consent_step(Consent.ASKED, Consent.CONSENTED, on=TODAY, method="document", today=TODAY)


def test_n4_2_only_active_states_may_be_reminded():
    assert [c for c in Consent if rules.may_be_reminded(c)] == [Consent.CANDIDATE, Consent.ASKED, Consent.CONSENTED]


@pytest.mark.django_db
def test_n2_2_n4_2_a_candidate_consents_and_withdraws_with_a_dated_history(world):
    user = world.user("community_section")
    person = make_person(world.station_a)
    contact = contact_create(
        station=world.station_a,
        person=person,
        values={"source": ContactPerson.Source.GROUP, "source_detail": "一番町自治会", "koban": world.koban_a},
        roles=[(ContactRole.Kind.NEIGHBOURHOOD_HEAD, "一番町自治会"), (ContactRole.Kind.SAFETY_PROMOTER, "")],
        acting_user=user,
    )
    assert contact.consent == Consent.CANDIDATE
    assert sorted(contact.roles.values_list("kind", flat=True)) == ["neighbourhood_head", "safety_promoter"]
    day = today_tokyo()
    consent_change(contact=contact, consent=Consent.ASKED, on=day, acting_user=user)
    consent_change(contact=contact, consent=Consent.CONSENTED, on=day, method="in_person", acting_user=user)
    contact.refresh_from_db()
    assert (contact.consent, contact.consent_on, contact.consent_method) == (Consent.CONSENTED, day, "in_person")
    consent_change(contact=contact, consent=Consent.WITHDRAWN, on=day, note="本人の申出", acting_user=user)
    history = list(ConsentChange.objects.filter(contact=contact).values_list("consent", flat=True))
    assert history == ["candidate", "asked", "consented", "withdrawn"]
    assert AuditEntry.objects.filter(action="network.consent_change", object_id=str(contact.pk)).count() == 3


@pytest.mark.django_db
def test_n2_2_a_person_is_a_stations_contact_person_once(world):
    user = world.user("community_section")
    person = make_person(world.station_a)
    contact_create(station=world.station_a, person=person, values={"source": "group"}, acting_user=user)
    with pytest.raises(ValidationError) as caught:
        contact_create(station=world.station_a, person=person, values={"source": "group"}, acting_user=user)
    assert "既に" in str(caught.value)
    assert ContactPerson.objects.filter(person=person).count() == 1


@pytest.mark.django_db
def test_a_koban_of_another_station_is_refused(world):
    with pytest.raises(ValidationError):
        contact_create(
            station=world.station_a,
            person=make_person(world.station_a),
            values={"source": "group", "koban": world.koban_b},
            acting_user=world.user("community_section"),
        )
