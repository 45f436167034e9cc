"""Form 3 (別記様式第3号 連絡協議会開催結果報告書, C11.2) is built from the meeting record alone, in the circular's order."""

import datetime
import re
from zoneinfo import ZoneInfo

import pytest

from liaison.cases.models import Case
from liaison.councils.models import Membership
from liaison.meetings.models import Attendance, Guest, Meeting, MeetingCase, PoliceAttendee
from liaison.reports.form3 import meeting_report_context, meeting_report_pdf

from .conftest import poppler

pytestmark = pytest.mark.django_db

TOKYO = ZoneInfo("Asia/Tokyo")


def compact(text: str) -> str:
    return re.sub(r"\s+", "", text)


def make_meeting(council, world, *, kind=Meeting.Kind.REGULAR, number=2, opinions=2, remarks="次回は十月に開催"):
    meeting = Meeting.objects.create(
        council=council,
        kind=kind,
        fiscal_year=2025,
        number=number if kind == Meeting.Kind.REGULAR else None,
        status=Meeting.Status.HELD,
        starts_at=datetime.datetime(2025, 6, 12, 19, 0, tzinfo=TOKYO),
        ends_at=datetime.datetime(2025, 6, 12, 20, 30, tzinfo=TOKYO),
        venue_kind=Meeting.VenueKind.COMMUNITY_HALL,
        venue_name="一番町公民館",
        remarks=remarks,
        created_by=world.user("koban_chief"),
    )
    for membership in Membership.objects.filter(council=council).order_by("pk")[:6]:
        Attendance.objects.create(meeting=meeting, membership=membership)
    Guest.objects.create(meeting=meeting, name="小学校の校長", affiliation="一番町小学校", reason="通学路の安全")
    classes = [
        (world.officers["station_chief"], PoliceAttendee.ExecutiveClass.OTHER_EXECUTIVE),
        (world.officers["community_section"], PoliceAttendee.ExecutiveClass.COMMUNITY),
        (world.officers["koban_staff"], PoliceAttendee.ExecutiveClass.OTHER),
    ]
    for officer, executive_class in classes:
        PoliceAttendee.objects.create(meeting=meeting, officer=officer, executive_class=executive_class)
    for i in range(opinions):
        case = Case.objects.create(
            station=council.station,
            koban=world.koban_a,
            received_on=datetime.date(2025, 6, 12),
            category=Case.Category.TRAFFIC,
            content=f"意見{i + 1}：通学路の見通しが悪い交差点{i + 1}にカーブミラーを設置してほしい。",
            raised_by_kind=Case.RaisedBy.MEMBER,
            answer=f"回答{i + 1}：道路管理者に伝え、設置を要望します。",
            created_by=world.user("koban_chief"),
        )
        MeetingCase.objects.create(meeting=meeting, case=case, order=i)
    return meeting


def test_c11_2_form3_prints_every_field_of_the_meeting_in_the_circulars_order(council, world, tmp_path):
    """C11.2: addressee, date, koban, rank and name, then 所管区名 … 備考, as in 別記様式第3号, with the figures of the
    attendance record (six members; three officers of whom one 地域幹部 and one その他の幹部)."""
    meeting = make_meeting(council, world)
    reporter = world.officers["koban_chief"]
    pdf = meeting_report_pdf(meeting, reporter=reporter, report_date=datetime.date(2025, 6, 13))
    text = compact(poppler("pdftotext", pdf, tmp_path, "-raw"))  # in the order written
    expected_in_order = [
        "青葉警察署長殿",
        "令和7年6月13日",
        "交番・駐在所一番町交番",
        "階級警部補",
        f"氏名{reporter.full_name.replace(' ', '').replace('　', '')}",
        "連絡協議会開催結果報告書",
        "所管区名一番町地区",
        "協議会名一番町交番連絡協議会",
        "開催日時令和7年6月12日19時00分～20時30分",
        "開催場所一番町公民館",
        "参加委員数6人",
        "参加警察官数3人",
        "地域幹部1人",
        "その他の幹部1人",
        "定期会議（2回目）",
        "臨時会議",
        "開催状況",
        "意見・要望",
        "回答",
        "意見1：",
        "回答1：",
        "意見2：",
        "回答2：",
        "備考次回は十月に開催",
    ]
    position = 0
    for item in expected_in_order:
        found = text.find(item, position)
        assert found >= 0, f"{item!r} not found after position {position}: {text}"
        position = found + len(item)


def test_c11_2_form3_is_a4_with_the_mincho_font_embedded(council, world, tmp_path):
    """C11.2 / X5: A4 portrait, and the Japanese font travels with the file."""
    pdf = meeting_report_pdf(make_meeting(council, world), reporter=world.officers["koban_chief"])
    info = poppler("pdfinfo", pdf, tmp_path)
    assert re.search(r"Page size:\s+595\.\d+ x 841\.\d+ pts \(A4\)", info), info
    assert re.search(r"Pages:\s+1\n", info), info
    fonts = poppler("pdffonts", pdf, tmp_path).splitlines()[2:]
    assert fonts and all(line.split()[-5] == "yes" for line in fonts), fonts  # the "emb" column
    assert any("IPAex" in line for line in fonts), fonts


def test_c11_2_many_opinions_run_onto_a_continuation_page_with_the_heads_repeated(council, world, tmp_path):
    """C11.2: opinions that do not fit on one page continue on the next, the 意見・要望 / 回答 heads repeated."""
    meeting = make_meeting(council, world, opinions=14)
    pdf = meeting_report_pdf(meeting, reporter=world.officers["koban_chief"])
    assert re.search(r"Pages:\s+2\n", poppler("pdfinfo", pdf, tmp_path))
    second = compact(poppler("pdftotext", pdf, tmp_path, "-f", "2", "-l", "2"))
    assert "意見・要望" in second and "回答" in second and "意見14：" in second
    first = compact(poppler("pdftotext", pdf, tmp_path, "-f", "1", "-l", "1"))
    assert "意見1：" in first and "意見14：" not in first


def test_c11_2_an_ad_hoc_meeting_is_marked_as_such_and_the_counts_equal_the_attendance(council, world):
    """C7.1 / C11.2: the kind printed follows the record; the executive counts are those of the attendance record."""
    meeting = make_meeting(council, world, kind=Meeting.Kind.AD_HOC, opinions=0)
    context = meeting_report_context(meeting, reporter=world.officers["koban_staff"])
    assert context["regular"] is False and context["number"] == ""
    assert context["members"] == meeting.attendances.count() == 6
    assert context["officers"] == meeting.police_attendees.count() == 3
    assert (context["community_executives"], context["other_executives"]) == (1, 1)
    assert context["opinions"] == []
    assert context["koban"] == "一番町交番" and context["rank"] == "巡査"


def test_c11_2_form3_download_is_audited_and_another_station_gets_404(council, world, client_for):
    """C11.2 / X2: the station prints Form 3 of its meeting (audited as an export); station B does not find it."""
    from django.urls import reverse

    from liaison.audit.models import AuditEntry

    meeting = make_meeting(council, world)
    url = reverse("reports:meeting_report", kwargs={"pk": meeting.pk})
    response = client_for("koban_staff").get(url)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    entry = AuditEntry.objects.get(action="form3.print")
    assert entry.kind == AuditEntry.Kind.EXPORT and entry.user == world.user("koban_staff")
    assert client_for(world.chief_b.user).get(url).status_code == 404
