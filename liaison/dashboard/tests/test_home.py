"""The home page lists each role's council work (C3.1, C6.2(1), C6.4(1))."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from liaison.councils import actions
from liaison.councils.models import Notice
from liaison.testing import make_council_with_members

pytestmark = pytest.mark.django_db


def test_c3_1_home_shows_kobans_without_council_and_unconfirmed_managers(world, client_for):
    make_council_with_members(world, world.koban_a, acting_user=world.user("deputy"), count=2)
    page = client_for("station_chief").get("/").content.decode()
    assert "連絡協議会のない交番・駐在所が1か所あります" in page
    assert "運営責任者を指定していない協議会が1件あります" in page


def test_c6_4_1_operation_manager_sees_dismissal_notice(world, client_for):
    from liaison.people.actions import public_office_record

    council, people = make_council_with_members(world, world.koban_a, acting_user=world.user("deputy"), count=3)
    actions.operation_manager_confirm(
        council=council, officer=world.officers["koban_chief"], acting_user=world.user("station_chief")
    )
    public_office_record(
        person=people[1],
        kind="office",
        office="青葉区議会議員",
        start_date=dt.date(2026, 1, 5),
        acting_user=world.user("deputy"),
    )
    client = client_for("koban_chief")
    page = client.get("/").content.decode()
    assert "委員の職を免じました" in page
    notice = Notice.objects.get()
    assert client.get(f"/councils/notices/{notice.pk}/").status_code == 302
    assert "委員の職を免じました" not in client.get("/").content.decode()


def test_c6_2_1_home_counts_terms_ending_soon(world, client_for):
    from liaison.lib.dates import today_tokyo

    start = today_tokyo() - dt.timedelta(days=700)  # two-year terms ending in about a month
    make_council_with_members(world, world.koban_a, acting_user=world.user("deputy"), count=3, start=start)
    page = client_for("koban_chief").get("/").content.decode()
    assert "任期が満了する委員が3人います" in page


def test_c2_home_query_count_does_not_grow_with_councils(world, client_for):
    client = client_for("community_section")
    client.get("/")
    make_council_with_members(world, world.koban_a, acting_user=world.user("deputy"), count=2)
    with CaptureQueriesContext(connection) as one:
        client.get("/")
    make_council_with_members(world, world.chuzaisho_a, acting_user=world.user("deputy"), count=8, name="二")
    with CaptureQueriesContext(connection) as two:
        client.get("/")
    assert len(one.captured_queries) == len(two.captured_queries)


# What each role's home page costs, issue 8: the user comes with their officer record and what the header names
# (one query, was two to four), and a panel with two counts asks them in one query and reads a list only when its
# count is not zero. (Before: 17 / 22 / 21 / 21 / 19 here, 19–24 at prefecture scale.) Issue 13 adds one: the
# header's count of unread notifications, on every page.
HOME_QUERIES = {"hq_admin": 15, "station_chief": 19, "deputy": 18, "community_section": 17, "koban_chief": 16}


@pytest.mark.parametrize("role", HOME_QUERIES)
def test_c2_each_roles_home_page_makes_a_few_queries(world, client_for, role):
    """Issue 8: every panel asks one grouped count, or a list with its count in one query, and the prefecture
    settings are read once; the officer record comes with the user."""
    make_council_with_members(world, world.koban_a, acting_user=world.user("deputy"), count=2)
    client = client_for(role)
    client.get("/")
    with CaptureQueriesContext(connection) as run:
        client.get("/")
    sql = [q["sql"] for q in run.captured_queries]
    assert len(sql) <= HOME_QUERIES[role], "\n".join(sql)
    assert sum("org_prefecturesettings" in s for s in sql) == 1
    assert not [s for s in sql if 'WHERE "org_officer"."user_id" = ' in s]  # read with the user
