"""別記様式第3号 連絡協議会開催結果報告書 (C11.2): built entirely from the meeting record, field for field in the
order of the circular, so that nothing on it is typed twice.

The participants' figures come from the attendance (members ticked, officers with the executive class decided when
they were recorded); the 開催状況 are the opinions and requests raised at the meeting beside the answers given, in the
order they were recorded; they run onto continuation pages, the column heads repeated, when they do not fit.
"""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

from liaison.lib.dates import today_tokyo
from liaison.lib.wareki import to_wareki
from liaison.meetings.models import Meeting, PoliceAttendee
from liaison.org.models import Officer

from . import routing
from .documents import in_official_language, station_chief_title
from .models import Submission
from .pdf import render_pdf

MEETING_REPORT_TEMPLATE = "reports/meeting_report.html"
TOKYO = ZoneInfo("Asia/Tokyo")


def _time(moment: datetime.datetime) -> str:
    local = moment.astimezone(TOKYO)
    return f"{local.hour}時{local.minute:02d}分"


def held_at(meeting: Meeting) -> str:
    """「令和7年5月20日 19時00分～20時30分」 in Japan's time, the era date as on every form."""
    start = meeting.starts_at.astimezone(TOKYO)
    text = f"{to_wareki(start.date())} {_time(start)}"
    if meeting.ends_at:
        text += f"～{_time(meeting.ends_at)}"
    return text


def meeting_report_queryset():
    """Meetings with what Form 3 reads joined in (a fixed number of queries per report)."""
    return Meeting.objects.select_related("council__station").prefetch_related(
        "council__kobans", "police_attendees", "case_links__case"
    )


def meeting_report_context(
    meeting: Meeting, *, reporter: Officer | None, report_date: datetime.date | None = None
) -> dict:
    """Template context for Form 3. ``reporter`` is the operation staff member who reports (the submitter); the
    report is dated ``report_date`` (today when not given)."""
    council = meeting.council
    kobans = list(council.kobans.all())
    officers = list(meeting.police_attendees.all())
    classes = [o.executive_class for o in officers]
    reporter_koban = reporter.koban if reporter and reporter.koban_id else (kobans[0] if kobans else None)
    return {
        "meeting": meeting,
        "addressee": station_chief_title(council.station),
        "date": to_wareki(report_date or today_tokyo()),
        "koban": reporter_koban.name if reporter_koban else "",
        "rank": reporter.get_rank_display() if reporter else "",
        "reporter": reporter.full_name if reporter else "",
        "jurisdiction": "、".join(dict.fromkeys(k.jurisdiction_name for k in kobans if k.jurisdiction_name)),
        "council_name": council.name,
        "held_at": held_at(meeting),
        "venue": meeting.venue_name,
        "members": meeting.attendances.count(),
        "officers": len(officers),
        "community_executives": classes.count(PoliceAttendee.ExecutiveClass.COMMUNITY),
        "other_executives": classes.count(PoliceAttendee.ExecutiveClass.OTHER_EXECUTIVE),
        "regular": meeting.kind == Meeting.Kind.REGULAR,
        "number": meeting.number or "",
        "opinions": [{"content": link.case.content, "answer": link.case.answer} for link in meeting.case_links.all()],
        "remarks": meeting.remarks,
    }


def report_round(meeting: Meeting) -> Submission | None:
    """The current (or last) round of the meeting's Form 3 routing, or None before anything was submitted."""
    return (
        Submission.objects.filter(kind=routing.FORM3.code, object_id=meeting.pk, latest=True)
        .select_related("submitted_by__officer__koban")
        .first()
    )


def reporter_of(meeting: Meeting, *, fallback: Officer | None) -> Officer | None:
    """Who Form 3 names as its reporter: the submitter of the current (or last) round of its routing (C11.2); before
    anything was submitted, ``fallback`` (the officer printing a draft)."""
    latest = report_round(meeting)
    if latest is None:
        return fallback
    return getattr(latest.submitted_by, "officer", None) or fallback


def report_date_of(meeting: Meeting) -> datetime.date | None:
    """The date Form 3 bears: the day it was submitted (in Japan), or None (today) for a draft."""
    latest = report_round(meeting)
    return latest.submitted_at.astimezone(TOKYO).date() if latest else None


@in_official_language
def meeting_report_pdf(
    meeting: Meeting, *, reporter: Officer | None, report_date: datetime.date | None = None
) -> bytes:
    """C11.2: Form 3 for one meeting as an A4 PDF with the Mincho font embedded."""
    return render_pdf(
        MEETING_REPORT_TEMPLATE, meeting_report_context(meeting, reporter=reporter, report_date=report_date)
    )
