"""Form 3's routing (C11.2): the operation staff submit a held meeting's result report, the station chief decides it,
or the deputy where it was marked routine; either may return it; the findings of reports read the prefecture's
settings and are scoped to the meeting's koban."""

import datetime
import re

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from liaison.access.policy import for_work
from liaison.audit.models import AuditEntry
from liaison.findings import store
from liaison.findings.models import Finding, Subject
from liaison.meetings.actions import meetings as meeting_actions
from liaison.meetings.models import Meeting
from liaison.org.actions import prefecture_settings_update
from liaison.org.models import PrefectureSettings
from liaison.reports import actions, routing
from liaison.reports.form3 import reporter_of
from liaison.reports.models import Submission
from liaison.testing import make_officer

from .conftest import make_council, poppler
from .test_form3 import make_meeting

pytestmark = pytest.mark.django_db


def submit_url(meeting):
    return reverse("reports:report_submit", args=["form3", meeting.pk])


def missing(meeting_id):
    return Finding.objects.filter(subject__source=routing.MISSING_SOURCE, subject__object_id=meeting_id)


def test_c11_2_routine_form3_submitted_by_operation_staff_is_approved_by_the_deputy(council, world, client_for):
    """C11.2: koban staff submit Form 3 marked 軽易かつ定型的; the deputy and the chief both may decide it; the deputy
    approves; each step is audited and shown on the meeting page with the print link."""
    meeting = make_meeting(council, world)
    page = client_for("koban_staff").get(reverse("meetings:detail", args=[meeting.pk])).content.decode()
    assert "開催結果報告書はまだ提出されていません" in page and submit_url(meeting) in page
    assert reverse("reports:meeting_report", args=[meeting.pk]) in page

    response = client_for("koban_staff").post(submit_url(meeting), {"routine": "on", "note": "定例の内容です"})
    assert response.status_code == 302 and response["Location"] == reverse("meetings:detail", args=[meeting.pk])
    submitted = Submission.objects.get(kind="form3", object_id=meeting.pk)
    assert submitted.routine and submitted.submitted_by == world.user("koban_staff")
    assert list(routing.waiting_for(world.user("deputy"))) == [submitted]
    assert list(routing.waiting_for(world.user("station_chief"))) == [submitted]
    assert not routing.waiting_for(world.user("hq_admin")).exists()
    assert not routing.waiting_for(world.chief_b.user).exists()

    decided = client_for("deputy").post(
        reverse("reports:submission", args=[submitted.pk]), {"decision": "approve", "comment": ""}
    )
    assert decided.status_code == 302
    submitted.refresh_from_db()
    assert submitted.status == Submission.Status.APPROVED and submitted.decided_by == world.user("deputy")
    logged = list(
        AuditEntry.objects.filter(object_type="reports.Submission").order_by("pk").values_list("action", flat=True)
    )
    assert logged == ["form3.submit", "form3.approve"]
    page = client_for("koban_staff").get(reverse("meetings:detail", args=[meeting.pk])).content.decode()
    assert "受理・決裁済み" in page and "定例の内容です" in page and submit_url(meeting) not in page


def test_c11_2_a_report_not_marked_routine_is_decided_by_the_chief_alone_and_returns_to_its_submitter(
    council, world, client_for
):
    """C11.2: without the routine mark the deputy may not decide; the chief returns it with a comment, it is back on
    the submitter's to-do list, and the corrected report is submitted again."""
    meeting = make_meeting(council, world)
    staff = world.user("koban_staff")
    submitted = actions.report_submit(kind=routing.FORM3, obj=meeting, acting_user=staff)
    assert not submitted.routine
    assert not routing.waiting_for(world.user("deputy")).exists()
    url = reverse("reports:submission", args=[submitted.pk])
    assert client_for("deputy").post(url, {"decision": "approve"}).status_code == 403

    client_for("station_chief").post(url, {"decision": "return", "comment": "出席者数を確認してください"})
    submitted.refresh_from_db()
    assert submitted.status == Submission.Status.RETURNED
    assert list(routing.returned_to(staff)) == [submitted]
    home = client_for("koban_staff").get(reverse("home")).content.decode()
    assert "差し戻された報告が1件あります" in home and meeting.council.name in home
    page = client_for("koban_staff").get(reverse("meetings:detail", args=[meeting.pk])).content.decode()
    assert "出席者数を確認してください" in page and "開催結果報告書を修正して再提出する" in page

    client_for("koban_staff").post(submit_url(meeting), {"note": "確認しました"})
    assert not routing.returned_to(staff).exists()
    assert Submission.objects.filter(kind="form3", object_id=meeting.pk).count() == 2


def test_c11_2_only_a_held_meeting_of_the_staffs_own_koban_is_submitted(council, world, client_for):
    """C11.2: a planned meeting has no report yet; staff of another koban may not submit (403), another station
    finds nothing (404)."""
    meeting = make_meeting(council, world)
    Meeting.objects.filter(pk=meeting.pk).update(status=Meeting.Status.PLANNED)
    assert client_for("koban_staff").post(submit_url(meeting)).status_code == 403
    page = client_for("koban_staff").get(reverse("meetings:detail", args=[meeting.pk])).content.decode()
    assert "開催結果報告書" not in page
    Meeting.objects.filter(pk=meeting.pk).update(status=Meeting.Status.HELD)
    other = make_officer("koban_staff", station=world.station_a, koban=world.chuzaisho_a, username="sakunami")
    assert client_for(other.user).post(submit_url(meeting)).status_code == 403
    assert client_for(world.chief_b.user).post(submit_url(meeting)).status_code == 404
    assert not Submission.objects.exists()


def _compact(text: str) -> str:
    return re.sub(r"\s+", "", text)


def test_c11_2_form3_names_its_submitter_as_reporter_and_the_printing_officer_for_a_draft(
    council, world, client_for, tmp_path
):
    """C11.2: before anything is submitted Form 3 names the officer printing it; once submitted, the submitter,
    whoever prints it (the chief printing it to decide)."""
    staff = world.officers["koban_staff"]
    staff.family_name, staff.given_name = "高橋", "翼"
    staff.save()
    clerk = world.officers["community_section"]
    clerk.family_name, clerk.given_name = "村上", "直樹"
    clerk.save()
    meeting = make_meeting(council, world)
    url = reverse("reports:meeting_report", args=[meeting.pk])
    assert reporter_of(meeting, fallback=clerk) == clerk
    draft = _compact(poppler("pdftotext", client_for("community_section").get(url).content, tmp_path))
    assert "村上直樹" in draft and "高橋翼" not in draft

    actions.report_submit(kind=routing.FORM3, obj=meeting, acting_user=staff.user)
    assert reporter_of(meeting, fallback=clerk) == staff
    printed = _compact(poppler("pdftotext", client_for("station_chief").get(url).content, tmp_path))
    assert "高橋翼" in printed and "村上直樹" not in printed


def test_c11_2_form3_bears_the_day_it_was_submitted_not_the_day_it_is_printed(council, world, client_for, tmp_path):
    """C11.2: a submitted report printed later (by the chief deciding it) is dated the day it was submitted."""
    from liaison.lib.wareki import to_wareki

    meeting = make_meeting(council, world)
    submission = actions.report_submit(kind=routing.FORM3, obj=meeting, acting_user=world.user("koban_staff"))
    Submission.objects.filter(pk=submission.pk).update(
        submitted_at=datetime.datetime(2025, 6, 14, 9, 0, tzinfo=datetime.UTC)
    )
    url = reverse("reports:meeting_report", args=[meeting.pk])
    printed = _compact(poppler("pdftotext", client_for("station_chief").get(url).content, tmp_path))
    assert to_wareki(datetime.date(2025, 6, 14)) in printed


def test_c11_2_nobody_decides_a_report_they_submitted_themselves(council, world, client_for):
    """C11.2: the station chief may submit Form 3 (they hold the submit permission) but then may not decide it; it is
    not on their list of reports to decide, and the action refuses it."""
    meeting = make_meeting(council, world)
    chief = world.user("station_chief")
    submission = actions.report_submit(kind=routing.FORM3, obj=meeting, acting_user=chief)
    assert not routing.waiting_for(chief).filter(pk=submission.pk).exists()
    with pytest.raises(ValidationError, match="自分が提出した報告は決裁できません"):
        actions.report_decide(submission=submission, approve=True, acting_user=chief)
    assert Submission.objects.get(pk=submission.pk).status == Submission.Status.SUBMITTED


# --- findings ----------------------------------------------------------------------------------------------------


def test_c11_2_form3_not_submitted_meeting_report_days_after_the_meeting_is_a_finding(council, world):
    """C11.2: a held meeting with no Form 3 submitted ``meeting_report_days`` days after it is a finding, scoped to
    the council's koban; submitting the report clears it in the same action."""
    settings = PrefectureSettings.current()
    settings.meeting_report_days = 10
    settings.save()
    meeting = make_meeting(council, world)  # held on 2025-06-12
    store.refresh_all(routing.MISSING_SOURCE, day=datetime.date(2025, 6, 22))
    assert not missing(meeting.pk).exists()
    store.refresh_all(routing.MISSING_SOURCE, day=datetime.date(2025, 6, 23))
    found = missing(meeting.pk).get()
    assert found.code == "meeting_report_missing" and found.requirement == "C11.2"
    assert "開催結果報告が未提出" in found.message and "11日" in found.message
    assert set(found.subject.kobans.all()) == {world.koban_a}

    other = make_officer("koban_staff", station=world.station_a, koban=world.chuzaisho_a, username="sakunami")
    assert for_work(world.user("koban_staff"), Finding).filter(pk=found.pk).exists()
    assert not for_work(other.user, Finding).filter(pk=found.pk).exists()
    assert for_work(world.user("station_chief"), Finding).filter(pk=found.pk).exists()

    actions.report_submit(kind=routing.FORM3, obj=meeting, acting_user=world.user("koban_staff"))
    assert not Subject.objects.filter(source=routing.MISSING_SOURCE, object_id=meeting.pk).exists()


def test_c11_2_holding_a_meeting_late_shows_the_missing_report_at_once(council, world):
    """C11.2: marking a meeting held long after its date refreshes the finding in the same action."""
    day = timezone.localdate() - datetime.timedelta(days=PrefectureSettings.current().meeting_report_days + 3)
    meeting = make_meeting(council, world)
    start = timezone.make_aware(datetime.datetime.combine(day, datetime.time(19)))
    Meeting.objects.filter(pk=meeting.pk).update(status=Meeting.Status.PLANNED, starts_at=start, ends_at=None)
    meeting_actions.meeting_hold(meeting=meeting, acting_user=world.user("koban_staff"))
    assert missing(meeting.pk).get().code == "meeting_report_missing"


def test_c11_2_waiting_limit_is_the_prefectures_report_decision_days(
    council, world, django_capture_on_commit_callbacks
):
    """C11.2: a round waits ``report_decision_days`` days before it is a finding; changing the setting queues a
    rebuild of the report findings after the commit."""
    meeting = make_meeting(council, world)
    submitted = actions.report_submit(kind=routing.FORM3, obj=meeting, acting_user=world.user("koban_staff"))
    Submission.objects.filter(pk=submitted.pk).update(submitted_at=timezone.now() - datetime.timedelta(days=5))
    settings = PrefectureSettings.current()
    settings.report_decision_days = 7
    settings.save()
    store.refresh_all(routing.SOURCE)
    assert not Finding.objects.filter(subject__source=routing.SOURCE).exists()

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        prefecture_settings_update(
            values={"report_decision_days": 4}, version=settings.version, acting_user=world.user("hq_admin")
        )
    assert len(callbacks) == 1
    store.refresh_all(routing.SOURCE)  # what the queued rebuild does
    found = Finding.objects.get(subject__source=routing.SOURCE)
    assert found.code == "report_waiting" and found.params["limit"] == 4
    assert set(found.subject.kobans.all()) == {world.koban_a}


def test_c11_2_home_pages_show_the_missing_report_to_the_meetings_koban_only(council, world, client_for):
    """C11.2: the reports panel of the home page lists the missing Form 3 for the koban's staff and the station,
    not for staff of another koban."""
    meeting = make_meeting(council, world)
    store.refresh_all(routing.MISSING_SOURCE)  # held in June 2025: long overdue today
    assert missing(meeting.pk).exists()
    home = client_for("koban_staff").get(reverse("home")).content.decode()
    assert "開催結果報告が未提出" in home and reverse("meetings:detail", args=[meeting.pk]) in home
    assert "開催結果報告が未提出" in client_for("station_chief").get(reverse("home")).content.decode()
    other = make_officer("koban_staff", station=world.station_a, koban=world.chuzaisho_a, username="sakunami")
    assert "開催結果報告が未提出" not in client_for(other.user).get(reverse("home")).content.decode()


# --- the station chief's report list (報告の決裁) ------------------------------------------------------------------


def _labels(response) -> set[str]:
    return {s.label for s in response.context["page"].object_list}


def _meeting_on(council, world, day: datetime.date, number: int) -> Meeting:
    meeting = make_meeting(council, world, number=number, opinions=0)
    start = timezone.make_aware(datetime.datetime.combine(day, datetime.time(19)))
    Meeting.objects.filter(pk=meeting.pk).update(starts_at=start, ends_at=None, fiscal_year=day.year)
    meeting.refresh_from_db()
    return meeting


def test_c11_2_chief_and_deputy_each_list_exactly_what_they_decide_and_hq_every_stations_form2(
    council, world, client_for
):
    """C11.2, C11.1(1): a routine Form 3 is listed for the chief and the deputy, a non-routine one for the chief
    alone; HQ lists Form 2 of every station and no Form 3; decided and returned rounds are listed by state and by
    fiscal year of submission."""
    staff = world.user("koban_staff")
    routine = actions.report_submit(
        kind=routing.FORM3,
        obj=_meeting_on(council, world, datetime.date(2025, 6, 1), 1),
        routine=True,
        acting_user=staff,
    )
    plain = actions.report_submit(
        kind=routing.FORM3, obj=_meeting_on(council, world, datetime.date(2025, 7, 1), 2), acting_user=staff
    )
    url = reverse("reports:decisions")
    assert _labels(client_for("station_chief").get(url)) == {routine.label, plain.label}
    assert _labels(client_for("deputy").get(url)) == {routine.label}
    assert _labels(client_for("hq_admin").get(url)) == set()

    form2_a = actions.report_submit(kind=routing.FORM2, obj=council, acting_user=world.user("station_chief"))
    council_b = make_council(world, koban=world.koban_b, name="泉中央交番連絡協議会", members=[])
    form2_b = actions.report_submit(kind=routing.FORM2, obj=council_b, acting_user=world.chief_b.user)
    assert _labels(client_for("hq_admin").get(url)) == {form2_a.label, form2_b.label}
    assert _labels(client_for("station_chief").get(url)) == {routine.label, plain.label}

    actions.report_decide(submission=routine, approve=True, acting_user=world.user("deputy"))
    actions.report_decide(submission=plain, approve=False, comment="要修正", acting_user=world.user("station_chief"))
    chief = client_for("station_chief")
    assert _labels(chief.get(url)) == set()
    assert _labels(chief.get(url, {"state": "decided"})) == {routine.label}
    assert _labels(chief.get(url, {"state": "returned"})) == {plain.label}
    assert _labels(client_for("deputy").get(url, {"state": "returned"})) == set()  # not the deputy's to decide
    today = timezone.localdate()
    year = today.year if today.month >= 4 else today.year - 1  # the fiscal year they were submitted in
    assert _labels(chief.get(url, {"state": "decided", "year": str(year)})) == {routine.label}
    assert _labels(chief.get(url, {"state": "decided", "year": str(year - 1)})) == set()
    assert chief.get(url, {"state": "<script>", "year": "99999999999999999999"}).status_code == 200


def test_c11_2_report_list_costs_the_same_with_one_or_many_decided_reports(council, world, client_for):
    """C11.2: the list of decided reports pages in the database with a fixed number of queries."""
    staff, chief = world.user("koban_staff"), world.user("station_chief")
    client = client_for("station_chief")
    url = reverse("reports:decisions")

    def decide_one(number):
        meeting = _meeting_on(council, world, datetime.date(2025, 6, number), number)
        submitted = actions.report_submit(kind=routing.FORM3, obj=meeting, acting_user=staff)
        actions.report_decide(submission=submitted, approve=True, acting_user=chief)

    decide_one(1)
    client.get(url, {"state": "decided"})
    with CaptureQueriesContext(connection) as one:
        client.get(url, {"state": "decided"})
    for number in range(2, 7):
        decide_one(number)
    with CaptureQueriesContext(connection) as many:
        response = client.get(url, {"state": "decided"})
    assert len(response.context["page"].object_list) == 6
    assert len(many) == len(one)


# --- good practice linked to meetings and cases (C11.1(2)) ---------------------------------------------------------


def test_c11_1_2_good_practice_links_the_stations_meetings_and_cases_only(council, world, client_for):
    """C11.1(2): a good-practice report may name the meetings and cases it came from, picked from the reporter's
    station only; the page shows them; another station's meeting is not offered and is refused."""
    from liaison.cases.models import Case
    from liaison.reports.models import GoodPractice

    meeting = _meeting_on(council, world, timezone.localdate() - datetime.timedelta(days=30), 1)
    case = Case.objects.create(
        station=world.station_a,
        koban=world.koban_a,
        received_on=timezone.localdate() - datetime.timedelta(days=30),
        category=Case.Category.TRAFFIC,
        content="通学路にカーブミラーを",
        raised_by_kind=Case.RaisedBy.MEMBER,
        created_by=world.user("koban_chief"),
    )
    council_b = make_council(world, koban=world.koban_b, name="泉中央交番連絡協議会", members=[])
    other = _meeting_on(council_b, world, timezone.localdate() - datetime.timedelta(days=20), 1)
    client = client_for("koban_chief")
    form = client.get(reverse("reports:good_practice_new")).context["form"]
    assert list(form.fields["meetings"].queryset) == [meeting]
    assert list(form.fields["cases"].queryset) == [case]

    data = {"title": "通学路の安全", "occurred_on": "2025-06-01", "text": "…", "meetings": [other.pk]}
    refused = client.post(reverse("reports:good_practice_new"), data)
    assert refused.status_code == 200 and "meetings" in refused.context["form"].errors
    data.update(meetings=[meeting.pk], cases=[case.pk])
    assert client.post(reverse("reports:good_practice_new"), data).status_code == 302
    practice = GoodPractice.objects.get()
    assert list(practice.meetings.all()) == [meeting] and list(practice.cases.all()) == [case]
    page = client_for("hq_admin").get(reverse("reports:good_practice", args=[practice.pk])).content.decode()
    assert reverse("meetings:detail", args=[meeting.pk]) in page and "通学路にカーブミラーを" in page

    with pytest.raises(ValidationError):
        actions.good_practice_update(
            practice=practice,
            title="x",
            text="…",
            occurred_on=datetime.date(2025, 6, 1),
            meetings=[other],
            acting_user=world.user("koban_chief"),
        )
    edit = client.post(
        reverse("reports:good_practice_edit", args=[practice.pk]),
        {"title": "通学路の安全", "occurred_on": "2025-06-01", "text": "…", "meetings": [], "cases": [case.pk]},
    )
    assert edit.status_code == 302
    assert not practice.meetings.exists() and list(practice.cases.all()) == [case]
