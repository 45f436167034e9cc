"""X2: every write and every personal-data view/export leaves an append-only audit entry."""

import pytest
from django.db import DatabaseError, connection, transaction

from liaison.audit.log import record, record_export
from liaison.audit.models import AuditEntry

pytestmark = pytest.mark.django_db


def test_x2_entry_records_who_what_where(world, client_for):
    client = client_for("hq_admin")
    client.get("/", REMOTE_ADDR="10.1.2.3")  # the request context sets the address for entries written during it
    entry = record(user=world.user("station_chief"), action="test.write", summary="変更しました", obj=world.koban_a)
    assert entry.user_label.startswith("佐藤 一郎")
    assert entry.station_id == world.station_a.pk  # found through the object's station
    assert entry.object_type == "org.Koban" and entry.object_id == str(world.koban_a.pk)


def test_x2_entries_cannot_be_changed_or_deleted_through_the_app(world):
    entry = record_export(user=world.user("station_chief"), action="test.export", summary="出力しました")
    entry.summary = "書き換え"
    with pytest.raises(PermissionError):
        entry.save()
    with pytest.raises(PermissionError):
        entry.delete()
    with pytest.raises(PermissionError):
        AuditEntry.objects.filter(pk=entry.pk).update(summary="書き換え")
    with pytest.raises(PermissionError):
        AuditEntry.objects.all().delete()
    assert AuditEntry.objects.get(pk=entry.pk).summary == "出力しました"


def test_x2_database_refuses_update_even_in_raw_sql(world):
    entry = record(user=world.user("station_chief"), action="test.write", summary="元の内容")
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditentry SET summary = %s WHERE id = %s", ["改ざん", entry.pk])
    assert AuditEntry.objects.get(pk=entry.pk).summary == "元の内容"


def test_x2_login_and_failed_login_are_audited(world, client):
    from liaison.testing import PASSWORD

    client.post("/accounts/login/", {"username": "station_chief", "password": "wrong"}, REMOTE_ADDR="10.0.0.9")
    failed = AuditEntry.objects.get(action="auth.failed")
    assert "station_chief" in failed.summary and failed.ip_address == "10.0.0.9"
    client.post("/accounts/login/", {"username": "station_chief", "password": PASSWORD})
    assert AuditEntry.objects.filter(action="auth.login", user=world.user("station_chief")).exists()


def test_x2_station_chief_sees_own_station_hq_admin_sees_all(world, client_for):
    record(user=world.user("station_chief"), action="a", summary="青葉の記録", station=world.station_a)
    record(user=world.chief_b.user, action="b", summary="泉の記録", station=world.station_b)
    page = client_for("station_chief").get("/audit/").content.decode()
    assert "青葉の記録" in page and "泉の記録" not in page
    page = client_for("hq_admin").get("/audit/").content.decode()
    assert "青葉の記録" in page and "泉の記録" in page
    page = client_for("hq_admin").get("/audit/", {"station": world.station_b.pk}).content.decode()
    assert "青葉の記録" not in page and "泉の記録" in page


def test_x2_audit_filters_by_kind_and_date(world, client_for):
    record(user=world.user("station_chief"), action="a", summary="変更の記録", station=world.station_a)
    record_export(user=world.user("station_chief"), action="e", summary="出力の記録", station=world.station_a)
    page = client_for("hq_admin").get("/audit/", {"personal": "1"}).content.decode()
    assert "出力の記録" in page and "変更の記録" not in page
    page = client_for("hq_admin").get("/audit/", {"date_from": "２０９９年１月１日"}).content.decode()
    assert "出力の記録" not in page
    page = client_for("hq_admin").get("/audit/", {"date_from": "あした"}).content.decode()
    assert "日付は" in page  # a clear Japanese error, the list still shown
