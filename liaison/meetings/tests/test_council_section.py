"""The council page lists the council's latest meetings (C7.1, C10.1), registered from the meetings app."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from liaison.meetings.models import Meeting
from liaison.meetings.views.meetings import COUNCIL_SECTION_SHOWN

from .conftest import at

pytestmark = pytest.mark.django_db


def add_meeting(council, world, day: datetime.date, number: int) -> Meeting:
    return Meeting.objects.create(
        council=council,
        kind=Meeting.Kind.REGULAR,
        fiscal_year=2025,
        number=number,
        status=Meeting.Status.HELD,
        starts_at=at(day),
        venue_kind=Meeting.VenueKind.KOBAN,
        venue_name="一番町交番",
        created_by=world.user("koban_chief"),
    )


def test_c7_1_council_page_lists_its_latest_meetings_with_links(council, world, client_for):
    """C7.1, C10.1: the council page shows its meetings newest first (date, kind and number, status), a link to the
    meeting list filtered by the council and, for its operation staff, to 会議を登録."""
    first = add_meeting(council, world, datetime.date(2025, 5, 10), 1)
    url = reverse("councils:detail", args=[council.pk])
    page = client_for("koban_staff").get(url).content.decode()
    assert reverse("meetings:detail", args=[first.pk]) in page and "第1回" in page and "開催済" in page
    assert f"{reverse('meetings:list')}?council={council.pk}" in page
    assert f"{reverse('meetings:create')}?council={council.pk}" in page
    hq_page = client_for("hq_staff").get(url).content.decode()
    assert reverse("meetings:detail", args=[first.pk]) in hq_page
    assert f"{reverse('meetings:create')}?council={council.pk}" not in hq_page  # HQ reads, the station schedules


def test_c10_1_council_meetings_section_costs_the_same_with_one_or_many_meetings(council, world, client_for):
    """C10.1: the section shows the latest few meetings with a fixed number of queries however many there are."""
    client = client_for("community_section")
    url = reverse("councils:detail", args=[council.pk])
    add_meeting(council, world, datetime.date(2025, 5, 1), 1)
    client.get(url)
    with CaptureQueriesContext(connection) as one:
        client.get(url)
    meetings = [add_meeting(council, world, datetime.date(2025, 5, 1 + n), n + 1) for n in range(1, 8)]
    with CaptureQueriesContext(connection) as many:
        page = client.get(url).content.decode()
    assert len(many) == len(one)
    assert reverse("meetings:detail", args=[meetings[-1].pk]) in page  # the newest is shown …
    shown = [m for m in meetings if reverse("meetings:detail", args=[m.pk]) in page]
    assert len(shown) == COUNCIL_SECTION_SHOWN and "この協議会の会議をすべて見る" in page  # … and a link to the rest


@pytest.mark.parametrize("role", ["hq_admin", "station_chief", "koban_chief"])
def test_c7_1_home_lists_the_next_two_weeks_meetings_soonest_first(council, world, client_for, role):
    """The home page's meetings of the next two weeks: how many, and the first few soonest first, for HQ (counted
    apart from the rows it shows) as for a station or koban."""
    from liaison.lib.dates import today_tokyo
    from liaison.meetings.panels import SHOWN

    today = today_tokyo()
    meetings = []
    for n, days in enumerate([13, 2, 9, 1, 5, 11, 7], start=1):
        meeting = add_meeting(council, world, today + datetime.timedelta(days=days), n)
        meeting.status = Meeting.Status.PLANNED
        meeting.save()
        meetings.append((days, meeting))
    add_meeting(council, world, today + datetime.timedelta(days=15), 99)  # held, and beyond the two weeks
    page = client_for(role).get("/")
    html = page.content.decode()
    assert "2週間以内の会議が7件あります" in html
    soonest = [m for _d, m in sorted(meetings, key=lambda pair: pair[0])][:SHOWN]
    links = [reverse("meetings:detail", args=[m.pk]) for m in soonest]
    positions = [html.index(f'href="{link}"') for link in links]
    assert positions == sorted(positions)
    later = [m for _d, m in sorted(meetings, key=lambda pair: pair[0])][SHOWN:]
    assert all(f'href="{reverse("meetings:detail", args=[m.pk])}"' not in html for m in later)
