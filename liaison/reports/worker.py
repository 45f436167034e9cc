"""Whether a background worker is running, so that a print job never waits in silence.

django-tasks-db records which worker claimed a task, but nothing about workers that are merely alive and idle. So
``manage.py db_worker`` (this app's wrapper of django-tasks-db's command) keeps a ``WorkerHeartbeat`` row fresh
from a small thread while it runs, and deletes it when it stops; a worker killed outright leaves a row that goes
stale. A job page asks ``job_waits_without_worker``.
"""

from __future__ import annotations

import datetime
import logging
import os
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from django.db import DatabaseError, close_old_connections, connections
from django.utils import timezone

from .models import PrintJob, WorkerHeartbeat

logger = logging.getLogger(__name__)

HEARTBEAT_INTERVAL = 10  # seconds between beats
ALIVE_WITHIN = datetime.timedelta(seconds=3 * HEARTBEAT_INTERVAL)  # a missed beat or two is not yet death
QUEUED_TOO_LONG = datetime.timedelta(minutes=1)
FORGET_AFTER = datetime.timedelta(days=1)  # rows of workers that were killed, kept a while for whoever looks


def worker_alive(now: datetime.datetime | None = None) -> bool:
    """True when some worker has beaten within ``ALIVE_WITHIN``."""
    now = now or timezone.now()
    return WorkerHeartbeat.objects.filter(last_seen__gte=now - ALIVE_WITHIN).exists()


def job_waits_without_worker(job: PrintJob, now: datetime.datetime | None = None) -> bool:
    """True when ``job`` has been queued for more than ``QUEUED_TOO_LONG`` and no worker is alive to take it."""
    now = now or timezone.now()
    if job.status != PrintJob.Status.QUEUED or job.created_at > now - QUEUED_TOO_LONG:
        return False
    return not worker_alive(now)


def beat(worker_id: str, started_at: datetime.datetime) -> None:
    """Record that worker ``worker_id`` is alive now (and forget workers silent for a day)."""
    now = timezone.now()
    WorkerHeartbeat.objects.update_or_create(
        worker_id=worker_id,
        defaults={"last_seen": now, "started_at": started_at, "host": socket.gethostname()[:255], "pid": os.getpid()},
    )
    WorkerHeartbeat.objects.filter(last_seen__lt=now - FORGET_AFTER).delete()


@contextmanager
def heartbeat(worker_id: str, interval: float = HEARTBEAT_INTERVAL) -> Iterator[None]:
    """Beat for ``worker_id`` now and every ``interval`` seconds until the block ends, then remove its row.

    The beats come from a thread, so they go on while the worker is busy laying out a long batch.
    """
    started_at = timezone.now()
    beat(worker_id, started_at)
    stop = threading.Event()

    def run() -> None:
        try:
            while not stop.wait(interval):
                try:
                    close_old_connections()
                    beat(worker_id, started_at)
                except DatabaseError:
                    # A busy SQLite file or a database restart: the next beat tries again.
                    logger.warning("worker heartbeat could not be recorded", exc_info=True)
        finally:
            connections.close_all()  # this thread's own connections

    thread = threading.Thread(target=run, name="worker-heartbeat", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join(timeout=5)
        try:
            WorkerHeartbeat.objects.filter(worker_id=worker_id).delete()
        except DatabaseError:
            logger.warning("worker heartbeat could not be removed; it goes stale by itself", exc_info=True)
