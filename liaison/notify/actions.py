"""Writes to notifications: keeping them equal to each officer's to-do list, sending the digest, marking them read."""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from liaison.findings import todo
from liaison.org.models import Officer

from .models import DigestPreference, Notification

MAIL_ITEMS = 100  # items listed in one e-mail; the rest are counted and left to the notifications page


def officers_to_notify():
    """Active officers who can log in: those who have a to-do list."""
    return Officer.objects.filter(active=True, user__is_active=True).select_related("user")


def notifications_sync(officers: Iterable[Officer], now: datetime.datetime | None = None) -> dict[str, int]:
    """Make the officers' notifications equal to their to-do items: new keys inserted, items that disappeared marked
    resolved, items that came back opened again (unread, not e-mailed), changed texts rewritten.

    Safe to run twice and concurrently: a key is inserted once per officer (the unique constraint, conflicts
    ignored). The items cost each programme's fixed number of queries per officer, read before the write
    transaction (on SQLite a write transaction holds the one writer's lock); the writes are one read and at most
    four bulk queries for the whole batch. An item that changes in between is caught by the next run."""
    now = now or timezone.now()
    officers = list(officers)
    with translation.override(settings.LANGUAGE_CODE):  # texts are kept in the site's language, as mailed
        current = {officer.pk: {item.key: item for item in todo.items_for(officer)} for officer in officers}
    return _write(officers, current, now)


@transaction.atomic
def _write(officers: list[Officer], current: dict, now: datetime.datetime) -> dict[str, int]:
    existing = Notification.objects.filter(officer__in=[o.pk for o in officers]).values_list(
        "pk", "officer_id", "key", "text", "url", "resolved_at"
    )
    seen: dict[int, set[str]] = {o.pk: set() for o in officers}
    resolved, reopened, changed = [], [], []
    for pk, officer_id, key, text, url, resolved_at in existing:
        seen[officer_id].add(key)
        item = current[officer_id].get(key)
        if item is None:
            if resolved_at is None:
                resolved.append(pk)
            continue
        if resolved_at is not None:
            reopened.append(pk)
        if (item.text, item.url) != (text, url):
            changed.append(Notification(pk=pk, text=item.text, url=item.url))
    new = [
        Notification(officer_id=officer_id, key=key, text=item.text, url=item.url, created_at=now)
        for officer_id, items in current.items()
        for key, item in items.items()
        if key not in seen[officer_id]
    ]
    if new:
        Notification.objects.bulk_create(new, ignore_conflicts=True)
    if resolved:
        Notification.objects.filter(pk__in=resolved).update(resolved_at=now)
    if reopened:
        Notification.objects.filter(pk__in=reopened).update(
            resolved_at=None, read_at=None, emailed_at=None, created_at=now
        )
    if changed:
        Notification.objects.bulk_update(changed, ["text", "url"])
    return {"new": len(new), "resolved": len(resolved), "reopened": len(reopened)}


def unsent():
    """Notifications the digest still has to send: not e-mailed, not resolved, not read on screen already."""
    return Notification.objects.filter(emailed_at__isnull=True, resolved_at__isnull=True, read_at__isnull=True)


def wants_email(officer_ids: Iterable[int]) -> set[int]:
    """Of these officers, those who did not turn the digest e-mail off (no row means on). One query."""
    ids = set(officer_ids)
    off = set(DigestPreference.objects.filter(officer__in=ids, email=False).values_list("officer_id", flat=True))
    return ids - off


def digest_message(officer: Officer, notifications: list[Notification]) -> EmailMessage:
    """The digest e-mail of these notifications, in Japanese, with absolute links."""
    site = settings.SITE_URL.rstrip("/")
    with translation.override(settings.LANGUAGE_CODE):
        shown = notifications[:MAIL_ITEMS]
        subject = _("【交番連絡協議会】新しいお知らせ %(count)s件") % {"count": len(notifications)}
        body = render_to_string(
            "notify/digest.txt",
            {
                "officer": officer,
                "items": [(n.text, f"{site}{n.url}" if n.url else "") for n in shown],
                "more": len(notifications) - len(shown),
                "page": site + reverse("notify:list"),
            },
        )
    return EmailMessage(subject=subject, body=body, to=[officer.user.email])


@transaction.atomic
def digest_send(officer_id: int, now: datetime.datetime | None = None) -> int:
    """Send the officer one e-mail of their unsent notifications and mark them e-mailed; returns how many.

    Nothing to send (none unsent, e-mail off, no address, not active any more) sends nothing. The rows are locked
    while the mail goes out, so two runs for the same officer send each item once; a mail that fails rolls the
    marks back, and the items wait for the next attempt. A crash after the server took the mail and before the commit
    sends those items again next time: at least once, never silently lost."""
    officer = officers_to_notify().filter(pk=officer_id).first()
    if officer is None or not officer.user.email or officer.pk not in wants_email([officer.pk]):
        return 0
    pending = list(unsent().select_for_update().filter(officer=officer).order_by("created_at", "pk"))
    if not pending:
        return 0
    digest_message(officer, pending).send()
    Notification.objects.filter(pk__in=[n.pk for n in pending]).update(emailed_at=now or timezone.now())
    return len(pending)


def notifications_mark_read(*, officer: Officer, ids: Iterable[int] | None = None) -> int:
    """Mark the officer's unread notifications read: those of ``ids``, or all when None. Only the officer's own."""
    rows = Notification.objects.filter(officer=officer, read_at__isnull=True)
    if ids is not None:
        rows = rows.filter(pk__in=list(ids))
    return rows.update(read_at=timezone.now())


def digest_preference_set(*, officer: Officer, email: bool) -> DigestPreference:
    """Turn the officer's daily digest e-mail on or off (the notifications page keeps the items either way)."""
    preference, _created = DigestPreference.objects.update_or_create(officer=officer, defaults={"email": email})
    return preference
