"""Writes of what follows a meeting (C8.2, C9.1, C9.2): opinions raised at a meeting (each a case of the shared
cases app, linked to the meeting), problem-solving activities with their interim reports, information members hand
over and its report to the station chief, and the operation staff's contacts with members.

Each action validates, saves, refreshes the stored findings it touches and audits, in one transaction.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from liaison.access.policy import officer_of
from liaison.audit.log import record
from liaison.cases import actions as case_actions
from liaison.cases.models import Case
from liaison.councils.models import Council
from liaison.lib import once
from liaison.lib.dates import require_office_date, today_tokyo
from liaison.lib.versioning import bump_version, save_versioned

from .. import findings_followup
from ..models import Activity, InterimReport, Meeting, MeetingCase, MemberContact, MemberInformation

# Who may raise an opinion at a meeting: those who attended it (C7.4, C8.2).
MEETING_RAISERS = (Case.RaisedBy.MEMBER, Case.RaisedBy.GUEST)


def _not_future(day: datetime.date, message: str) -> None:
    require_office_date(day)
    if day > today_tokyo():
        raise ValidationError(message)


def _meeting_koban(meeting: Meeting, acting_user):
    """The koban a meeting's opinions belong to: the acting officer's, when the council covers it (a council of
    several kobans is run from one of them), otherwise the council's first koban."""
    kobans = list(meeting.council.kobans.order_by("pk"))
    officer = officer_of(acting_user)
    own = [k for k in kobans if officer is not None and k.pk == officer.koban_id]
    return (own or kobans or [None])[0]


@transaction.atomic
def meeting_opinion_add(*, meeting: Meeting, values: dict, acting_user, form_token: str | None = None) -> MeetingCase:
    """Record an opinion or request raised at ``meeting`` with the answer given there: a case of the meeting's station
    and koban, linked to the meeting after the ones already recorded (Form 3 prints them in this order)."""
    claim = once.claim(form_token, acting_user)
    if meeting.status == Meeting.Status.CANCELLED:
        raise ValidationError(_("中止した会議には意見・要望を記録できません。"))
    if values.get("raised_by_kind") not in MEETING_RAISERS:
        raise ValidationError(_("会議の意見・要望の申出者は、委員か委員以外の参加者です。"))
    held_on = timezone.localtime(meeting.starts_at).date()
    if held_on > today_tokyo():
        raise ValidationError(_("意見・要望は、会議の開催後に記録してください。"))
    # The row lock on the meeting serialises two people adding opinions at once, so their order numbers differ.
    meeting = Meeting.objects.select_for_update().select_related("council__station").get(pk=meeting.pk)
    case = case_actions.case_create(
        station=meeting.council.station,
        values={**values, "received_on": held_on, "koban": _meeting_koban(meeting, acting_user)},
        acting_user=acting_user,
    )
    last = meeting.case_links.aggregate(last=Max("order"))["last"]
    link = MeetingCase.objects.create(meeting=meeting, case=case, order=0 if last is None else last + 1)
    record(
        user=acting_user,
        action="meeting.opinion",
        summary=f"{meeting}で出た意見・要望を記録しました（{case}）",
        obj=meeting,
        detail={"case_id": case.pk},
    )
    claim.done(case)
    return link


# --- problem-solving activities (C8.2) ------------------------------------------------------------------------


def _check_cases(council: Council, cases: list[Case]) -> None:
    foreign = [c for c in cases if c.station_id != council.station_id]
    if foreign:
        raise ValidationError(_("関連する意見・要望は、協議会の警察署のものから選んでください。"))


@transaction.atomic
def activity_create(
    *, council: Council, values: dict, cases: list[Case], acting_user, form_token: str | None = None
) -> Activity:
    """Start a problem-solving activity of ``council`` with its plan and the cases it takes up."""
    claim = once.claim(form_token, acting_user)
    _check_cases(council, cases)
    _not_future(values["started_on"], _("開始日に、未来の日付は入力できません。"))
    activity = Activity.objects.create(
        council=council,
        title=values["title"],
        plan=values.get("plan") or "",
        started_on=values["started_on"],
        created_by=acting_user,
    )
    activity.cases.set(cases)
    findings_followup.refresh([activity.pk])
    record(
        user=acting_user,
        action="activity.create",
        summary=f"問題解決活動「{activity.title}」を始めました",
        obj=activity,
    )
    claim.done(activity)
    return activity


@transaction.atomic
def activity_update(*, activity: Activity, values: dict, cases: list[Case], version: int, acting_user) -> Activity:
    """Change an activity's title, plan, start and cases unless someone saved it since ``version`` (StaleEdit)."""
    activity = Activity.objects.select_related("council").get(pk=activity.pk)
    _check_cases(activity.council, cases)
    _not_future(values["started_on"], _("開始日に、未来の日付は入力できません。"))
    activity.title, activity.plan, activity.started_on = values["title"], values.get("plan") or "", values["started_on"]
    save_versioned(activity, version, ["title", "plan", "started_on"])
    activity.cases.set(cases)
    record(
        user=acting_user,
        action="activity.update",
        summary=f"問題解決活動「{activity.title}」を変更しました",
        obj=activity,
    )
    return activity


@transaction.atomic
def interim_report_plan(*, activity: Activity, due_on: datetime.date, note: str, acting_user) -> InterimReport:
    """Plan an interim report (中間連絡) of an open activity to its council, due by ``due_on``."""
    if activity.status != Activity.Status.OPEN:
        raise ValidationError(_("終了した活動には中間連絡を予定できません。"))
    require_office_date(due_on)
    if due_on < activity.started_on:
        raise ValidationError(_("中間連絡の期限を、活動の開始日より前にはできません。"))
    report = InterimReport.objects.create(activity=activity, due_on=due_on, note=note)
    bump_version(Activity.objects.filter(pk=activity.pk))
    findings_followup.refresh([activity.pk])
    record(
        user=acting_user,
        action="activity.interim_plan",
        summary=f"「{activity.title}」の中間連絡を予定しました（期限 {due_on}）",
        obj=activity,
    )
    return report


@transaction.atomic
def interim_report_record(
    *, report: InterimReport, reported_on: datetime.date, meeting: Meeting | None, note: str, acting_user
) -> InterimReport:
    """Record that an interim report was made to the council, at one of its meetings or otherwise."""
    report = InterimReport.objects.select_related("activity__council").get(pk=report.pk)
    _not_future(reported_on, _("連絡日に、未来の日付は入力できません。"))
    if meeting is not None and meeting.council_id != report.activity.council_id:
        raise ValidationError(_("連絡した会議は、この協議会の会議から選んでください。"))
    report.reported_on, report.meeting = reported_on, meeting
    if note:
        report.note = note
    report.save(update_fields=["reported_on", "meeting", "note"])
    bump_version(Activity.objects.filter(pk=report.activity_id))
    findings_followup.refresh([report.activity_id])
    record(
        user=acting_user,
        action="activity.interim_report",
        summary=f"「{report.activity.title}」の中間連絡を協議会に行いました",
        obj=report.activity,
        detail={"interim_report_id": report.pk, "meeting_id": meeting.pk if meeting else None},
    )
    return report


@transaction.atomic
def activity_close(
    *, activity: Activity, closed_on: datetime.date, outcome: str, version: int, acting_user
) -> Activity:
    """Close an activity with its outcome; its interim reports still due are no longer expected."""
    activity = Activity.objects.get(pk=activity.pk)
    if activity.status != Activity.Status.OPEN:
        raise ValidationError(_("この活動はすでに終了しています。"))
    _not_future(closed_on, _("終了日に、未来の日付は入力できません。"))
    if closed_on < activity.started_on:
        raise ValidationError(_("終了日を、開始日より前にはできません。"))
    if not outcome.strip():
        raise ValidationError(_("活動の結果を入力してください。"))
    activity.status, activity.closed_on, activity.outcome = Activity.Status.CLOSED, closed_on, outcome
    save_versioned(activity, version, ["status", "closed_on", "outcome"])
    findings_followup.refresh([activity.pk])
    record(
        user=acting_user,
        action="activity.close",
        summary=f"問題解決活動「{activity.title}」を終了しました",
        obj=activity,
    )
    return activity


# --- information from members (C9.1) and contacts with them (C9.2) -------------------------------------------------


def _check_meeting(council: Council, meeting: Meeting | None) -> None:
    if meeting is not None and meeting.council_id != council.pk:
        raise ValidationError(_("会議は、この協議会の会議から選んでください。"))


@transaction.atomic
def member_information_add(
    *, council: Council, values: dict, upload=None, acting_user, form_token: str | None = None
) -> MemberInformation:
    """C9.1: record information or materials a member handed over, at a meeting or in between."""
    claim = once.claim(form_token, acting_user)
    _check_meeting(council, values.get("meeting"))
    _not_future(values["received_on"], _("受理日に、未来の日付は入力できません。"))
    item = MemberInformation(
        council=council,
        person=values.get("person"),
        received_on=values["received_on"],
        meeting=values.get("meeting"),
        content=values["content"],
        created_by=acting_user,
    )
    if upload is not None:
        item.file.save(upload.name, upload, save=False)
    item.save()
    record(
        user=acting_user,
        action="member_information.add",
        summary=f"{council.name}の委員からの情報を記録しました",
        obj=item,
    )
    claim.done(item)
    return item


@transaction.atomic
def member_information_report(
    *, items: list[MemberInformation], reported_on: datetime.date, acting_user
) -> list[MemberInformation]:
    """C9.1: record that these items were reported to the station chief on ``reported_on``; already reported ones
    keep their first report."""
    _not_future(reported_on, _("報告日に、未来の日付は入力できません。"))
    pending = [i for i in items if i.reported_on is None]
    early = [i for i in pending if reported_on < i.received_on]
    if early:
        raise ValidationError(_("署長への報告日を、情報の受理日より前にはできません。"))
    MemberInformation.objects.filter(pk__in=[i.pk for i in pending], reported_on__isnull=True).update(
        reported_on=reported_on, reported_by=acting_user
    )
    for item in pending:
        item.reported_on, item.reported_by = reported_on, acting_user
        record(
            user=acting_user,
            action="member_information.report",
            summary=f"{item.council.name}の委員からの情報を署長に報告しました",
            obj=item,
        )
    return pending


@transaction.atomic
def member_contact_add(*, council: Council, values: dict, acting_user, form_token: str | None = None) -> MemberContact:
    """C9.2: log a visit or call of the operation staff to a member."""
    claim = once.claim(form_token, acting_user)
    _not_future(values["on"], _("連絡・訪問の日に、未来の日付は入力できません。"))
    officer = values["officer"]
    if officer.station_id != council.station_id:
        raise ValidationError(_("担当者は、協議会の警察署の職員から選んでください。"))
    contact = MemberContact.objects.create(
        council=council,
        person=values["person"],
        on=values["on"],
        kind=values["kind"],
        officer=officer,
        note=values.get("note") or "",
        created_by=acting_user,
    )
    record(
        user=acting_user,
        action="member_contact.add",
        summary=f"{council.name}の委員への連絡・訪問を記録しました",
        obj=contact,
    )
    claim.done(contact)
    return contact
