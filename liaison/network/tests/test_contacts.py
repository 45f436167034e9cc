"""Contact persons (N2.1, N2.2, N2.4, N4.2, N4.3): registering, the contact page and its consent steps, editing with
a version check, the station's list with its filters and who may read it."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from liaison.audit.models import AuditEntry
from liaison.councils.models import Council, Membership
from liaison.lib.dates import today_tokyo
from liaison.lib.versioning import StaleEdit
from liaison.network import queries_contacts, rules
from liaison.network.actions import contacts as actions
from liaison.network.models import ConsentChange, ContactPerson, ContactRole
from liaison.people.models import Person
from liaison.testing import make_person

TODAY = today_tokyo()
pytestmark = pytest.mark.django_db


def _contact(world, person=None, *, koban=None, consent=None, roles=(), **values):
    person = person or make_person(world.station_a)
    values = {"koban": koban or world.koban_a, "source": "group", **values}
    contact = actions.contact_create(
        station=world.station_a,
        person=person,
        values=values,
        roles=list(roles),
        acting_user=world.user("community_section"),
    )
    steps = {
        None: [],
        "asked": ["asked"],
        "consented": ["consented"],
        "declined": ["declined"],
        "withdrawn": ["consented", "withdrawn"],
    }[consent]
    for step in steps:
        contact = actions.consent_change(
            contact=contact,
            consent=step,
            on=TODAY,
            method="in_person" if step == "consented" else "",
            acting_user=world.user("community_section"),
        )
    return contact


def _form(world, **extra):
    data = {
        "koban": world.koban_a.pk,
        "municipality": "",
        "district": "",
        "source": "community_council",
        "source_detail": "一番町地区コミュニティ協議会",
        "officer": world.officers["community_section"].pk,
        "contact_way": "phone",
        "notes": "",
        "role_kind_0": "neighbourhood_head",
        "role_detail_0": "一番町町内会",
        "role_kind_1": "safety_promoter",
        "role_detail_1": "",
    }
    data.update(extra)
    return data


# --- Registering (N2.1, N2.2, N4.3) ----------------------------------------------------------------------------------


def test_n2_1_n2_2_n4_3_register_a_recorded_person_with_roles_and_area(world, client_for):
    person = make_person(world.station_a, "青木", "花子", "アオキ", "ハナコ")
    client = client_for("community_section")
    response = client.post(reverse("network:contact_create"), _form(world, person=person.pk))
    contact = ContactPerson.objects.get(person=person)
    assert response.status_code == 302 and response["Location"] == reverse("network:contact_detail", args=[contact.pk])
    assert contact.station == world.station_a and contact.koban == world.koban_a
    assert contact.source == "community_council" and contact.source_detail == "一番町地区コミュニティ協議会"
    # N4.3: the municipality defaults to the koban's when left empty.
    assert contact.municipality == world.koban_a.municipality
    assert contact.consent == ContactPerson.Consent.CANDIDATE
    assert [(r.kind, r.detail) for r in contact.roles.all()] == [
        ("neighbourhood_head", "一番町町内会"),
        ("safety_promoter", ""),
    ]
    assert list(contact.consent_history.values_list("consent", flat=True)) == ["candidate"]
    assert AuditEntry.objects.filter(action="network.contact_create").exists()


def test_n2_2_a_council_member_becomes_a_contact_person_on_the_same_person_record(world, client_for):
    """N2.2: one person record — the member is picked, not recorded again."""
    council = Council.objects.create(
        station=world.station_a, name="一番町連絡協議会", established_on=datetime.date(2025, 4, 1)
    )
    council.kobans.add(world.koban_a)
    member = make_person(world.station_a, "髙橋", "次郎", "タカハシ", "ジロウ", phone="0221234567")
    Membership.objects.create(
        council=council,
        person=member,
        station=world.station_a,
        start_date=datetime.date(2025, 4, 1),
        end_date=datetime.date(2099, 3, 31),
    )
    people_before = Person.objects.count()
    response = client_for("community_section").post(reverse("network:contact_create"), _form(world, person=member.pk))
    assert response.status_code == 302
    assert Person.objects.count() == people_before
    contact = ContactPerson.objects.get()
    assert contact.person_id == member.pk and Membership.objects.filter(person=member).exists()


def test_n2_2_typing_a_recorded_person_again_shows_the_duplicate_and_saves_nothing(world, client_for):
    """N2.2: the people app's duplicate check runs before a new person is recorded."""
    make_person(world.station_a, "髙橋", "次郎", "タカハシ", "ジロウ", birth_date=datetime.date(1948, 4, 2))
    data = _form(
        world,
        **{
            "new-family_name": "高橋",
            "new-given_name": "次郎",
            "new-family_kana": "たかはし",
            "new-given_kana": "じろう",
            "new-birth_date": "1948-04-02",
        },
    )
    client = client_for("community_section")
    response = client.post(reverse("network:contact_create"), data)
    assert response.status_code == 200
    page = response.content.decode()
    assert "似ている記録があります" in page and "髙橋 次郎" in page
    assert not ContactPerson.objects.exists() and Person.objects.count() == 1
    # Confirmed as a different person: recorded through the people app and registered in one step.
    response = client.post(reverse("network:contact_create"), {**data, "confirm_distinct": "on"})
    assert response.status_code == 302
    contact = ContactPerson.objects.get()
    assert contact.person.family_name == "高橋" and contact.person.family_kana == "タカハシ"
    assert Person.objects.count() == 2
    assert AuditEntry.objects.filter(action="person.create").exists()


def test_wants_email_needs_an_address_on_the_person_record(world, client_for):
    """N2.1/N3.2: ticking "wants e-mail" without an address on the person record is refused in Japanese."""
    person = make_person(world.station_a)
    client = client_for("community_section")
    response = client.post(reverse("network:contact_create"), _form(world, person=person.pk, wants_email="on"))
    assert response.status_code == 200
    assert "メールアドレスを登録してください" in response.content.decode()
    assert not ContactPerson.objects.exists()
    person.email = "aoki@example.jp"
    person.save()
    assert (
        client.post(reverse("network:contact_create"), _form(world, person=person.pk, wants_email="on")).status_code
        == 302
    )
    assert ContactPerson.objects.get().wants_email
    # The action refuses it too, whoever calls it.
    other = make_person(world.station_a, "伊藤", "三郎", "イトウ", "サブロウ")
    with pytest.raises(Exception, match="メールアドレス"):
        _contact(world, other, wants_email=True)


def test_hq_does_not_register_contact_persons(world, client_for):
    assert client_for("hq_admin").get(reverse("network:contact_create")).status_code == 403


def test_koban_chief_registers_only_in_their_own_koban(world, client_for):
    """KOBAN_ONLY: the koban chief's choice of kobans is their own koban."""
    person = make_person(world.station_a)
    client = client_for("koban_chief")
    response = client.post(
        reverse("network:contact_create"), _form(world, person=person.pk, koban=world.chuzaisho_a.pk)
    )
    assert response.status_code == 200 and not ContactPerson.objects.exists()
    response = client.post(reverse("network:contact_create"), _form(world, person=person.pk, koban=world.koban_a.pk))
    assert response.status_code == 302


# --- The contact page and the consent steps (N4.2) -------------------------------------------------------------------


def test_n4_2_contact_page_offers_only_the_allowed_consent_steps(world, client_for):
    contact = _contact(world, consent="asked")
    page = client_for("community_section").get(reverse("network:contact_detail", args=[contact.pk])).content.decode()
    for step in rules.consent_steps(contact.consent):
        assert f'value="{step}"' in page
    assert 'value="withdrawn"' not in page and 'value="asked"' not in page
    # Readers who do not keep the list see the state and its history, no buttons.
    page = client_for("section_staff").get(reverse("network:contact_detail", args=[contact.pk])).content.decode()
    assert "依頼中" in page and 'name="consent"' not in page


def test_n4_2_consent_needs_its_date_and_how_it_was_given(world, client_for):
    contact = _contact(world, consent="asked")
    url = reverse("network:contact_consent", args=[contact.pk])
    client = client_for("community_section")
    response = client.post(url, {"consent": "consented", "on": TODAY.isoformat(), "method": ""})
    assert response.status_code == 200 and "承諾の方法を選んでください" in response.content.decode()
    response = client.post(url, {"consent": "consented", "on": "", "method": "document"})
    assert response.status_code == 200
    contact.refresh_from_db()
    assert contact.consent == "asked"
    response = client.post(url, {"consent": "consented", "on": TODAY.isoformat(), "method": "document"})
    assert response.status_code == 302
    contact.refresh_from_db()
    assert (contact.consent, contact.consent_on, contact.consent_method) == ("consented", TODAY, "document")
    page = client.get(reverse("network:contact_detail", args=[contact.pk])).content.decode()
    # The full dated history.
    assert page.count('<td class="card-title" data-label="承諾の状況">') == 3
    assert list(ConsentChange.objects.filter(contact=contact).values_list("consent", flat=True)) == [
        "candidate",
        "asked",
        "consented",
    ]


def test_n4_2_a_step_the_state_does_not_allow_is_refused(world, client_for):
    contact = _contact(world, consent="declined")
    url = reverse("network:contact_consent", args=[contact.pk])
    response = client_for("community_section").post(url, {"consent": "withdrawn", "on": TODAY.isoformat()})
    assert response.status_code == 200
    contact.refresh_from_db()
    assert contact.consent == "declined"


def test_n4_2_declined_and_withdrawn_never_on_a_reminder_list(world):
    """N4.2: the one filter every reminder or to-do list of contact persons starts from leaves them out."""
    states = {
        s: _contact(world, make_person(world.station_a, given=str(s)), consent=s)
        for s in [None, "asked", "consented", "declined", "withdrawn"]
    }
    remindable = set(queries_contacts.may_be_reminded(ContactPerson.objects.all()))
    assert remindable == {states[None], states["asked"], states["consented"]}
    for contact in ContactPerson.objects.all():
        assert rules.may_be_reminded(contact.consent) == (contact in remindable)


def test_n4_2_declined_and_withdrawn_not_on_the_default_list_but_on_request(world, client_for):
    active = _contact(world, make_person(world.station_a, "阿部", "和子", "アベ", "カズコ"), consent="consented")
    declined = _contact(world, make_person(world.station_a, "伊藤", "誠", "イトウ", "マコト"), consent="declined")
    withdrawn = _contact(world, make_person(world.station_a, "遠藤", "恵美", "エンドウ", "エミ"), consent="withdrawn")
    client = client_for("community_section")
    page = client.get(reverse("network:contact_list")).content.decode()
    assert "阿部" in page and "伊藤" not in page and "遠藤" not in page
    page = client.get(reverse("network:contact_list") + "?consent=all").content.decode()
    assert all(c.person.family_name in page for c in (active, declined, withdrawn))
    page = client.get(reverse("network:contact_list") + "?consent=withdrawn").content.decode()
    assert "遠藤" in page and "阿部" not in page


def test_n4_2_no_duties_are_assigned_to_a_civilian():
    """N4.2: a contact person carries no task, due date or deadline: the app never assigns them a duty."""
    from liaison.network import models

    for model in (models.ContactPerson, models.ContactRole, models.ConsentChange):
        names = {f.name for f in model._meta.get_fields()}
        assert not {n for n in names if any(w in n for w in ("due", "task", "deadline", "duty", "assign"))}, model


# --- Editing with a version check ------------------------------------------------------------------------------------


def test_contact_update_saves_particulars_and_roles_and_refuses_a_stale_version(world):
    contact = _contact(world, roles=[("group_head", "老人クラブ")])
    user = world.user("community_section")
    values = {"koban": world.chuzaisho_a, "municipality": "仙台市青葉区", "district": "作並", "source": "cooperator"}
    actions.contact_update(
        contact=contact, values=values, roles=[("juvenile_guidance", "")], version=contact.version, acting_user=user
    )
    contact.refresh_from_db()
    assert (contact.koban, contact.district, contact.source) == (world.chuzaisho_a, "作並", "cooperator")
    assert [(r.kind, r.detail) for r in contact.roles.all()] == [("juvenile_guidance", "")]
    with pytest.raises(StaleEdit):
        actions.contact_update(contact=contact, values=values, roles=[], version=contact.version - 1, acting_user=user)
    assert ContactRole.objects.filter(contact=contact).count() == 1


def test_edit_screen_shows_the_conflict_instead_of_overwriting(world, client_for):
    contact = _contact(world)
    url = reverse("network:contact_edit", args=[contact.pk])
    client = client_for("community_section")
    data = _form(world, district="上杉", version=str(contact.version))
    actions.contact_update(
        contact=contact,
        values={"district": "錦町", "source": "group", "koban": world.koban_a},
        roles=[],
        version=contact.version,
        acting_user=world.user("deputy"),
    )
    response = client.post(url, data)
    assert response.status_code == 200 and "錦町" in response.content.decode()
    contact.refresh_from_db()
    assert contact.district == "錦町"


# --- The list (N2.4) -------------------------------------------------------------------------------------------------


def test_n2_4_list_in_gojuon_order_with_filters(world, client_for):
    _contact(
        world, make_person(world.station_a, "渡辺", "順子", "ワタナベ", "ジュンコ"), roles=[("safety_promoter", "")]
    )
    _contact(
        world, make_person(world.station_a, "阿部", "和子", "アベ", "カズコ"), koban=world.chuzaisho_a, district="作並"
    )
    _contact(world, make_person(world.station_a, "加藤", "浩", "カトウ", "ヒロシ"), roles=[("neighbourhood_head", "")])
    client = client_for("section_staff")
    url = reverse("network:contact_list")
    page = client.get(url).content.decode()
    assert page.index("阿部") < page.index("加藤") < page.index("渡辺")
    page = client.get(url + f"?koban={world.chuzaisho_a.pk}").content.decode()
    assert "阿部" in page and "加藤" not in page
    page = client.get(url + "?role=safety_promoter").content.decode()
    assert "渡辺" in page and "阿部" not in page
    page = client.get(url + "?district=作並").content.decode()
    assert "阿部" in page and "渡辺" not in page
    page = client.get(url + "?q=かとう").content.decode()
    assert "加藤" in page and "阿部" not in page
    page = client.get(url + "?q=渡辺").content.decode()
    assert "渡辺" in page and "加藤" not in page
    # An unreadable filter is ignored, not an error.
    assert client.get(url + "?koban=99999999999999999999&consent=zz").status_code == 200


def test_n2_4_list_runs_a_constant_number_of_queries(world, client_for):
    client = client_for("community_section")
    url = reverse("network:contact_list") + "?consent=active"
    _contact(world, make_person(world.station_a, given="一"), roles=[("other", "a")])
    client.get(url)
    with CaptureQueriesContext(connection) as one:
        assert client.get(url).status_code == 200
    for i in range(60):
        _contact(world, make_person(world.station_a, given=f"太郎{i}"), roles=[("other", "a"), ("group_head", "b")])
    with CaptureQueriesContext(connection) as many:
        page = client.get(url).content.decode()
    assert len(many) == len(one), [q["sql"] for q in many]
    assert page.count('href="/network/contacts/') >= 50 and "61人" in page


def test_n2_4_every_section_of_the_station_reads_the_list_and_a_contact(world, client_for):
    """N2.4: 刑事課 (section staff) of the same station reads the list and a contact person's page."""
    contact = _contact(world, make_person(world.station_a, "秘田", "匿子", "ヒメタ", "トクコ"))
    client = client_for("section_staff")
    assert "秘田" in client.get(reverse("network:contact_list")).content.decode()
    assert client.get(reverse("network:contact_detail", args=[contact.pk])).status_code == 200


def test_n2_4_another_station_gets_404_and_no_row(world, client_for):
    contact = _contact(world, make_person(world.station_a, "秘田", "匿子", "ヒメタ", "トクコ"))
    client = client_for(world.chief_b.user)
    assert client.get(reverse("network:contact_detail", args=[contact.pk])).status_code == 404
    assert client.get(reverse("network:contact_detail", args=[contact.pk + 1000])).status_code == 404
    assert "秘田" not in client.get(reverse("network:contact_list")).content.decode()
    assert "秘田" not in client.get(reverse("network:contact_list") + f"?station={world.station_a.pk}").content.decode()


def test_n2_4_hq_reads_every_station_with_a_station_filter(world, client_for):
    _contact(world, make_person(world.station_a, "秘田", "匿子", "ヒメタ", "トクコ"))
    other = make_person(world.station_b, "泉田", "一", "イズミダ", "ハジメ")
    actions.contact_create(
        station=world.station_b, person=other, values={"source": "group"}, acting_user=world.chief_b.user
    )
    client = client_for("hq_staff")
    page = client.get(reverse("network:contact_list")).content.decode()
    assert "秘田" in page and "泉田" in page
    page = client.get(reverse("network:contact_list") + f"?station={world.station_b.pk}").content.decode()
    assert "泉田" in page and "秘田" not in page


def test_koban_chief_manages_only_their_own_kobans_contacts(world, client_for):
    """KOBAN_ONLY: the koban chief edits and steps consent for their koban's contacts only; reads stay station-wide."""
    own = _contact(world, make_person(world.station_a, given="一"))
    other = _contact(world, make_person(world.station_a, given="二"), koban=world.chuzaisho_a)
    client = client_for("koban_chief")
    assert client.get(reverse("network:contact_edit", args=[own.pk])).status_code == 200
    assert client.get(reverse("network:contact_edit", args=[other.pk])).status_code == 403
    assert client.get(reverse("network:contact_consent", args=[other.pk])).status_code == 403
    assert client.get(reverse("network:contact_detail", args=[other.pk])).status_code == 200


def test_personal_fields_follow_may_see(world, client_for):
    """Section staff and HQ staff see name, roles, area and koban only; roles with the people permission see the
    phone, e-mail and address."""
    person = make_person(
        world.station_a,
        "秘田",
        "匿子",
        "ヒメタ",
        "トクコ",
        phone="0229990001",
        email="zq@example.jp",
        address_city="秘密市",
        address_town="隠れ町ZQ",
    )
    contact = _contact(world, person, roles=[("safety_promoter", "")], district="北地区")
    for role, sees in [("section_staff", False), ("hq_staff", False), ("community_section", True), ("hq_admin", True)]:
        client = client_for(role)
        for url in (reverse("network:contact_list"), reverse("network:contact_detail", args=[contact.pk])):
            page = client.get(url).content.decode()
            assert "秘田 匿子" in page and "地域安全推進委員" in page and "北地区" in page and "一番町交番" in page
            for marker in (person.phone_display, "zq@example.jp", "隠れ町ZQ", "ヒメタ"):
                assert (marker in page) == sees, (role, url, marker)


# --- What the people app learns about contact persons ----------------------------------------------------------------


def test_n2_2_the_person_page_and_the_picker_show_the_contact_role(world, client_for):
    """N2.2: the one person record shows that the person is a contact person; the picker tells namesakes apart."""
    from liaison.people.picker import describe

    person = make_person(world.station_a, "青木", "花子", "アオキ", "ハナコ")
    contact = _contact(world, person, consent="consented")
    page = client_for("community_section").get(reverse("people:detail", args=[person.pk])).content.decode()
    assert reverse("network:contact_detail", args=[contact.pk]) in page
    [choice] = describe(world.user("community_section"), [person])
    assert "地域安全連絡員（承諾）" in choice.details
    declined = _contact(world, make_person(world.station_a, given="二"), consent="declined")
    [choice] = describe(world.user("community_section"), [declined.person])
    assert not any("地域安全連絡員" in d for d in choice.details)


def test_koban_ties_let_the_koban_chief_change_their_own_contact_persons_record(world):
    """X2: a contact person of koban_a is koban_a's to change (e.g. to add the e-mail address), not the other
    koban's."""
    from liaison.access.permissions import Perm
    from liaison.access.policy import can_change

    own = _contact(world, make_person(world.station_a, given="一")).person
    other = _contact(world, make_person(world.station_a, given="二"), koban=world.chuzaisho_a).person
    chief = world.user("koban_chief")
    assert can_change(chief, own, Perm.MANAGE_PEOPLE)
    assert not can_change(chief, other, Perm.MANAGE_PEOPLE)
