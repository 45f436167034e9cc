"""``manage.py send_digest``: bring every officer's notifications up to date and queue their digest e-mails.

Run it daily (cron or a systemd timer, README "Deployment"), after ``refresh_findings --date-driven``. Idempotent:
a second run the same day finds no new items and queues nothing that is not still unsent. Resumable: officers are
taken in batches, each committed; stopped half-way, the next run does the rest, and what was sent stays sent.
The mail itself goes out through the background worker (``manage.py db_worker``), which retries the mail server.
"""

from django.core.management.base import BaseCommand
from django_tasks_db.models import DBTaskResult

from liaison.notify import actions
from liaison.notify.tasks import send_digest_mail

BATCH = 100  # officers per transaction


def _queued_officers() -> set[int]:
    """Officers whose digest is already queued and not yet run: not queued twice. One query."""
    rows = DBTaskResult.objects.ready().filter(task_path=send_digest_mail.module_path).values_list("args_kwargs")
    return {args["args"][0] for (args,) in rows if args.get("args")}


class Command(BaseCommand):
    help = "Update each officer's notifications from their to-do list and queue the daily digest e-mails."

    def add_arguments(self, parser):
        parser.add_argument("--batch", type=int, default=BATCH, help="officers per transaction")
        parser.add_argument("--no-mail", action="store_true", help="update the notifications only")

    def handle(self, *args, batch: int, no_mail: bool, **options):
        officers = actions.officers_to_notify().order_by("pk")
        totals = {"new": 0, "resolved": 0, "reopened": 0}
        last = 0
        while True:
            chunk = list(officers.filter(pk__gt=last)[:batch])
            if not chunk:
                break
            for name, count in actions.notifications_sync(chunk).items():
                totals[name] += count
            last = chunk[-1].pk
        queued = 0
        if not no_mail:
            queued = self._queue()
        self.stdout.write(
            f"notifications: {totals['new']} new, {totals['resolved']} resolved, {totals['reopened']} back; "
            f"digests queued: {queued}"
        )

    def _queue(self) -> int:
        """One task per officer with unsent items, e-mail on and an address, unless one is already waiting."""
        with_items = set(
            actions.unsent()
            .filter(officer__active=True, officer__user__is_active=True)
            .exclude(officer__user__email="")
            .values_list("officer_id", flat=True)
            .distinct()
        )
        ids = sorted(actions.wants_email(with_items) - _queued_officers())
        for officer_id in ids:  # the notifications are committed batch by batch above: the worker sees them
            send_digest_mail.enqueue(officer_id)
        return len(ids)
