"""``manage.py db_worker``: django-tasks-db's background worker, which also records a heartbeat while it runs.

The print-job pages use the heartbeat to say plainly when no worker is running (see ``liaison.reports.worker``).
The options are django-tasks-db's, and ``--nice``: the worker lowers its own CPU priority (by 10 unless told
otherwise) so that, on a machine it shares with the web server, pages are answered first while a batch of letters
renders; the batch takes the time the pages leave. This command takes the place of django-tasks-db's own because
``liaison.reports`` comes before ``django_tasks_db`` in ``INSTALLED_APPS``.
"""

import os

from django.utils.autoreload import DJANGO_AUTORELOAD_ENV
from django_tasks_db.management.commands.db_worker import Command as DatabaseWorkerCommand

from liaison.reports.worker import heartbeat

WORKER_NICENESS = 10


class Command(DatabaseWorkerCommand):
    help = "Run the background worker (batch printing and other tasks), recording a heartbeat while it runs."

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument(
            "--nice",
            type=int,
            default=WORKER_NICENESS,
            help="How much to lower the worker's CPU priority (0 keeps it; default: %(default)s).",
        )

    def handle(self, *args, **options):
        if options["nice"] > 0:
            os.nice(options["nice"])
        batch = options["batch"]
        reloader_parent = options["reload"] and not batch and os.environ.get(DJANGO_AUTORELOAD_ENV) != "true"
        if batch or reloader_parent:
            # A batch run drains the queue and exits; with --reload the parent only restarts its child, which runs
            # the worker and beats. Neither is a standing worker that a queued job can count on.
            return super().handle(*args, **options)
        with heartbeat(options["worker_id"]):
            return super().handle(*args, **options)
