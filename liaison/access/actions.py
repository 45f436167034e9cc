"""Writes of the access app: the login throttle's counters (rules in ``throttle``, audit through ``signals``)."""

from django.db import transaction
from django.db.models import Case, F, Value, When
from django.utils import timezone

from . import throttle
from .models import LoginThrottle
from .signals import login_throttle_cleared, login_throttled


def _key(scope: str, *, username: str, address: str | None, device_token: str | None) -> str | None:
    return {throttle.ACCOUNT: username, throttle.ADDRESS: address, throttle.DEVICE: device_token}[scope]


@transaction.atomic
def login_failure_record(*, username: str, address: str | None, device_token: str | None, now=None) -> list:
    """Count one failed password against each counter the attempt belongs to (``throttle.scopes_for``); returns the
    counters whose failure started a wait, and sends ``signals.login_throttled`` for each (audited).

    The count is raised by one UPDATE in the database, so simultaneous failures are each counted; the row is created
    first with an insert that ignores a row another request created at the same moment.
    """
    now = now or timezone.now()
    # Counters forgotten by now count nothing: removing them keeps the table as small as the live throttles. Rows
    # another failure holds are skipped (it is moving them on), so two failures never wait on each other here.
    stale = LoginThrottle.objects.select_for_update(skip_locked=True).filter(forget_at__lte=now)
    LoginThrottle.objects.filter(pk__in=list(stale.values_list("pk", flat=True)[:500])).delete()
    started = []
    for scope in throttle.scopes_for(trusted_device=device_token is not None):
        key = _key(scope, username=username, address=address, device_token=device_token)
        if not key:
            continue  # no address known (a request without REMOTE_ADDR): the account's counter still applies
        rule = throttle.RULES[scope]
        LoginThrottle.objects.bulk_create(
            [LoginThrottle(scope=scope, key=key, username=username, forget_at=now)], ignore_conflicts=True
        )
        rows = LoginThrottle.objects.filter(scope=scope, key=key)
        # Failures already forgotten start again from one; otherwise one more.
        rows.update(
            failures=Case(When(forget_at__lte=now, then=Value(1)), default=F("failures") + 1),
            last_failure_at=now,
            username=username,
        )
        row = rows.get()
        row.until = throttle.waits_until(row.failures, now, rule)
        row.forget_at = throttle.forget_at(row.failures, now, rule)
        rows.update(until=row.until, forget_at=row.forget_at)
        if row.until is not None:
            started.append(row)
            login_throttled.send(sender=LoginThrottle, throttle=row)
    return started


@transaction.atomic
def login_success_record(*, username: str, device_token: str | None) -> None:
    """A successful login forgets the failures it makes harmless: its browser's own, or, from a browser that was not
    registered for it, the account's. An account's failures stay when the officer logs in from their own PC, as they
    are someone else's; the address's stay too (one valid login must not wipe a spraying address clean)."""
    if device_token is not None:
        LoginThrottle.objects.filter(scope=throttle.DEVICE, key=device_token).delete()
    else:
        LoginThrottle.objects.filter(scope=throttle.ACCOUNT, key=username).delete()


@transaction.atomic
def login_throttle_clear(*, throttle_row: LoginThrottle, acting_user) -> None:
    """An HQ administrator ends a wait: the counter goes (its failures no longer count); audited."""
    LoginThrottle.objects.filter(pk=throttle_row.pk).delete()
    login_throttle_cleared.send(sender=LoginThrottle, throttle=throttle_row, acting_user=acting_user)
