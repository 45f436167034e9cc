"""The digest e-mail, sent by the background worker (django-tasks, database backend).

django-tasks has no retry of its own (a task that raises is marked failed), so the task retries the mail server
itself: ``DIGEST_SEND_ATTEMPTS`` attempts, ``DIGEST_RETRY_SECONDS`` apart (growing). When every attempt fails the
task fails, the items stay unsent, and the next run of ``send_digest`` queues them again.
"""

import smtplib
import time

from django.conf import settings
from django_tasks import task

from . import actions


@task()
def send_digest_mail(officer_id: int) -> int:
    """Send one officer's digest; returns the number of items it listed (0 when there was nothing to send)."""
    attempts = max(1, settings.DIGEST_SEND_ATTEMPTS)
    for attempt in range(1, attempts + 1):
        try:
            return actions.digest_send(officer_id)
        except (smtplib.SMTPException, OSError):  # refused, disconnected, not reachable: worth another try
            if attempt == attempts:
                raise
            time.sleep(settings.DIGEST_RETRY_SECONDS * attempt)
    return 0
