"""Issue 11 (X2, X3): the audit list exports what it shows to whoever may read it (HQ every entry, a station's
chief and deputy their station's), with its filters, every page; the export is itself audited."""

import pytest
from django.urls import reverse

from liaison.audit.log import record, record_export
from liaison.audit.models import AuditEntry
from liaison.testing import column_of, export_queries, export_rows

LIST = reverse("audit:list")
pytestmark = pytest.mark.django_db


def _entries(world):
    record(user=world.user("community_section"), action="t.write", summary="青葉の届出", station=world.station_a)
    record_export(user=world.user("deputy"), action="t.export", summary="青葉の名簿", station=world.station_a)
    record(user=world.chief_b.user, action="t.write", summary="泉の届出", station=world.station_b)


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_x2_audit_export_is_the_filtered_list_and_is_itself_audited(world, client_for, fmt):
    _entries(world)
    rows = export_rows(client_for("hq_admin").get(LIST, {"format": fmt, "personal": "1"}))
    assert column_of(rows, "内容") == ["青葉の名簿"] and column_of(rows, "個人情報") == ["個人情報"]
    rows = export_rows(client_for("hq_admin").get(LIST, {"format": fmt, "q": "届出"}))
    assert column_of(rows, "内容") == ["泉の届出", "青葉の届出"]  # newest first, every station
    assert column_of(rows, "警察署") == ["泉警察署", "青葉警察署"]
    entry = AuditEntry.objects.filter(action="audit.list_export").latest("pk")
    assert entry.kind == AuditEntry.Kind.EXPORT and entry.user == world.user("hq_admin")
    assert entry.detail["count"] == 2 and entry.detail["filters"] == {"q": "届出"} and not entry.personal_data


def test_x2_audit_export_of_a_station_chief_is_the_own_station_s(world, client_for):
    _entries(world)
    rows = export_rows(client_for("station_chief").get(LIST, {"format": "csv", "q": "届出"}))
    assert column_of(rows, "内容") == ["青葉の届出"]
    assert client_for("community_section").get(LIST, {"format": "csv"}).status_code == 403


def test_x2_audit_export_of_an_unreadable_date_is_the_screen_with_its_reason(world, client_for):
    response = client_for("hq_admin").get(LIST, {"format": "csv", "date_from": "きのう"})
    assert response.status_code == 200 and response["Content-Type"].startswith("text/html")
    assert not AuditEntry.objects.filter(action="audit.list_export").exists()


def test_x2_audit_export_query_count_does_not_grow_with_the_rows(world, client_for):
    client = client_for("hq_admin")
    one = export_queries(client, LIST, {"format": "xlsx", "q": "届出"})
    for i in range(50):
        station = world.station_a if i % 2 else world.station_b
        record(user=world.user("deputy"), action="t.write", summary=f"届出{i}", station=station)
    assert len(export_rows(client.get(LIST, {"format": "xlsx", "q": "届出"}))) == 51
    assert export_queries(client, LIST, {"format": "xlsx", "q": "届出"}) == one
