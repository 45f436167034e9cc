"""``manage.py flush`` that leaves an empty, valid audit chain behind.

Flushing is the deliberate wipe of the whole database by whoever runs manage.py (the test runner does it between
transactional tests). It removes the chain head with everything else, so a new head is created at once: appending
needs one, and ``verify_audit`` reports a missing head as tampering. On SQLite the flush is a DELETE of every table,
which the audit trigger refuses, so the trigger is lifted and put back in the same transaction as the flush.
PostgreSQL flushes with TRUNCATE, which the row triggers do not see; the app's own database role may not TRUNCATE the
audit table (README, "Deploying").
"""

from django.core.management.commands import flush
from django.db import connections, transaction

from liaison.audit.chain import GENESIS
from liaison.audit.models import AuditChainHead

NO_DELETE = (
    "CREATE TRIGGER audit_entry_no_delete BEFORE DELETE ON audit_auditentry"
    " BEGIN SELECT RAISE(ABORT, 'audit entries cannot be deleted'); END"
)


class Command(flush.Command):
    def handle(self, **options):
        connection = connections[options["database"]]
        with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
            had_trigger = False
            if connection.vendor == "sqlite":
                cursor.execute("SELECT 1 FROM sqlite_master WHERE type = 'trigger' AND name = 'audit_entry_no_delete'")
                had_trigger = cursor.fetchone() is not None
                cursor.execute("DROP TRIGGER IF EXISTS audit_entry_no_delete")
            super().handle(**options)
            if had_trigger:
                cursor.execute(NO_DELETE)
            if AuditChainHead._meta.db_table in connection.introspection.table_names(cursor):
                AuditChainHead.objects.using(connection.alias).get_or_create(pk=1, defaults={"last_hash": GENESIS})
