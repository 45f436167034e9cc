"""Settings read from the environment: SQLite runs in WAL mode with IMMEDIATE transactions and a busy timeout."""

import pytest
from django.conf import settings
from django.db.backends.sqlite3.base import DatabaseWrapper

import config.settings as configured


def test_sqlite_uses_wal_immediate_transactions_and_busy_timeout(tmp_path, django_db_blocker):
    if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.sqlite3":
        pytest.skip("the suite runs on PostgreSQL in this pass; the SQLite pass checks this")
    db = {**configured.DATABASES["default"], "NAME": str(tmp_path / "wal.sqlite3")}
    wrapper = DatabaseWrapper({**settings.DATABASES["default"], **db}, alias="wal_check")
    with django_db_blocker.unblock():
        _check(wrapper)


def _check(wrapper):
    try:
        with wrapper.cursor() as cursor:
            cursor.execute("PRAGMA journal_mode")
            assert cursor.fetchone()[0] == "wal"
            cursor.execute("PRAGMA busy_timeout")
            assert cursor.fetchone()[0] >= 5000
        assert wrapper.transaction_mode == "IMMEDIATE"
    finally:
        wrapper.close()


def test_japanese_defaults():
    assert settings.LANGUAGE_CODE == "ja" and settings.TIME_ZONE == "Asia/Tokyo" and settings.USE_TZ
    assert settings.LANGUAGES == [("ja", "日本語"), ("en", "English")]
