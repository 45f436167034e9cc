"""C8.2 opinions raised at meetings and problem-solving activities, C9.1 information from members reported to the
station chief, C9.2 contacts with members."""

import datetime
import re

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from liaison.audit.models import AuditEntry
from liaison.cases.models import Case
from liaison.findings import store
from liaison.lib.dates import today_tokyo
from liaison.meetings import findings_followup, queries_followup
from liaison.meetings.actions import followup as actions
from liaison.meetings.models import Activity, Meeting, MeetingCase, MemberContact, MemberInformation
from liaison.testing import make_council_with_members

TODAY = today_tokyo()


@pytest.fixture
def council(world):
    council, _people = make_council_with_members(
        world, world.koban_a, acting_user=world.user("community_section"), count=3
    )
    return council


def _meeting(world, council, days_ago=1, status=Meeting.Status.HELD):
    return Meeting.objects.create(
        council=council,
        kind=Meeting.Kind.AD_HOC,  # several in a test: ad hoc meetings carry no number
        fiscal_year=2026,
        status=status,
        starts_at=timezone.now() - datetime.timedelta(days=days_ago),
        venue_kind=Meeting.VenueKind.COMMUNITY_HALL,
        venue_name="一番町公民館",
        created_by=world.user("community_section"),
    )


def _opinion(world, meeting, content, **extra):
    values = {"content": content, "answer": f"{content}への回答", "category": "crime", "raised_by_kind": "member"}
    values.update(extra)
    return actions.meeting_opinion_add(meeting=meeting, values=values, acting_user=world.user("koban_chief"))


# --- opinions at a meeting ------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_c8_2_an_opinion_at_a_meeting_is_a_case_of_its_station_and_koban_linked_in_order(world, council):
    meeting = _meeting(world, council)
    member = council.memberships.first().person
    first = _opinion(world, meeting, "夜道が暗い", raised_by_person=member)
    second = _opinion(world, meeting, "自転車盗が多い", raised_by_kind="guest", raised_by_name="PTA会長")
    assert [link.case.content for link in queries_followup.meeting_opinions(meeting)] == [
        "夜道が暗い",
        "自転車盗が多い",
    ]
    assert (first.order, second.order) == (0, 1)
    case = first.case
    assert case.station == world.station_a and case.koban == world.koban_a
    assert case.received_on == timezone.localtime(meeting.starts_at).date()
    assert case.answer == "夜道が暗いへの回答" and case.raised_by_person == member
    assert case.updates.count() == 1
    assert AuditEntry.objects.filter(action="meeting.opinion").count() == 2


@pytest.mark.django_db
def test_c8_2_opinions_are_refused_for_residents_cancelled_and_future_meetings(world, council):
    meeting = _meeting(world, council)
    with pytest.raises(ValidationError):
        _opinion(world, meeting, "住民の意見", raised_by_kind="resident")
    with pytest.raises(ValidationError):
        _opinion(world, _meeting(world, council, status=Meeting.Status.CANCELLED), "中止")
    with pytest.raises(ValidationError):
        _opinion(world, _meeting(world, council, days_ago=-3, status=Meeting.Status.PLANNED), "未来")
    assert not Case.objects.exists() and not MeetingCase.objects.exists()


@pytest.mark.django_db
def test_c8_2_meeting_opinions_include_lists_them_with_their_answers_in_a_constant_number_of_queries(world, council):
    meeting = _meeting(world, council)
    _opinion(world, meeting, "一件目")
    with CaptureQueriesContext(connection) as one:
        render_to_string("meetings/followup/_meeting_opinions.html", {"meeting": meeting})
    for i in range(10):
        _opinion(world, meeting, f"追加{i}")
    with CaptureQueriesContext(connection) as many:
        html = render_to_string("meetings/followup/_meeting_opinions.html", {"meeting": meeting})
    assert len(many) == len(one)
    assert html.index("一件目") < html.index("追加0") < html.index("追加9") and "一件目への回答" in html


@pytest.mark.django_db
def test_c8_2_add_opinions_through_the_meeting_screen(world, council, client_for):
    meeting = _meeting(world, council)
    client = client_for("koban_chief")
    url = reverse("meetings:opinion_new", args=[meeting.pk])
    member = council.memberships.first().person
    response = client.post(
        url,
        {
            "content": "通学路に見守りを",
            "answer": "登校時間に立番します",
            "category": "children",
            "raised_by_kind": "member",
            "raised_by_person": member.pk,
        },
    )
    assert response.status_code == 302
    link = MeetingCase.objects.get(meeting=meeting)
    assert link.case.category == "children" and link.case.raised_by_person == member
    page = client.get(url).content.decode()
    assert "登校時間に立番します" in page and reverse("cases:detail", args=[link.case_id]) in page


# --- problem-solving activities -------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_c8_2_activity_with_cases_interim_reports_and_outcome(world, council):
    meeting = _meeting(world, council)
    case = _opinion(world, meeting, "空き巣の連続発生").case
    user = world.user("community_section")
    activity = actions.activity_create(
        council=council,
        values={"title": "空き巣対策", "plan": "防犯診断と見回り", "started_on": TODAY - datetime.timedelta(days=60)},
        cases=[case],
        acting_user=user,
    )
    assert list(activity.cases.all()) == [case]
    report = actions.interim_report_plan(
        activity=activity, due_on=TODAY - datetime.timedelta(days=2), note="見回り結果", acting_user=user
    )
    # C8.2: an overdue interim report is a finding, stored and live alike.
    assert [f.code for f in findings_followup.stored([activity.pk])[activity.pk]] == ["interim_overdue"]
    assert [f.code for f in findings_followup.live(activity, TODAY)] == ["interim_overdue"]
    actions.interim_report_record(report=report, reported_on=TODAY, meeting=meeting, note="", acting_user=user)
    report.refresh_from_db()
    assert report.reported_on == TODAY and report.meeting == meeting
    assert findings_followup.stored([activity.pk]) == {}
    activity.refresh_from_db()
    actions.activity_close(
        activity=activity, closed_on=TODAY, outcome="発生が止んだ", version=activity.version, acting_user=user
    )
    activity.refresh_from_db()
    assert activity.status == Activity.Status.CLOSED and activity.outcome == "発生が止んだ"
    with pytest.raises(ValidationError):
        actions.interim_report_plan(activity=activity, due_on=TODAY, note="", acting_user=user)


@pytest.mark.django_db
def test_c8_2_an_interim_report_becomes_overdue_with_the_date_alone(world, council):
    user = world.user("community_section")
    activity = actions.activity_create(
        council=council, values={"title": "交通事故対策", "started_on": TODAY}, cases=[], acting_user=user
    )
    actions.interim_report_plan(activity=activity, due_on=TODAY, note="", acting_user=user)
    assert findings_followup.stored([activity.pk]) == {}
    store.refresh_date_driven(TODAY + datetime.timedelta(days=1))
    assert [f.code for f in findings_followup.stored([activity.pk])[activity.pk]] == ["interim_overdue"]


@pytest.mark.django_db
def test_c8_2_c9_1_home_page_shows_overdue_interim_reports_and_unreported_information(world, council, client_for):
    user = world.user("community_section")
    activity = actions.activity_create(
        council=council, values={"title": "落書き対策ZZ", "started_on": TODAY}, cases=[], acting_user=user
    )
    actions.interim_report_plan(activity=activity, due_on=TODAY, note="", acting_user=user)
    store.refresh_date_driven(TODAY + datetime.timedelta(days=1))
    actions.member_information_add(council=council, values={"received_on": TODAY, "content": "情報"}, acting_user=user)
    page = client_for("station_chief").get(reverse("home")).content.decode()
    assert "中間連絡の期限を過ぎた問題解決活動が1件あります" in page and "落書き対策ZZ" in page
    assert "署長に未報告の委員からの情報が1件あります" in page
    assert "落書き対策ZZ" not in client_for(world.chief_b.user).get(reverse("home")).content.decode()


@pytest.mark.django_db
def test_c8_2_open_activities_are_offered_for_the_next_meeting(world, council):
    user = world.user("community_section")
    open_one = actions.activity_create(
        council=council, values={"title": "見守り", "started_on": TODAY}, cases=[], acting_user=user
    )
    actions.interim_report_plan(
        activity=open_one, due_on=TODAY + datetime.timedelta(days=30), note="", acting_user=user
    )
    closed = actions.activity_create(
        council=council, values={"title": "終わった活動", "started_on": TODAY}, cases=[], acting_user=user
    )
    actions.activity_close(activity=closed, closed_on=TODAY, outcome="完了", version=closed.version, acting_user=user)
    offered = list(queries_followup.open_activities(council))
    assert [a.title for a in offered] == ["見守り"]
    assert offered[0].pending_reports == 1 and offered[0].next_due_on == TODAY + datetime.timedelta(days=30)


@pytest.mark.django_db
def test_c8_2_the_meeting_form_offers_the_open_activities_as_a_theme(world, council, client_for):
    """C8.2: scheduling the council's next meeting lists its open activities and ticks 問題解決活動の経過."""
    user = world.user("community_section")
    actions.activity_create(
        council=council, values={"title": "通学路の見守り活動", "started_on": TODAY}, cases=[], acting_user=user
    )
    page = client_for("koban_chief").get(reverse("meetings:create") + f"?council={council.pk}").content.decode()
    assert "実施中の問題解決活動" in page and "通学路の見守り活動" in page
    assert re.search(r'value="problem_solving"[^>]*checked', page)
    plain = client_for("koban_chief").get(reverse("meetings:create")).content.decode()
    assert "実施中の問題解決活動" not in plain and not re.search(r'value="problem_solving"[^>]*checked', plain)


@pytest.mark.django_db
def test_c8_2_a_councils_activities_export_to_excel_and_the_export_is_audited(world, council, client_for):
    """C8.2 / X3: the activity list goes out to Excel through the export helper; the export is audited."""
    from liaison.audit.models import AuditEntry
    from liaison.testing import export_rows

    user = world.user("community_section")
    activity = actions.activity_create(
        council=council, values={"title": "=落書き対策", "started_on": TODAY}, cases=[], acting_user=user
    )
    actions.interim_report_plan(activity=activity, due_on=TODAY, note="", acting_user=user)
    url = reverse("meetings:council_activities", args=[council.pk]) + "?format=xlsx"
    response = client_for("deputy").get(url)
    assert response.status_code == 200 and response["Content-Type"].startswith("application/vnd.openxmlformats")
    values = [value for row in export_rows(response) for value in row if value]
    assert "'=落書き対策" in values and "=落書き対策" not in values  # never a formula
    assert any("未連絡" in str(v) for v in values)
    assert AuditEntry.objects.filter(action="activity.export", kind=AuditEntry.Kind.EXPORT).count() == 1
    assert client_for(world.chief_b.user).get(url).status_code == 404


@pytest.mark.django_db
def test_c8_2_activity_of_another_station_cannot_take_its_cases(world, council):
    other = Case.objects.create(
        station=world.station_b,
        received_on=TODAY,
        category="crime",
        content="他署",
        raised_by_kind="resident",
        created_by=world.chief_b.user,
    )
    with pytest.raises(ValidationError):
        actions.activity_create(
            council=council,
            values={"title": "x", "started_on": TODAY},
            cases=[other],
            acting_user=world.user("community_section"),
        )


# --- information from members (C9.1), contacts (C9.2) ---------------------------------------------------------------


@pytest.mark.django_db
def test_c9_1_information_is_recorded_and_reported_to_the_chief(world, council, client_for):
    member = council.memberships.first().person
    client = client_for("koban_staff")
    response = client.post(
        reverse("meetings:information_new", args=[council.pk]),
        {"received_on": TODAY.isoformat(), "person": member.pk, "content": "不審な車が停まっている"},
    )
    assert response.status_code == 302
    item = MemberInformation.objects.get()
    chief = client_for("station_chief")
    unreported = chief.get(reverse("meetings:station_information") + "?reported=no").content.decode()
    assert "不審な車が停まっている" in unreported
    response = client.post(
        reverse("meetings:information_report", args=[council.pk]),
        {"reported_on": TODAY.isoformat(), "ids": [item.pk]},
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.reported_on == TODAY and item.reported_by == world.user("koban_staff")
    assert AuditEntry.objects.filter(action="member_information.report", object_id=str(item.pk)).exists()
    assert "不審な車" not in chief.get(reverse("meetings:station_information") + "?reported=no").content.decode()
    assert "不審な車" in chief.get(reverse("meetings:station_information") + "?reported=yes").content.decode()
    other = client_for(world.chief_b.user).get(reverse("meetings:station_information")).content.decode()
    assert "不審な車" not in other


@pytest.mark.django_db
def test_c9_1_reporting_before_receipt_is_refused(world, council):
    item = actions.member_information_add(
        council=council,
        values={"received_on": TODAY, "content": "情報"},
        acting_user=world.user("community_section"),
    )
    with pytest.raises(ValidationError):
        actions.member_information_report(
            items=[item], reported_on=TODAY - datetime.timedelta(days=1), acting_user=world.user("community_section")
        )


@pytest.mark.django_db
def test_c9_2_contacts_with_members_are_logged(world, council, client_for):
    member = council.memberships.first().person
    client = client_for("koban_chief")
    response = client.post(
        reverse("meetings:contact_new", args=[council.pk]),
        {
            "on": TODAY.isoformat(),
            "person": member.pk,
            "kind": "visit",
            "officer": world.officers["koban_staff"].pk,
            "note": "会議の日程を相談",
        },
    )
    assert response.status_code == 302
    contact = MemberContact.objects.get()
    assert contact.person == member and contact.officer == world.officers["koban_staff"]
    page = client_for("section_staff").get(reverse("meetings:council_contacts", args=[council.pk])).content.decode()
    assert "会議の日程を相談" in page and member.full_name in page
