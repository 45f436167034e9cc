"""Issue 11 (X3): the good-practice list (C11.1(2)) exports what it shows, with its filters, every page, to Excel or
CSV, from its own URL and from its older address (the same file); audited."""

import datetime

import pytest
from django.urls import reverse

from liaison.audit.models import AuditEntry
from liaison.reports import actions, routing
from liaison.reports.models import GoodPractice
from liaison.testing import column_of, export_queries, export_rows

LIST, OLD = reverse("reports:good_practice_list"), reverse("reports:good_practice_xlsx")
pytestmark = pytest.mark.django_db


def _practice(world, title, station=None, on=datetime.date(2025, 6, 1)):
    station = station or world.station_a
    user = world.user("deputy") if station == world.station_a else world.chief_b.user
    return GoodPractice.objects.create(station=station, title=title, text="…", occurred_on=on, created_by=user)


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_c11_1_2_good_practice_export_is_the_filtered_list_of_the_own_station(world, client_for, fmt):
    sent = _practice(world, "=見守り活動")
    actions.report_submit(kind=routing.GOOD_PRACTICE, obj=sent, acting_user=world.user("deputy"))
    _practice(world, "前年度の事例", on=datetime.date(2025, 3, 31))
    _practice(world, "泉の事例", station=world.station_b)
    rows = export_rows(client_for("deputy").get(LIST, {"format": fmt, "year": "2025"}))
    assert column_of(rows, "件名") == ["'=見守り活動"]  # not last fiscal year's, not station B's; never a formula
    assert column_of(rows, "本部への報告") == ["決裁待ち"] and column_of(rows, "提出日時") != [""]
    entry = AuditEntry.objects.get(action="good_practice.list_export")
    assert entry.detail["count"] == 1 and entry.detail["filters"] == {"year": "2025"} and not entry.personal_data


def test_c11_1_2_the_older_export_address_gives_the_same_file(world, client_for):
    _practice(world, "見守り活動")
    client = client_for("hq_staff")
    old, new = client.get(OLD, {"year": "2025"}), client.get(LIST, {"year": "2025", "format": "xlsx"})
    assert old["Content-Type"].startswith("application/vnd.openxmlformats")
    rows = export_rows(old)
    assert rows == export_rows(new) and column_of(rows, "本部への報告") == ["未提出"]
    assert AuditEntry.objects.filter(action="good_practice.list_export").count() == 2


def test_c11_1_2_good_practice_export_query_count_does_not_grow_with_the_rows(world, client_for):
    client = client_for("hq_staff")
    _practice(world, "事例0")
    one = export_queries(client, LIST, {"format": "csv"})
    for i in range(1, 50):
        practice = _practice(world, f"事例{i}", station=world.station_b if i % 2 else None)
        if i % 3 == 0:
            actions.report_submit(kind=routing.GOOD_PRACTICE, obj=practice, acting_user=practice.created_by)
    assert len(export_rows(client.get(LIST, {"format": "csv"}))) == 51
    assert export_queries(client, LIST, {"format": "csv"}) == one
