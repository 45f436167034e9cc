"""The query planner's statistics: SQLite gets them from the daily refresh (PostgreSQL keeps its own)."""

import io

import pytest
from django.core.management import call_command
from django.db import connection

from liaison.lib.planner import gather_statistics
from liaison.org.models import Station

pytestmark = pytest.mark.django_db


def _tables_with_statistics() -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM sqlite_master WHERE name = 'sqlite_stat1'")
        if not cursor.fetchall():
            return set()
        cursor.execute("SELECT tbl FROM sqlite_stat1")
        return {row[0] for row in cursor.fetchall()}


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite only")
def test_issue8_the_daily_refresh_leaves_sqlite_with_statistics_of_the_tables():
    for n in range(3):
        Station.objects.create(name=f"統計{n}警察署", code=f"ST{n}", order=n)
    if _tables_with_statistics():  # left by an earlier test that committed
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM sqlite_stat1")
    assert "org_station" not in _tables_with_statistics()
    out = io.StringIO()
    call_command("refresh_findings", "--date-driven", stdout=out)
    assert "統計情報を更新しました" in out.getvalue()
    assert "org_station" in _tables_with_statistics()


@pytest.mark.skipif(connection.vendor == "sqlite", reason="PostgreSQL only")
def test_issue8_postgresql_keeps_its_own_statistics():
    out = io.StringIO()
    call_command("refresh_findings", "--date-driven", stdout=out)
    assert "統計情報" not in out.getvalue()
    assert gather_statistics() is False
