"""N2.3, N3.1イ, N4.1: any section refers a contact-person candidate to its station's 地域課; 地域課 accepts (a 候補 on
one person record) or declines with a reason; the referrer sees the outcome; recruitment figures by section."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from liaison.audit.models import AuditEntry
from liaison.lib.dates import today_tokyo
from liaison.network.actions.contacts import consent_change, contact_create
from liaison.network.actions.referrals import referral_accept, referral_create, referral_decline
from liaison.network.models import ContactPerson, Referral
from liaison.network.queries_referrals import recruitment_by_section
from liaison.people.models import Person
from liaison.testing import make_officer, make_person

TODAY = today_tokyo()
pytestmark = pytest.mark.django_db


def _refer(world, role="section_staff", **values):
    data = {
        "family_name": "鈴木",
        "given_name": "春子",
        "family_kana": "スズキ",
        "given_kana": "ハルコ",
        "reason": "自治会の防犯部長で地域に詳しい",
        "met_at": Referral.MetAt.CAMPAIGN,
        "met_detail": "交通安全キャンペーン",
        "referred_on": TODAY,
    }
    data.update(values)
    user = world.user(role) if isinstance(role, str) else role
    return referral_create(values=data, acting_user=user)


def _post_referral(client, **values):
    data = {
        "referred_on": TODAY.isoformat(),
        "family_name": "鈴木",
        "given_name": "春子",
        "family_kana": "すずき",
        "given_kana": "はるこ",
        "phone": "022-123-4567",
        "address": "仙台市青葉区一番町1-1",
        "organisation": "一番町自治会 防犯部長",
        "reason": "キャンペーンで協力的だった",
        "met_at": "campaign",
        "met_detail": "春の交通安全キャンペーン",
    }
    data.update(values)
    return client.post(reverse("network:referral_create"), data)


# --- referring --------------------------------------------------------------------------------------------------


def test_n3_1i_n2_3_another_section_refers_a_typed_candidate_and_the_referrer_comes_from_the_user(world, client_for):
    """N3.1イ / N2.3: a 署各課 officer met someone at a campaign and tells 地域課; who referred, their section and koban
    are taken from the login, not typed."""
    staff = world.officers["section_staff"]
    response = _post_referral(client_for("section_staff"), referrer=world.officers["community_section"].pk)
    referral = Referral.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "network:referral_detail", args=[referral.pk]
    )
    assert referral.referrer == staff and referral.section == staff.section and referral.section.name == "生活安全課"
    assert referral.station == world.station_a and referral.status == Referral.Status.PENDING
    # Readings as katakana, the phone as digits.
    assert (referral.family_kana, referral.given_kana, referral.phone) == ("スズキ", "ハルコ", "0221234567")
    assert referral.met_at == "campaign" and referral.person is None
    assert AuditEntry.objects.filter(action="network.referral_create", object_id=str(referral.pk)).exists()


def test_n2_3_a_koban_officer_referral_records_the_koban(world):
    referral = _refer(world, "koban_staff")
    assert referral.koban == world.koban_a and referral.section.is_community


def test_n2_3_the_reason_is_required_and_the_form_keeps_what_was_typed(world, client_for):
    response = _post_referral(client_for("section_staff"), reason="")
    assert response.status_code == 200 and not Referral.objects.exists()
    page = response.content.decode()
    assert "一番町自治会 防犯部長" in page and "春の交通安全キャンペーン" in page


def test_n2_3_who_is_required_a_person_picked_or_a_name_typed(world, client_for):
    response = _post_referral(client_for("section_staff"), family_name="", given_name="")
    assert response.status_code == 200 and not Referral.objects.exists()
    assert "登録済みの住民等を選ぶか、候補者の姓と名を入力してください。" in response.content.decode()


def test_n2_3_an_existing_person_is_picked_only_from_the_own_station(world, client_for):
    own = make_person(world.station_a)
    other = make_person(world.station_b, family="他署", family_kana="タショ")
    client = client_for("koban_staff")  # holds the people permission, so the person picker is offered
    response = _post_referral(client, person=other.pk, family_name="", given_name="")
    assert response.status_code == 200 and not Referral.objects.exists()
    response = _post_referral(client, person=own.pk, family_name="", given_name="")
    assert response.status_code == 302
    assert Referral.objects.get().person == own
    with pytest.raises(ValidationError):
        _refer(world, "koban_staff", person=other, family_name="", given_name="")


def test_n2_3_staff_without_the_people_permission_type_the_candidate(world, client_for):
    """署各課 may not search people: the picker is left out and the particulars are typed."""
    page = client_for("section_staff").get(reverse("network:referral_create")).content.decode()
    assert 'name="person"' not in page and 'name="family_name"' in page
    page = client_for("koban_staff").get(reverse("network:referral_create")).content.decode()
    assert 'name="person"' in page


def test_n2_3_a_future_date_is_refused(world):
    with pytest.raises(ValidationError):
        _refer(world, referred_on=TODAY + datetime.timedelta(days=1))


# --- the queue --------------------------------------------------------------------------------------------------


def test_n2_3_the_queue_shows_pending_first_and_each_referrer_their_own(world, client_for):
    decided = _refer(world, given_name="決定")
    referral_decline(referral=decided, reason="転居予定", acting_user=world.user("community_section"))
    pending = _refer(world, "koban_staff", given_name="待機", referred_on=TODAY - datetime.timedelta(days=3))
    page = client_for("community_section").get(reverse("network:referral_list")).content.decode()
    assert page.index("待機") < page.index("決定")  # pending first, though older
    own = client_for("section_staff").get(reverse("network:referral_list")).content.decode()
    assert "決定" in own and "転居予定" in own and "待機" not in own
    # Another station's 地域課 sees nothing of station A.
    other = make_officer("community_section", station=world.station_b, username="community_b")
    assert "待機" not in client_for(other.user).get(reverse("network:referral_list")).content.decode()
    assert pending.status == Referral.Status.PENDING


def test_n2_3_the_queue_pages_in_the_database_with_a_constant_number_of_queries(world, client_for):
    client = client_for("community_section")
    url = reverse("network:referral_list")
    accepted = _refer(world, given_name="受理")
    referral_accept(referral=accepted, new_person=_new_person(), acting_user=world.user("community_section"))
    _refer(world)
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    for i in range(60):
        referral = _refer(world, "koban_staff" if i % 2 else "section_staff", given_name=f"候補{i}")
        if i % 3 == 0:
            referral_decline(referral=referral, reason="見送り", acting_user=world.user("community_section"))
    with CaptureQueriesContext(connection) as many:
        page = client.get(url).content.decode()
    assert len(many) == len(few), [q["sql"] for q in many]
    assert page.count('href="/network/referrals/') >= 50 and "全62件" in page


# --- accepting --------------------------------------------------------------------------------------------------


def _new_person(**extra):
    data = {"family_name": "鈴木", "given_name": "春子", "family_kana": "スズキ", "given_kana": "ハルコ"}
    data.update(extra)
    return data


def test_n2_3_accepting_a_referral_of_an_existing_person_makes_a_candidate_on_that_record(world):
    person = make_person(world.station_a)
    referral = _refer(world, "koban_staff", person=person, family_name="", given_name="")
    decider = world.user("community_section")
    accepted = referral_accept(referral=referral, acting_user=decider)
    contact = ContactPerson.objects.get()
    assert contact.person == person and contact.station == world.station_a
    assert contact.consent == ContactPerson.Consent.CANDIDATE and contact.consent_history.count() == 1
    # Defaults from the referral: its koban and that koban's municipality, the source from where they met.
    assert contact.koban == world.koban_a and contact.municipality == world.koban_a.municipality
    assert contact.source == ContactPerson.Source.COOPERATOR  # met at a campaign
    assert accepted.status == Referral.Status.ACCEPTED and accepted.contact == contact
    assert accepted.decided_by == decider and accepted.decided_at is not None
    assert Person.objects.count() == 1
    assert AuditEntry.objects.filter(action="network.referral_accept", object_id=str(referral.pk)).exists()


def test_n2_3_accepting_a_typed_referral_shows_the_likely_duplicates_and_uses_the_chosen_record(world, client_for):
    """N2.3 (N2.2 one person record): 地域課 sees the people the typed candidate may be and chooses one."""
    same = make_person(world.station_a, family="鈴木", given="春子", family_kana="スズキ", given_kana="ハルコ")
    by_phone = make_person(world.station_a, family="別名", given="一子", family_kana="ベツメイ", phone="0221234567")
    elsewhere = make_person(world.station_b, family="鈴木", given="春子", family_kana="スズキ", given_kana="ハルコ")
    referral = _refer(world, phone="022-123-4567")
    client = client_for("community_section")
    url = reverse("network:referral_accept", args=[referral.pk])
    page = client.get(url).content.decode()
    offered = 'name="person_choice" value="{}"'
    assert offered.format(same.pk) in page and offered.format(by_phone.pk) in page
    assert offered.format(elsewhere.pk) not in page  # another station's person is not offered
    response = client.post(url, {"person_choice": same.pk, "source": "acquaintance", "koban": world.koban_a.pk})
    assert response.status_code == 302
    referral.refresh_from_db()
    assert referral.status == Referral.Status.ACCEPTED and referral.person == same
    contact = ContactPerson.objects.get()
    assert contact.person == same and contact.source == "acquaintance"
    assert Person.objects.count() == 3  # no new record


def test_n2_3_accepting_a_typed_referral_may_record_a_new_person(world, client_for):
    referral = _refer(world, phone="09011112222", address="仙台市青葉区一番町2-2")
    client = client_for("community_section")
    url = reverse("network:referral_accept", args=[referral.pk])
    response = client.post(
        url,
        {
            "person_choice": "new",
            "family_name": "鈴木",
            "given_name": "春子",
            "family_kana": "スズキ",
            "given_kana": "ハルコ",
            "birth_date": "1960-04-01",
            "phone": "09011112222",
            "address": "仙台市青葉区一番町2-2",
            "source": "group",
            "municipality": "仙台市青葉区",
            "district": "一番町",
        },
    )
    assert response.status_code == 302, response.content.decode()
    person = Person.objects.get()
    assert (person.full_name, person.phone, person.birth_date) == (
        "鈴木 春子",
        "09011112222",
        datetime.date(1960, 4, 1),
    )
    assert person.station == world.station_a
    contact = ContactPerson.objects.get()
    assert contact.person == person and contact.district == "一番町" and contact.source == "group"
    # The referrer follows the referral to the new contact person's page.
    page = client_for("section_staff").get(reverse("network:referral_detail", args=[referral.pk])).content.decode()
    assert reverse("network:contact_detail", args=[contact.pk]) in page


def test_n2_3_accepting_a_typed_referral_needs_a_choice(world, client_for):
    referral = _refer(world)
    response = client_for("community_section").post(
        reverse("network:referral_accept", args=[referral.pk]), {"source": "group"}
    )
    assert response.status_code == 200 and not ContactPerson.objects.exists()
    referral.refresh_from_db()
    assert referral.status == Referral.Status.PENDING


def test_n2_3_a_person_already_a_contact_person_is_linked_not_registered_twice(world):
    person = make_person(world.station_a)
    decider = world.user("community_section")
    existing = contact_create(station=world.station_a, person=person, values={"source": "group"}, acting_user=decider)
    referral = _refer(world, person=person, family_name="", given_name="")
    accepted = referral_accept(referral=referral, acting_user=decider)
    assert ContactPerson.objects.count() == 1 and accepted.contact == existing
    assert accepted.status == Referral.Status.ACCEPTED


# --- declining and deciding once ---------------------------------------------------------------------------------


def test_n2_3_declining_needs_a_reason_which_the_referrer_sees(world, client_for):
    referral = _refer(world)
    client = client_for("community_section")
    url = reverse("network:referral_decline", args=[referral.pk])
    assert client.post(url, {"reason": ""}).status_code == 200
    referral.refresh_from_db()
    assert referral.status == Referral.Status.PENDING
    assert client.post(url, {"reason": "既に他署の連絡員"}).status_code == 302
    referral.refresh_from_db()
    assert referral.status == Referral.Status.DECLINED and referral.decided_by == world.user("community_section")
    assert referral.decided_at is not None and not ContactPerson.objects.exists()
    assert AuditEntry.objects.filter(action="network.referral_decline", object_id=str(referral.pk)).exists()
    page = client_for("section_staff").get(reverse("network:referral_detail", args=[referral.pk])).content.decode()
    assert "既に他署の連絡員" in page and "見送り" in page


def test_n2_3_two_officers_deciding_at_once_cannot_both_win(world, client_for):
    """N2.3: the second decision, made on the referral as it was read before the first, is refused in Japanese."""
    referral = _refer(world)
    read_by_second = Referral.objects.get(pk=referral.pk)  # both screens opened while pending
    referral_accept(referral=referral, new_person=_new_person(), acting_user=world.user("community_section"))
    with pytest.raises(ValidationError) as refused:
        referral_decline(referral=read_by_second, reason="重複", acting_user=world.user("deputy"))
    assert "既に他の職員が判断しました（候補として受理）" in str(refused.value)
    with pytest.raises(ValidationError):
        referral_accept(referral=read_by_second, new_person=_new_person(), acting_user=world.user("deputy"))
    read_by_second.refresh_from_db()
    assert read_by_second.status == Referral.Status.ACCEPTED and ContactPerson.objects.count() == 1
    assert Person.objects.count() == 1
    # On screen: the second officer's post gets the message, not a second decision.
    response = client_for("deputy").post(
        reverse("network:referral_decline", args=[referral.pk]), {"reason": "重複"}, follow=True
    )
    assert "既に他の職員が判断しました" in response.content.decode()


@pytest.mark.django_db(transaction=True)
def test_n2_3_concurrent_decisions_lock_the_row(world):
    """N2.3: two transactions deciding the same referral at the same moment: exactly one wins (the row lock:
    the second waits for the first and then sees it decided)."""
    import threading

    from django.db import connections

    referral = _refer(world)
    outcomes = []
    barrier = threading.Barrier(2)

    def decide(kind, user):
        try:
            barrier.wait(timeout=5)
            if kind == "accept":
                referral_accept(referral=referral, new_person=_new_person(), acting_user=user)
            else:
                referral_decline(referral=referral, reason="同時", acting_user=user)
            outcomes.append("won")
        except ValidationError as error:
            outcomes.append(str(error))
        finally:
            connections.close_all()

    if connection.vendor != "postgresql":
        pytest.skip("threads deciding at once need a server database (the stale-read test above covers SQLite)")
    threads = [
        threading.Thread(target=decide, args=("accept", world.user("community_section"))),
        threading.Thread(target=decide, args=("decline", world.user("deputy"))),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert sorted(outcomes)[-1] == "won" and outcomes.count("won") == 1, outcomes
    assert any("既に他の職員が判断しました" in o for o in outcomes), outcomes
    referral.refresh_from_db()
    assert referral.status != Referral.Status.PENDING
    assert ContactPerson.objects.count() == (1 if referral.status == Referral.Status.ACCEPTED else 0)


# --- access -----------------------------------------------------------------------------------------------------


def test_n2_3_section_staff_cannot_decide(world, client_for):
    referral = _refer(world)
    client = client_for("section_staff")
    assert (
        client.post(reverse("network:referral_accept", args=[referral.pk]), {"person_choice": "new"}).status_code == 403
    )
    assert client.post(reverse("network:referral_decline", args=[referral.pk]), {"reason": "x"}).status_code == 403
    for role in ("koban_chief", "koban_staff"):
        assert (
            client_for(role).post(reverse("network:referral_decline", args=[referral.pk]), {"reason": "x"}).status_code
            == 403
        )
    referral.refresh_from_db()
    assert referral.status == Referral.Status.PENDING


def test_n2_3_another_station_gets_404(world, client_for):
    referral = _refer(world)
    other = client_for(world.chief_b.user)
    for name in ("network:referral_detail", "network:referral_accept", "network:referral_decline"):
        assert other.get(reverse(name, args=[referral.pk])).status_code == 404, name
        assert other.post(reverse(name, args=[referral.pk]), {"reason": "x"}).status_code == 404, name
    referral.refresh_from_db()
    assert referral.status == Referral.Status.PENDING


def test_n2_3_a_colleague_who_does_not_decide_cannot_open_anothers_referral(world, client_for):
    referral = _refer(world, "koban_staff")
    assert client_for("section_staff").get(reverse("network:referral_detail", args=[referral.pk])).status_code == 403
    assert client_for("koban_staff").get(reverse("network:referral_detail", args=[referral.pk])).status_code == 200


# --- the referrer's home page -----------------------------------------------------------------------------------


def test_n2_3_the_referrer_sees_recent_outcomes_on_the_home_page_and_地域課_the_pending_count(world, client_for):
    decider = world.user("community_section")
    accepted = _refer(world, given_name="受理子")
    referral_accept(
        referral=accepted, new_person=_new_person(given_name="受理子", given_kana="ジュリコ"), acting_user=decider
    )
    declined = _refer(world, given_name="見送子")
    referral_decline(referral=declined, reason="転居予定のため", acting_user=decider)
    old = _refer(world, given_name="古子")
    referral_decline(referral=old, reason="古い", acting_user=decider)
    Referral.objects.filter(pk=old.pk).update(decided_at=timezone.now() - datetime.timedelta(days=31))
    _refer(world, given_name="待機子")
    home = client_for("section_staff").get(reverse("home")).content.decode()
    assert "受理子" in home and "候補として受理" in home
    assert "見送子" in home and "転居予定のため" in home
    assert "古子" not in home and "待機子" not in home  # older than 30 days; not decided yet
    queue = client_for("community_section").get(reverse("home")).content.decode()
    assert "地域課の確認待ちの連絡が1件あります" in queue


def test_n2_3_the_home_panel_costs_the_same_with_few_and_many_referrals(world, client_for):
    decider = world.user("community_section")
    client = client_for("community_section")
    own = world.officers["community_section"].user
    referral_decline(referral=_refer(world, own), reason="理由", acting_user=decider)
    _refer(world)
    client.get(reverse("home"))
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("home"))
    for i in range(12):
        referral_decline(referral=_refer(world, own, given_name=f"候補{i}"), reason="理由", acting_user=decider)
        _refer(world, given_name=f"待機{i}")
    with CaptureQueriesContext(connection) as many:
        page = client.get(reverse("home")).content.decode()
    assert len(many) == len(few), [q["sql"] for q in many]
    assert "地域課の確認待ちの連絡が13件あります" in page


def test_n2_3_no_panel_for_hq_or_when_nothing_to_tell(world, client_for):
    assert "連絡員候補の連絡" not in client_for("hq_staff").get(reverse("home")).content.decode()
    assert "h-referrals-home" not in client_for("section_staff").get(reverse("home")).content.decode()


# --- recruitment by section (N4.1) ------------------------------------------------------------------------------


def test_n4_1_recruitment_by_section_lists_every_section_in_one_query(world):
    decider = world.user("community_section")
    traffic = make_officer("section_staff", station=world.station_a, username="keiji")
    traffic.section = world.station_a.sections.get(name="刑事課")
    traffic.save()
    a = _refer(world, "section_staff")  # 生活安全課
    b = _refer(world, "section_staff", given_name="二")
    _refer(world, "section_staff", given_name="三")
    referral_accept(referral=a, new_person=_new_person(), acting_user=decider)
    referral_accept(referral=b, new_person=_new_person(given_name="二", given_kana="ニ"), acting_user=decider)
    contact_a = Referral.objects.get(pk=a.pk).contact
    consent_change(contact=contact_a, consent="asked", on=TODAY, acting_user=decider)
    consent_change(contact=contact_a, consent="consented", on=TODAY, method="in_person", acting_user=decider)
    consent_change(contact=contact_a, consent="withdrawn", on=TODAY, acting_user=decider)  # reached 承諾 once
    declined = _refer(world, traffic.user)
    referral_decline(referral=declined, reason="理由", acting_user=decider)
    _refer(world, "koban_staff", referred_on=TODAY - datetime.timedelta(days=400))  # outside the period
    _refer(world, world.chief_b.user)  # another station
    with CaptureQueriesContext(connection) as queries:
        rows = recruitment_by_section(world.station_a.pk, TODAY - datetime.timedelta(days=30), TODAY)
    assert len(queries) == 1
    by_name = {r["section"]: (r["made"], r["accepted"], r["consented"]) for r in rows}
    assert by_name == {"地域課": (0, 0, 0), "生活安全課": (3, 2, 1), "刑事課": (1, 0, 0)}
    assert [r["section"] for r in rows] == ["地域課", "生活安全課", "刑事課"]  # the station's order


def test_n4_1_the_queue_page_shows_the_recruitment_table_to_地域課_only(world, client_for):
    _refer(world)
    page = client_for("community_section").get(reverse("network:referral_list")).content.decode()
    assert "h-recruitment" in page and "生活安全課" in page
    assert "h-recruitment" not in client_for("section_staff").get(reverse("network:referral_list")).content.decode()
