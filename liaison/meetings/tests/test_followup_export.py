"""Issue 11 (X3): a council's problem-solving activities (C8.2) and the information from members (C9.1), of one
council or of the whole station, export what the list shows to Excel or CSV, every page; audited."""

import datetime

import pytest
from django.urls import reverse

from liaison.audit.models import AuditEntry
from liaison.lib.dates import today_tokyo
from liaison.meetings.actions import followup as actions
from liaison.testing import column_of, export_queries, export_rows, make_council_with_members

TODAY = today_tokyo()
INFORMATION = reverse("meetings:station_information")
pytestmark = pytest.mark.django_db


def _council(world, koban, name=None, count=2):
    user = world.user("community_section") if koban.station == world.station_a else world.user("hq_admin")
    return make_council_with_members(world, koban, acting_user=user, count=count, name=name)[0]


def _information(world, council, content, *, reported=False):
    user = world.user("community_section") if council.station == world.station_a else world.user("hq_admin")
    person = council.memberships.order_by("pk").first().person
    values = {"received_on": TODAY, "content": content, "person": person}
    item = actions.member_information_add(council=council, values=values, acting_user=user)
    if reported:
        actions.member_information_report(items=[item], reported_on=TODAY, acting_user=world.user("deputy"))
    return item


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_c9_1_station_information_export_is_the_filtered_list_of_the_own_station(world, client_for, fmt):
    council = _council(world, world.koban_a)
    _information(world, council, "空き家に不審者")
    _information(world, council, "報告済みの情報", reported=True)
    _information(world, _council(world, world.koban_b), "泉の情報")
    rows = export_rows(client_for("station_chief").get(INFORMATION, {"format": fmt, "reported": "no"}))
    assert column_of(rows, "内容") == ["空き家に不審者"]  # not the reported one, not station B's
    assert column_of(rows, "委員") == ["阿部 和子"] and column_of(rows, "協議会") == ["一番町交番連絡協議会"]
    entry = AuditEntry.objects.get(action="information.list_export")
    assert entry.detail["count"] == 1 and entry.detail["filters"] == {"reported": "no"}
    assert not entry.personal_data and entry.station_id == world.station_a.pk
    rows = export_rows(client_for("station_chief").get(INFORMATION, {"format": fmt, "reported": "yes"}))
    assert column_of(rows, "署長への報告日") != [""] and column_of(rows, "内容") == ["報告済みの情報"]


def test_c9_1_a_councils_information_exports_from_its_own_list(world, client_for):
    council, other = _council(world, world.koban_a), _council(world, world.chuzaisho_a, "作並の会")
    _information(world, council, "一番町の情報")
    _information(world, other, "作並の情報")
    url = reverse("meetings:council_information", args=[council.pk])
    assert column_of(export_rows(client_for("koban_chief").get(url, {"format": "csv"})), "内容") == ["一番町の情報"]
    assert client_for(world.chief_b.user).get(url, {"format": "csv"}).status_code == 404


def test_c9_1_station_information_export_query_count_does_not_grow_with_the_rows(world, client_for):
    client = client_for("station_chief")
    council = _council(world, world.koban_a)
    _information(world, council, "情報0", reported=True)
    one = export_queries(client, INFORMATION, {"format": "xlsx"})
    for i in range(1, 50):
        _information(world, council, f"情報{i}", reported=bool(i % 2))
    assert len(export_rows(client.get(INFORMATION, {"format": "xlsx"}))) == 51
    assert export_queries(client, INFORMATION, {"format": "xlsx"}) == one


def _activity(world, council, title, *, overdue=False):
    user = world.user("community_section")
    started = TODAY - datetime.timedelta(days=30)
    activity = actions.activity_create(
        council=council, values={"title": title, "started_on": started, "plan": "見守り"}, cases=[], acting_user=user
    )
    if overdue:
        due = TODAY - datetime.timedelta(days=10)
        actions.interim_report_plan(activity=activity, due_on=due, note="", acting_user=user)
    return activity


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_c8_2_activity_export_has_each_activity_with_its_findings(world, client_for, fmt):
    council = _council(world, world.koban_a)
    _activity(world, council, "落書き対策", overdue=True)
    _activity(world, council, "通学路の見守り")
    _activity(world, _council(world, world.chuzaisho_a, "作並の会"), "作並の活動")
    url = reverse("meetings:council_activities", args=[council.pk])
    rows = export_rows(client_for("hq_staff").get(url, {"format": fmt}))
    assert sorted(column_of(rows, "件名")) == ["落書き対策", "通学路の見守り"]
    findings = dict(zip(column_of(rows, "件名"), column_of(rows, "確認事項"), strict=True))
    assert "中間連絡" in findings["落書き対策"] and findings["通学路の見守り"] == ""
    entry = AuditEntry.objects.get(action="activity.export")
    assert entry.detail["count"] == 2 and entry.object_id == str(council.pk)
    assert entry.station_id == world.station_a.pk and not entry.personal_data  # the council's chief sees it


def test_c8_2_activity_export_query_count_does_not_grow_with_the_rows(world, client_for):
    client = client_for("community_section")
    council = _council(world, world.koban_a)
    url = reverse("meetings:council_activities", args=[council.pk])
    _activity(world, council, "活動0", overdue=True)
    one = export_queries(client, url, {"format": "csv"})
    for i in range(1, 50):
        _activity(world, council, f"活動{i}", overdue=bool(i % 2))
    rows = export_rows(client.get(url, {"format": "csv"}))
    assert len(rows) == 51 and sum(1 for f in column_of(rows, "確認事項") if f) == 1 + 25
    assert export_queries(client, url, {"format": "csv"}) == one
