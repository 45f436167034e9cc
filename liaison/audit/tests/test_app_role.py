"""X2 (issue 12): on PostgreSQL the app runs under a role that owns nothing and may only read and add audit entries;
``manage.py grant_app_role`` sets it up (README, "Deploying"). Runs in bin/test with TEST_DB=postgres (and so in CI)."""

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from liaison.audit.log import record
from liaison.audit.models import AuditEntry

ROLE = "koban_app_role_test"
pytestmark = [
    pytest.mark.skipif("connection.vendor != 'postgresql'", reason="database roles are PostgreSQL's"),
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture
def app_role():
    """A login role with the app's grants, and a connection made as it; all removed afterwards."""
    import psycopg

    def as_owner(*statements):
        with connection.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)

    as_owner(f"DROP OWNED BY {ROLE}" if _role_exists() else "SELECT 1", f"DROP ROLE IF EXISTS {ROLE}")
    as_owner(f"CREATE ROLE {ROLE} LOGIN PASSWORD 'app-role-test'")
    call_command("grant_app_role", ROLE, "--apply", verbosity=0)
    params = connection.get_connection_params()
    params.update(user=ROLE, password="app-role-test")
    params.pop("cursor_factory", None)
    params.pop("context", None)
    app = psycopg.connect(**params, autocommit=True)
    try:
        yield app
    finally:
        app.close()
        as_owner(f"DROP OWNED BY {ROLE}", f"DROP ROLE {ROLE}")


def _role_exists() -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [ROLE])
        return cursor.fetchone() is not None


def _refused(app, sql, params=()):
    import psycopg

    with pytest.raises(psycopg.errors.InsufficientPrivilege):
        app.execute(sql, params)


def test_x2_the_app_role_adds_audit_entries_but_cannot_change_delete_or_truncate_them(world, app_role):
    entry = record(user=world.user("station_chief"), action="test.write", summary="元の内容")
    app = app_role

    # What appending does, as the app role: lock the head, insert the entry, move the head on.
    with app.transaction():
        count, last_hash = app.execute(
            "SELECT count, last_hash FROM audit_auditchainhead WHERE id = 1 FOR UPDATE"
        ).fetchone()
        app.execute(
            "INSERT INTO audit_auditentry (at, user_label, kind, action, summary, object_type, object_id, object_label,"
            " personal_data, detail, seq, previous_hash, hash) VALUES (now(), 'app', 'write', 'test.app_role', 'x',"
            " '', '', '', false, '{}', %s, %s, %s)",
            [count + 1, last_hash, "f" * 64],
        )
        app.execute("UPDATE audit_auditchainhead SET count = count + 1, last_hash = %s WHERE id = 1", ["f" * 64])
    assert AuditEntry.objects.filter(action="test.app_role").exists()

    _refused(app, "UPDATE audit_auditentry SET summary = '改ざん' WHERE id = %s", [entry.pk])
    _refused(app, "DELETE FROM audit_auditentry WHERE id = %s", [entry.pk])
    _refused(app, "TRUNCATE audit_auditentry")
    _refused(app, "DELETE FROM audit_auditchainhead")
    _refused(app, "INSERT INTO audit_auditchainhead (id, count, last_hash) VALUES (2, 0, '')")
    _refused(app, "DROP TRIGGER audit_entry_no_update ON audit_auditentry")  # only the owner may
    _refused(app, "CREATE TABLE app_role_scratch (id int)")
    assert AuditEntry.objects.get(pk=entry.pk).summary == "元の内容"

    # An ordinary app table is written as usual, and the role owns nothing.
    station = world.station_a
    app.execute("UPDATE org_station SET name = %s WHERE id = %s", ["青葉警察署（改称）", station.pk])
    station.refresh_from_db()
    assert station.name == "青葉警察署（改称）"
    app.execute("DELETE FROM access_loginthrottle")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_class c JOIN pg_roles r ON r.oid = c.relowner WHERE r.rolname = %s", [ROLE]
        )
        assert cursor.fetchone()[0] == 0


def test_x2_tables_the_owner_creates_later_are_open_to_the_app_role(app_role):
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE later_table (id serial PRIMARY KEY, note text)")
    try:
        app_role.execute("INSERT INTO later_table (note) VALUES ('ok')")
        app_role.execute("DELETE FROM later_table")
    finally:
        with connection.cursor() as cursor:
            cursor.execute("DROP TABLE later_table")


def test_x2_the_grants_are_printed_without_apply(app_role, capsys):
    call_command("grant_app_role", ROLE)
    printed = capsys.readouterr().out
    assert f'GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA "public" TO "{ROLE}"' in printed
    assert f'REVOKE UPDATE, DELETE ON "audit_auditentry" FROM "{ROLE}"' in printed
    with pytest.raises(CommandError):
        call_command("grant_app_role", "no_such_role_here")
