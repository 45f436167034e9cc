"""The time of an entry is set before its hash is computed; every entry now has its number, unique (two writers can never take the same place in the chain); and SQLite
refuses DELETE of an audit entry too, as PostgreSQL already does (``manage.py flush``, the deliberate wipe used by the
test runner, lifts the trigger for its own length: see the audit app's ``flush`` command).

SQLite rebuilds the table to change the column, which drops its triggers, so both are created after the rebuild (and
the UPDATE one again after the rebuild of a reverse migration).
"""

import django.utils.timezone
from django.db import migrations, models

SQLITE_NO_UPDATE = """
CREATE TRIGGER IF NOT EXISTS audit_entry_no_update BEFORE UPDATE ON audit_auditentry
BEGIN SELECT RAISE(ABORT, 'audit entries cannot be changed'); END;
"""
SQLITE_NO_DELETE = """
CREATE TRIGGER IF NOT EXISTS audit_entry_no_delete BEFORE DELETE ON audit_auditentry
BEGIN SELECT RAISE(ABORT, 'audit entries cannot be deleted'); END;
"""


def refuse_update_and_delete(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(SQLITE_NO_UPDATE)
        schema_editor.execute(SQLITE_NO_DELETE)


def allow_delete(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute("DROP TRIGGER IF EXISTS audit_entry_no_delete;")


def refuse_update(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(SQLITE_NO_UPDATE)


class Migration(migrations.Migration):
    dependencies = [("audit", "0004_chain_existing_entries")]
    operations = [
        # Runs only backwards, after the reverse rebuild below.
        migrations.RunPython(migrations.RunPython.noop, refuse_update),
        migrations.AlterField(
            model_name="auditentry",
            name="at",
            field=models.DateTimeField(
                db_index=True, default=django.utils.timezone.now, editable=False, verbose_name="日時"
            ),
        ),
        migrations.AlterField(
            model_name="auditentry",
            name="seq",
            field=models.PositiveBigIntegerField(unique=True, verbose_name="通し番号"),
        ),
        migrations.RunPython(refuse_update_and_delete, allow_delete),
    ]
