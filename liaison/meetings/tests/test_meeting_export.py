"""Issue 11 (X3): the meeting list exports what it shows (filters, every page, the user's station only) to Excel or
CSV, audited; the number of queries does not grow with the rows."""

import datetime

import pytest
from django.urls import reverse

from liaison.audit.models import AuditEntry
from liaison.meetings.actions import meetings as actions
from liaison.testing import column_of, export_queries, export_rows, make_council_with_members

from .conftest import values

D = datetime.date
LIST = reverse("meetings:list")
pytestmark = pytest.mark.django_db


def _schedule(council, world, day, user="koban_chief", **kw):
    user = world.user(user) if isinstance(user, str) else user
    return actions.meeting_schedule(council=council, values=values(day, **kw), acting_user=user)


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_x3_meeting_export_is_the_filtered_list(world, council, client_for, fmt):
    _schedule(council, world, D(2026, 5, 20))
    _schedule(council, world, D(2026, 6, 20), kind="ad_hoc", trigger="連続発生")
    other, _people = make_council_with_members(world, world.koban_b, acting_user=world.chief_b.user, count=1)
    _schedule(other, world, D(2026, 5, 21), user=world.chief_b.user)
    rows = export_rows(client_for("community_section").get(LIST, {"format": fmt, "kind": "regular"}))
    assert column_of(rows, "協議会") == [council.name]  # not the ad hoc meeting, not station B's
    assert len(rows) == 2
    entry = AuditEntry.objects.get(action="meeting.export")
    assert entry.detail["count"] == 1 and entry.detail["filters"] == {"kind": "regular"}


def test_x3_meeting_export_query_count_does_not_grow_with_the_rows(world, council, client_for):
    client = client_for("community_section")
    _schedule(council, world, D(2026, 4, 1), kind="ad_hoc", trigger="連続発生")
    one = export_queries(client, LIST, {"format": "csv"})
    for i in range(1, 50):
        _schedule(council, world, D(2026, 4, 1) + datetime.timedelta(days=i * 3), kind="ad_hoc", trigger="連続発生")
    assert len(export_rows(client.get(LIST, {"format": "csv"}))) == 51
    assert export_queries(client, LIST, {"format": "csv"}) == one
