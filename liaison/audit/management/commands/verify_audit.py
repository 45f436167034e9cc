"""``manage.py verify_audit``: checks the audit hash chain; prints OK and the count, or the first break (exit 1)."""

from django.core.management.base import BaseCommand, CommandError

from liaison.audit.verify import verify_chain


class Command(BaseCommand):
    help = "Walk the audit log's hash chain and report the first rewritten, missing or truncated entry."

    def handle(self, **options):
        verdict = verify_chain()
        if not verdict.ok:
            raise CommandError(f"audit chain BROKEN ({verdict.first_break.kind}): {verdict.first_break.message}")
        self.stdout.write(f"audit chain OK: {verdict.count} entries")
