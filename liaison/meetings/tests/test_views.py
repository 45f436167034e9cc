"""The meetings' screens: list (C10.1) with constant queries, scheduling through the form with the election check
(C10.3) and holidays, attendance preview (C7.4, C10.2), materials (C10.5), export, calendar and iCalendar feed."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from liaison.audit.models import AuditEntry
from liaison.meetings.actions import meetings as actions
from liaison.meetings.models import CalendarFeed, Meeting
from liaison.testing import make_council_with_members

from .conftest import values

D = datetime.date
pytestmark = pytest.mark.django_db


def _schedule(council, world, day, **kw):
    return actions.meeting_schedule(council=council, values=values(day, **kw), acting_user=world.user("koban_chief"))


def _post_data(council, day="2026-05-20", **extra):
    data = {
        "council": council.pk,
        "kind": "regular",
        "date": day,
        "start_time": "19:00",
        "end_time": "20:30",
        "venue_kind": "community_hall",
        "venue_name": "一番町公民館",
        "themes": ["koban_activity", "situation"],
    }
    data.update(extra)
    return data


def test_c7_1_c8_1_a_koban_chief_schedules_a_meeting_of_their_council(world, council, client_for):
    client = client_for("koban_chief")
    response = client.post(reverse("meetings:create"), _post_data(council))
    meeting = Meeting.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("meetings:detail", args=[meeting.pk])
    assert (meeting.number, meeting.venue_kind, meeting.themes) == (
        1,
        "community_hall",
        ["koban_activity", "situation"],
    )
    page = client.get(reverse("meetings:detail", args=[meeting.pk])).content.decode()
    assert "第1回" in page and "一番町公民館" in page and "犯罪・事故の発生状況" in page


def test_koban_roles_may_not_schedule_for_another_kobans_council(world, client_for):
    other, _ = make_council_with_members(world, world.chuzaisho_a, acting_user=world.user("community_section"), count=2)
    response = client_for("koban_chief").post(reverse("meetings:create"), _post_data(other))
    assert response.status_code == 200 and not Meeting.objects.exists()  # not one of the choices
    assert client_for("community_section").post(reverse("meetings:create"), _post_data(other)).status_code == 302


def test_c10_3_the_form_refuses_a_date_in_an_election_period_until_a_reason_is_given(world, council, client_for):
    actions.election_period_create(
        values={
            "name": "市長選挙",
            "starts_on": D(2026, 7, 1),
            "ends_on": D(2026, 7, 10),
            "municipalities": ["仙台市青葉区"],
        },
        station=world.station_a,
        acting_user=world.user("community_section"),
    )
    client = client_for("koban_chief")
    refused = client.post(reverse("meetings:create"), _post_data(council, day="2026-07-05"))
    assert refused.status_code == 200 and "市長選挙" in refused.content.decode() and not Meeting.objects.exists()
    accepted = client.post(
        reverse("meetings:create"), _post_data(council, day="2026-07-05", election_override_reason="緊急の防犯対策")
    )
    assert accepted.status_code == 302
    page = client.get(accepted["Location"]).content.decode()
    assert "市長選挙" in page and "緊急の防犯対策" in page


def test_c10_3_a_holiday_is_shown_beside_the_date(world, client_for):
    client = client_for("koban_chief")
    page = client.get(reverse("meetings:holiday"), {"date": "2026-05-05"}, HTTP_HX_REQUEST="true").content.decode()
    assert "こどもの日" in page
    assert "祝日" not in client.get(reverse("meetings:holiday"), {"date": "2026-05-07"}).content.decode()


def test_c7_4_c10_2_attendance_preview_shows_the_counts_without_saving(world, council, client_for):
    meeting = _schedule(council, world, D(2026, 5, 20))
    client = client_for("koban_chief")
    url = reverse("meetings:attendance", args=[meeting.pk])
    members = list(council.memberships.values_list("pk", flat=True)[:6])
    data = {
        "members": members,
        "officers": [world.officers["koban_chief"].pk, world.officers["community_section"].pk],
        "guest-TOTAL_FORMS": "3",
        "guest-INITIAL_FORMS": "0",
        "guest-0-name": "PTA会長",
        "guest-0-affiliation": "一番町小PTA",
        "guest-0-reason": "通学路の安全",
        "preview": "1",
    }
    preview = client.post(url, data, HTTP_HX_REQUEST="true").content.decode()
    assert "参加委員数 6人、委員以外 1人、参加警察官数 2人" in preview
    assert not meeting.attendances.exists()
    del data["preview"]
    assert client.post(url, data).status_code == 302
    assert meeting.attendances.count() == 6 and meeting.guests.get().name == "PTA会長"
    assert meeting.police_attendees.count() == 2


def test_c7_4_every_guest_input_on_the_attendance_form_has_its_own_label(world, council, client_for):
    """The guest table's column headings do not name its inputs for a screen reader: each input is labelled."""
    meeting = _schedule(council, world, D(2026, 5, 20))
    page = client_for("koban_chief").get(reverse("meetings:attendance", args=[meeting.pk])).content.decode()
    for row in range(3):
        for field, label in (("name", "氏名"), ("affiliation", "所属"), ("reason", "参加の理由")):
            assert (
                f'<label class="visually-hidden" for="id_guest-{row}-{field}">{label}（{row + 1}人目）</label>' in page
            )


def test_c10_5_materials_upload_limits_and_reuse(world, council, client_for, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    first = _schedule(council, world, D(2026, 5, 20))
    second = _schedule(council, world, D(2026, 9, 20))
    client = client_for("koban_chief")
    refused = client.post(
        reverse("meetings:materials", args=[first.pk]), {"file": SimpleUploadedFile("tool.exe", b"MZ")}
    )
    assert "この種類のファイルは添付できません" in refused.content.decode() and not first.materials.exists()
    ok = client.post(
        reverse("meetings:materials", args=[first.pk]),
        {"title": "犯罪発生状況", "file": SimpleUploadedFile("stats.pdf", b"%PDF-1.7\n")},
    )
    assert ok.status_code == 302
    material = first.materials.get()
    page = client.get(reverse("meetings:materials", args=[second.pk])).content.decode()
    assert "犯罪発生状況" in page  # offered again for the next meeting
    client.post(reverse("meetings:materials", args=[second.pk]), {"reuse": [material.pk]})
    assert list(second.materials.all()) == [material]
    download = client.get(reverse("meetings:material_download", args=[material.pk]))
    assert download.status_code == 200 and b"".join(download.streaming_content) == b"%PDF-1.7\n"


def _list_queries(client, **params):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(reverse("meetings:list"), params)
    assert response.status_code == 200
    return len(ctx.captured_queries), response.content.decode()


def test_c10_1_the_community_section_sees_every_councils_meetings_with_constant_queries(world, council, client_for):
    other, _ = make_council_with_members(world, world.chuzaisho_a, acting_user=world.user("community_section"), count=2)
    _schedule(council, world, D(2026, 5, 20))
    actions.meeting_schedule(council=other, values=values(D(2026, 6, 1)), acting_user=world.user("community_section"))
    client = client_for("community_section")
    _list_queries(client)  # the first request of a session reads what later ones keep
    few, page = _list_queries(client)
    assert council.name in page and other.name in page
    for i in range(30):
        _schedule(council, world, D(2026, 4, 1) + datetime.timedelta(days=i * 7), kind="ad_hoc", trigger="連続発生")
    many, page = _list_queries(client)
    assert many == few
    _count, filtered = _list_queries(client, council=other.pk, year="2026", kind="regular", status="planned")
    assert other.name in filtered and "一番町交番連絡協議会</td>" not in filtered
    # The koban filter and a hostile id answer as lists, never as errors.
    assert _list_queries(client, koban=world.koban_a.pk)[1]
    assert _list_queries(client, koban="99999999999999999999999")[1]


def test_the_list_exports_to_excel_and_the_export_is_audited(world, council, client_for):
    _schedule(council, world, D(2026, 5, 20))
    response = client_for("community_section").get(reverse("meetings:list"), {"format": "xlsx"})
    assert response.status_code == 200 and response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert AuditEntry.objects.filter(action="meeting.export").exists()


def test_the_calendar_shows_the_month_with_holidays(world, council, client_for):
    _schedule(council, world, D(2026, 5, 20))
    page = client_for("deputy").get(reverse("meetings:calendar"), {"month": "2026-05"}).content.decode()
    assert "憲法記念日" in page and council.name in page
    assert client_for("deputy").get(reverse("meetings:calendar"), {"month": "9999-99"}).status_code == 200


def test_the_ical_feed_lists_the_officers_work_and_stops_when_renewed(world, council, client_for, client):
    other, _ = make_council_with_members(world, world.chuzaisho_a, acting_user=world.user("community_section"), count=1)
    mine = _schedule(council, world, D(2099, 5, 20))
    actions.meeting_schedule(council=other, values=values(D(2099, 6, 1)), acting_user=world.user("community_section"))
    chief = client_for("koban_chief")
    page = chief.post(reverse("meetings:calendar_feed"), {"renew": "1"}).content.decode()
    url = page.split('readonly value="', 1)[1].split('"', 1)[0]
    assert "/meetings/feed/" in url
    token = url.rsplit("/", 1)[1].removesuffix(".ics")
    feed = CalendarFeed.objects.get(officer=world.officers["koban_chief"])
    assert token not in feed.token_hash  # only a hash is kept
    body = client.get(reverse("meetings:ical", kwargs={"token": token})).content.decode()
    assert body.startswith("BEGIN:VCALENDAR\r\n") and f"UID:meeting-{mine.pk}@" in body
    assert other.name not in body  # only the councils of the officer's own koban
    assert AuditEntry.objects.filter(action="calendar_feed.renew").exists()
    chief.post(reverse("meetings:calendar_feed"), {"renew": "1"})
    assert client.get(reverse("meetings:ical", kwargs={"token": token})).status_code == 404
    assert client.get(reverse("meetings:ical", kwargs={"token": "x" * 43})).status_code == 404


def test_the_ical_feed_is_rate_limited(world, client_for, client):
    from django.core.cache import cache

    cache.clear()
    token = actions.calendar_feed_renew(officer=world.officers["koban_staff"], acting_user=world.user("koban_staff"))
    url = reverse("meetings:ical", kwargs={"token": token})
    statuses = [client.get(url).status_code for _ in range(32)]
    assert statuses[:30] == [200] * 30 and statuses[-1] == 429
    cache.clear()
    # X2 (issue 12): the throttle is audited once a minute, naming whose feed it is and not its address.
    throttled = AuditEntry.objects.get(action="auth.throttled")
    assert throttled.detail == {"officer": world.officers["koban_staff"].pk}
    assert throttled.station_id == world.station_a.pk and token not in f"{throttled.summary} {throttled.detail}"
