"""Issue 11 (X3): the person list exports what it shows, every match, to Excel or CSV; an audited export of
personal data."""

import pytest
from django.urls import reverse

from liaison.audit.models import AuditEntry
from liaison.testing import column_of, export_queries, export_rows, make_person

LIST = reverse("people:list")
pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_x3_person_export_is_the_filtered_list_of_the_own_station(world, client_for, fmt):
    make_person(world.station_a, "佐藤", "一郎", "サトウ", "イチロウ", phone="0120123456")
    make_person(world.station_a, "鈴木", "次郎", "スズキ", "ジロウ")
    make_person(world.station_b, "佐藤", "三郎", "サトウ", "サブロウ")
    rows = export_rows(client_for("community_section").get(LIST, {"format": fmt, "q": "サトウ"}))
    assert column_of(rows, "氏名") == ["佐藤 一郎"]  # not 鈴木 (filter), not 佐藤 三郎 (station B)
    assert column_of(rows, "電話番号") == ["0120-123-456"]
    entry = AuditEntry.objects.get(action="person.list_export")
    assert entry.personal_data and entry.detail["count"] == 1 and entry.detail["filters"] == {"q": "サトウ"}
    assert entry.user == world.user("community_section") and entry.station_id == world.station_a.pk


def test_x3_person_export_is_refused_to_roles_without_the_people_permission(world, client_for):
    make_person(world.station_a)
    assert client_for("section_staff").get(LIST, {"format": "csv"}).status_code == 403
    assert not AuditEntry.objects.filter(action="person.list_export").exists()


def test_x3_person_export_query_count_does_not_grow_with_the_rows(world, client_for):
    client = client_for("community_section")
    make_person(world.station_a)
    one = export_queries(client, LIST, {"format": "xlsx"})
    for i in range(49):
        make_person(world.station_a, given=f"太郎{i}")
    assert export_queries(client, LIST, {"format": "xlsx"}) == one
