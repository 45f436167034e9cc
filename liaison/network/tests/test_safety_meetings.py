"""地域安全の会 (N3.3): recording a meeting with its attendees, editing it with optimistic locking, opinions received
becoming cases linked to the meeting, the list paged in the database."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from liaison.cases.models import Case
from liaison.lib.dates import today_tokyo
from liaison.lib.versioning import StaleEdit
from liaison.network.actions import safety_meetings as actions
from liaison.network.models import SafetyMeeting, SafetyMeetingCase

from .test_findings import make_contact

pytestmark = pytest.mark.django_db

DAY = today_tokyo() - datetime.timedelta(days=3)


def _values(**extra):
    return {
        "held_on": DAY,
        "venue": "青葉区民センター",
        "held_with": "一番町地区防犯協会総会",
        "topics": "空き巣の発生状況",
        "other_attendees": "町内会の役員2名",
        "materials": "交番速報 11月号",
        "notes": "",
        **extra,
    }


def _meeting(world, contacts=()):
    return actions.safety_meeting_create(
        station=world.station_a, values=_values(), contacts=list(contacts), acting_user=world.user("community_section")
    )


def test_n3_3_community_section_records_a_meeting_with_attendees_through_the_screen(world, client_for):
    consented = make_contact(world, "青木", "アオキ")
    candidate = make_contact(world, "井上", "イノウエ", consent="candidate")
    client = client_for("community_section")
    page = client.get(reverse("network:safety_meeting_create"))
    assert page.status_code == 200
    offered = page.content.decode()
    assert "青木" in offered and "井上" in offered
    response = client.post(
        reverse("network:safety_meeting_create"),
        {**_values(held_on=DAY.isoformat()), "contacts": [consented.pk, candidate.pk]},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    meeting = SafetyMeeting.objects.get()
    assert meeting.station == world.station_a
    assert meeting.held_with == "一番町地区防犯協会総会"
    assert set(meeting.contacts.all()) == {consented, candidate}
    detail = client_for("section_staff").get(reverse("network:safety_meeting_detail", args=[meeting.pk]))
    assert detail.status_code == 200 and "青木" in detail.content.decode()


def test_n3_3_n4_2_declined_and_withdrawn_are_not_offered_as_attendees(world, client_for):
    declined = make_contact(world, "上田", "ウエダ", consent="declined")
    withdrawn = make_contact(world, "江藤", "エトウ", consent="withdrawn")
    page = client_for("community_section").get(reverse("network:safety_meeting_create")).content.decode()
    assert "上田" not in page and "江藤" not in page
    with pytest.raises(ValidationError):
        _meeting(world, [declined])
    response = client_for("community_section").post(
        reverse("network:safety_meeting_create"), {**_values(held_on=DAY.isoformat()), "contacts": [withdrawn.pk]}
    )
    assert response.status_code == 200 and not SafetyMeeting.objects.exists()


def test_n3_3_another_stations_contact_is_refused(world):
    other = make_contact(world, "小野", "オノ", station=world.station_b)
    with pytest.raises(ValidationError):
        _meeting(world, [other])


def test_n3_3_one_who_withdrew_after_attending_stays_on_the_meeting_when_it_is_edited(world):
    contact = make_contact(world, "加藤", "カトウ")
    meeting = _meeting(world, [contact])
    from liaison.network.actions.contacts import consent_change

    consent_change(contact=contact, consent="withdrawn", on=today_tokyo(), acting_user=world.user("community_section"))
    actions.safety_meeting_update(
        meeting=meeting,
        values=_values(venue="別の会場"),
        contacts=[contact],
        version=meeting.version,
        acting_user=world.user("community_section"),
    )
    meeting.refresh_from_db()
    assert meeting.venue == "別の会場" and list(meeting.contacts.all()) == [contact]


def test_n3_3_a_stale_edit_is_refused_and_shown(world, client_for):
    meeting = _meeting(world)
    opened = meeting.version
    actions.safety_meeting_update(
        meeting=meeting, values=_values(venue="先に保存"), contacts=[], version=opened, acting_user=world.user("deputy")
    )
    with pytest.raises(StaleEdit):
        actions.safety_meeting_update(
            meeting=meeting,
            values=_values(venue="後から"),
            contacts=[],
            version=opened,
            acting_user=world.user("deputy"),
        )
    response = client_for("community_section").post(
        reverse("network:safety_meeting_edit", args=[meeting.pk]),
        {**_values(held_on=DAY.isoformat(), venue="後から"), "version": opened},
    )
    assert response.status_code == 200 and "先に保存" in response.content.decode()
    meeting.refresh_from_db()
    assert meeting.venue == "先に保存"


def test_n3_3_an_opinion_becomes_a_case_linked_to_the_meeting_and_shows_its_status(world, client_for):
    contact = make_contact(world, "菊地", "キクチ")
    meeting = _meeting(world, [contact])
    client = client_for("community_section")
    response = client.post(
        reverse("network:safety_meeting_opinion", args=[meeting.pk]),
        {
            "content": "通学路の街路灯が暗い",
            "answer": "市に伝えます",
            "category": "environment",
            "raised_by_kind": "contact_person",
            "raised_by_person": contact.person_id,
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    link = SafetyMeetingCase.objects.get()
    case = link.case
    assert link.meeting == meeting
    assert case.station == world.station_a and case.received_on == meeting.held_on
    assert case.raised_by_person == contact.person and case.status == Case.Status.RECEIVED
    page = client_for("koban_staff").get(reverse("network:safety_meeting_detail", args=[meeting.pk])).content.decode()
    assert "通学路の街路灯が暗い" in page and "受付" in page
    # The case is one of the station's cases, followed up there.
    assert client.get(reverse("cases:detail", args=[case.pk])).status_code == 200


def test_n3_3_an_opinion_and_its_link_are_one_transaction(world):
    meeting = _meeting(world)
    stranger = make_contact(world, "工藤", "クドウ")  # did not attend
    with pytest.raises(ValidationError):
        actions.safety_meeting_opinion_add(
            meeting=meeting,
            values={
                "content": "x",
                "category": "other",
                "raised_by_kind": "contact_person",
                "raised_by_person": stranger.person,
            },
            acting_user=world.user("community_section"),
        )
    future = actions.safety_meeting_create(
        station=world.station_a,
        values=_values(held_on=today_tokyo() + datetime.timedelta(days=5)),
        contacts=[],
        acting_user=world.user("community_section"),
    )
    with pytest.raises(ValidationError):  # the case refuses a future day: no link without its case, no case alone
        actions.safety_meeting_opinion_add(
            meeting=future,
            values={"content": "x", "category": "other", "raised_by_kind": "resident"},
            acting_user=world.user("community_section"),
        )
    assert not Case.objects.exists() and not SafetyMeetingCase.objects.exists()


def test_n3_3_other_stations_meetings_are_hidden(world, client_for):
    meeting = _meeting(world)
    assert (
        client_for(world.chief_b.user).get(reverse("network:safety_meeting_detail", args=[meeting.pk])).status_code
        == 404
    )
    assert (
        "青葉区民センター"
        not in client_for(world.chief_b.user).get(reverse("network:safety_meeting_list")).content.decode()
    )


def test_n3_3_the_list_pages_in_the_database_with_constant_queries(world, client_for):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for("section_staff")
    contact = make_contact(world, "佐藤", "サトウ")
    _meeting(world, [contact])
    client.get(reverse("network:safety_meeting_list"))  # the first request of a session costs its own queries
    with CaptureQueriesContext(connection) as one:
        assert client.get(reverse("network:safety_meeting_list")).status_code == 200
    for _ in range(40):
        _meeting(world, [contact])
    with CaptureQueriesContext(connection) as many:
        page = client.get(reverse("network:safety_meeting_list"))
    assert page.status_code == 200
    assert len(many) == len(one), [q["sql"] for q in many.captured_queries]
    assert page.content.decode().count("青葉区民センター") == 30  # one page
