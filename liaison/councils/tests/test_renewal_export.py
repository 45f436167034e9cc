"""Issue 11 (X3): the renewal workbench (C6.2(1)) exports the terms it shows, for its period, every page, only of
councils the user works on; audited (names and posts only: not an export of personal data)."""

import datetime as dt

import pytest
from django.urls import reverse

from liaison.audit.models import AuditEntry
from liaison.testing import column_of, export_queries, export_rows, make_council_with_members

LIST = reverse("councils:renewals")
PERIOD = {"from": "2026-11-01", "to": "2026-12-31"}
pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_c6_2_1_renewal_export_is_the_period_of_the_own_station(world, client_for, fmt):
    ending = dt.date(2024, 12, 1)  # two-year terms: they end on 30 November 2026
    make_council_with_members(world, world.koban_a, acting_user=world.user("deputy"), count=2, start=ending)
    make_council_with_members(
        world, world.chuzaisho_a, acting_user=world.user("deputy"), count=1, start=dt.date(2025, 4, 1), name="後の会"
    )
    make_council_with_members(world, world.koban_b, acting_user=world.user("hq_admin"), count=1, start=ending)
    rows = export_rows(client_for("community_section").get(LIST, {**PERIOD, "format": fmt}))
    assert column_of(rows, "氏名") == ["阿部 和子", "伊藤 誠"]  # not 後の会 (ends later), not station B's member
    assert column_of(rows, "役職") == ["会長", "副会長"]
    assert column_of(rows, "協議会") == ["一番町交番連絡協議会"] * 2
    assert "生年月日" not in rows[0] and "電話番号" not in rows[0]
    entry = AuditEntry.objects.get(action="council.renewals_export")
    assert entry.detail["count"] == 2 and entry.detail["filters"] == PERIOD
    assert entry.summary.endswith("（2人）") and not entry.personal_data


def test_c6_2_1_renewal_export_of_an_unreadable_period_is_the_screen_with_its_reason(world, client_for):
    response = client_for("community_section").get(LIST, {"from": "あした", "format": "csv"})
    assert response.status_code == 200 and response["Content-Type"].startswith("text/html")
    assert not AuditEntry.objects.filter(action="council.renewals_export").exists()


def test_c6_2_1_renewal_export_query_count_does_not_grow_with_the_rows(world, client_for):
    client = client_for("community_section")
    start = dt.date(2024, 12, 1)
    make_council_with_members(world, world.koban_a, acting_user=world.user("deputy"), count=1, start=start)
    one = export_queries(client, LIST, {**PERIOD, "format": "xlsx"})
    for i in range(5):
        make_council_with_members(
            world, world.chuzaisho_a, acting_user=world.user("deputy"), count=10, start=start, name=f"会{i}"
        )
    assert len(export_rows(client.get(LIST, {**PERIOD, "format": "xlsx"}))) == 52
    assert export_queries(client, LIST, {**PERIOD, "format": "xlsx"}) == one
