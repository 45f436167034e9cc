"""Sending safety information by e-mail in the background (N3.2): django-tasks, database backend, Django's SMTP
backend, each recipient's outcome recorded on their delivery.

Nothing is lost: a delivery stays QUEUED until its mail has been handed to the SMTP server, so a worker that stops
half-way leaves rows that the next run (a resend) picks up. Each row is claimed with a conditional update of its
attempt count, so two runs never send one mail twice. A temporary failure (no connection, a 4xx answer) is retried
a few times with a growing pause; a permanent refusal (a 5xx answer) is FAILED at once, with the server's words, and
shown on the distribution page for a resend.
"""

from __future__ import annotations

import smtplib
import time

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db.models import F
from django.utils import timezone
from django.utils.translation import override
from django_tasks import task

from liaison.lib.wareki import to_wareki

from .models import Delivery, Distribution, SafetyInfo

# Pauses before the second and later attempts of one mail (seconds); after the last, the delivery is FAILED.
RETRY_PAUSES = (2.0, 8.0)
SMTP_BACKEND = "django.core.mail.backends.smtp.EmailBackend"


class PermanentFailure(Exception):
    """The server refused the mail for good (5xx): trying again now would not help."""


def mail_subject(item: SafetyInfo) -> str:
    return f"【地域安全情報】{item.title}"


def mail_body(item: SafetyInfo, distribution: Distribution, name: str) -> str:
    """The mail's text, in Japanese whatever the screen language of whoever queued it."""
    with override(settings.LANGUAGE_CODE):
        lines = [f"{name} 様", "", f"{distribution.station.name}から地域安全情報をお知らせします。", ""]
        lines += [f"■ {item.title}", ""]
        lines += [item.body, ""]
        if item.area:
            lines.append(f"対象地域：{item.area}")
        lines.append(f"発信日：{to_wareki(item.published_on)}")
        if item.valid_until:
            lines.append(f"掲載期限：{to_wareki(item.valid_until)}")
        lines += ["", "このメールは送信専用です。ご不明な点は担当の警察官にお尋ねください。"]
        return "\n".join(lines)


def _error_text(exc: Exception) -> str:
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        parts = [
            f"{code} {msg.decode(errors='replace') if isinstance(msg, bytes) else msg}"
            for code, msg in exc.recipients.values()
        ]
        return "; ".join(parts)[:300]
    if isinstance(exc, smtplib.SMTPResponseException):
        message = exc.smtp_error.decode(errors="replace") if isinstance(exc.smtp_error, bytes) else exc.smtp_error
        return f"{exc.smtp_code} {message}"[:300]
    return f"{type(exc).__name__}: {exc}"[:300]


def _permanent(exc: Exception) -> bool:
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return all(code >= 500 for code, _msg in exc.recipients.values())
    if isinstance(exc, smtplib.SMTPResponseException):
        return exc.smtp_code >= 500
    return False


def _send(message: EmailMessage) -> None:
    connection = get_connection(SMTP_BACKEND, fail_silently=False)
    try:
        connection.send_messages([message])
    finally:
        connection.close()


def send_one(delivery: Delivery, pauses: tuple[float, ...] | None = None) -> bool:
    """Send one delivery's mail with retries; record SENT or FAILED with the error. False when another run had
    already claimed it."""
    pauses = RETRY_PAUSES if pauses is None else pauses
    claimed = Delivery.objects.filter(pk=delivery.pk, status=Delivery.Status.QUEUED, attempts=delivery.attempts).update(
        attempts=F("attempts") + 1
    )
    if not claimed:
        return False
    distribution = delivery.distribution
    item = distribution.item
    message = EmailMessage(
        subject=mail_subject(item),
        body=mail_body(item, distribution, delivery.contact.person.full_name),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[delivery.email],
    )
    error = ""
    for attempt in range(len(pauses) + 1):
        if attempt:
            time.sleep(pauses[attempt - 1])
            Delivery.objects.filter(pk=delivery.pk).update(attempts=F("attempts") + 1)
        try:
            _send(message)
        except (smtplib.SMTPException, OSError) as exc:
            error = _error_text(exc)
            if _permanent(exc):
                break
        else:
            Delivery.objects.filter(pk=delivery.pk).update(
                status=Delivery.Status.SENT, last_error="", done_at=timezone.now()
            )
            return True
    Delivery.objects.filter(pk=delivery.pk).update(status=Delivery.Status.FAILED, last_error=error)
    return True


@task()
def send_distribution_mail(distribution_id: int) -> None:
    """Send every QUEUED delivery of an e-mail distribution, one by one."""
    queued = (
        Delivery.objects.filter(
            distribution_id=distribution_id,
            distribution__method=Distribution.Method.EMAIL,
            status=Delivery.Status.QUEUED,
        )
        .select_related("distribution__item", "distribution__station", "contact__person")
        .order_by("pk")
    )
    for delivery in list(queued):
        send_one(delivery)
