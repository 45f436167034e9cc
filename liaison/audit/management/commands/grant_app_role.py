"""``manage.py grant_app_role ROLE``: the grants that let the app run on PostgreSQL under a role that owns nothing.

Run as the owner role (the one that runs migrations), after every ``migrate``; it is idempotent. The app role gets
SELECT/INSERT/UPDATE/DELETE on the app's tables, but on the audit log only SELECT and INSERT (no UPDATE, DELETE or
TRUNCATE) and on the chain head only SELECT and UPDATE (appending moves it on; it can neither be removed nor
re-created). Tables the owner creates later get the ordinary rights by default privileges, and the next run of this
command takes back what the audit tables must not have. Prints the SQL; ``--apply`` runs it.
"""

from django.core.management.base import BaseCommand, CommandError
from django.db import connections, transaction

from liaison.audit.models import AuditChainHead, AuditEntry

ROLE_HELP = "the role the app connects as (created beforehand: CREATE ROLE koban_app LOGIN PASSWORD '…')"


def grants(role: str, owner: str, schema: str, quote) -> list[str]:
    """The statements, in order, for ``role`` on the tables ``owner`` creates in ``schema``."""
    role, owner, schema = quote(role), quote(owner), quote(schema)
    entries, head = quote(AuditEntry._meta.db_table), quote(AuditChainHead._meta.db_table)
    return [
        f"GRANT USAGE ON SCHEMA {schema} TO {role}",
        f"REVOKE CREATE ON SCHEMA {schema} FROM {role}",
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA {schema} TO {role}",
        f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {schema} TO {role}",
        f"REVOKE TRUNCATE, REFERENCES, TRIGGER ON ALL TABLES IN SCHEMA {schema} FROM {role}",
        # The audit log: written once, read, never changed or removed.
        f"REVOKE UPDATE, DELETE ON {entries} FROM {role}",
        # The chain head: locked and moved on by each append (SELECT … FOR UPDATE needs UPDATE), never removed.
        f"REVOKE INSERT, DELETE ON {head} FROM {role}",
        f"ALTER DEFAULT PRIVILEGES FOR ROLE {owner} IN SCHEMA {schema}"
        f" GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {role}",
        f"ALTER DEFAULT PRIVILEGES FOR ROLE {owner} IN SCHEMA {schema} GRANT USAGE, SELECT ON SEQUENCES TO {role}",
    ]


class Command(BaseCommand):
    help = "Print (or with --apply run) the PostgreSQL grants for the app's own role, which owns no table."

    def add_arguments(self, parser):
        parser.add_argument("role", help=ROLE_HELP)
        parser.add_argument("--owner", help="the role that owns the tables and runs migrations (default: the current)")
        parser.add_argument("--apply", action="store_true", help="run the statements instead of printing them")
        parser.add_argument("--database", default="default")

    def handle(self, *, role, owner, apply, database, **options):
        connection = connections[database]
        if connection.vendor != "postgresql":
            raise CommandError("database roles are PostgreSQL's; SQLite has none")
        with connection.cursor() as cursor:
            cursor.execute("SELECT current_user, current_schema()")
            current, schema = cursor.fetchone()
            cursor.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [role])
            if cursor.fetchone() is None:
                raise CommandError(f"role {role} does not exist; create it first ({ROLE_HELP})")
        owner = owner or current
        if role == owner:
            raise CommandError("the app role must not be the owner role")
        statements = grants(role, owner, schema, connection.ops.quote_name)
        if not apply:
            self.stdout.write(";\n".join(statements) + ";")
            return
        with transaction.atomic(using=database), connection.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)
        self.stdout.write(f"granted to {role}: {len(statements)} statements")
