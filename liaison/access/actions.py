"""Writes of the access app: the login throttle's counters (rules in ``throttle``) and the second factor of the
officers' own accounts (ASVS 5.0 V6).

Access sits below the audit app, so each action sends a signal from ``signals.py`` that the audit app records, in the
same transaction as the change.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Case, F, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from . import signals, throttle
from .models import LoginThrottle
from .second_factor import RECOVERY_CODE_COUNT, TOTP_DIGITS, is_totp_code, normalise_code, throttled_until
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


@transaction.atomic
def second_factor_enrol(*, user, key_hex: str, code: str) -> tuple[TOTPDevice, list[str]]:
    """Confirm the key shown at enrolment with a current code from the app: the key becomes the user's TOTP device
    (replacing an earlier one) and ten new recovery codes are made and returned. A wrong code raises ValidationError
    and changes nothing. The code that confirmed the key cannot be used again to log in."""
    code = normalise_code(code)
    device = TOTPDevice(user=user, name="TOTP", key=key_hex, digits=TOTP_DIGITS, confirmed=False)
    device.save()
    # verify_token keeps last_t, so the same code is refused at the next login.
    if not (is_totp_code(code) and device.verify_token(code)):
        raise ValidationError(_("確認コードが正しくありません。アプリに表示されている最新の6桁を入力してください。"))
    TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    codes = _new_recovery_codes(user)
    signals.second_factor_enrolled.send(sender=TOTPDevice, user=user)
    return device, codes


@transaction.atomic
def recovery_codes_renew(*, user) -> list[str]:
    """Ten new recovery codes for the user, returned to be shown once; the old ones stop working."""
    codes = _new_recovery_codes(user)
    signals.recovery_codes_made.send(sender=StaticDevice, user=user)
    return codes


def _new_recovery_codes(user) -> list[str]:
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name="recovery", confirmed=True)
    codes: set[str] = set()
    while len(codes) < RECOVERY_CODE_COUNT:
        codes.add(StaticToken.random_token())
    StaticToken.objects.bulk_create([StaticToken(device=device, token=c) for c in sorted(codes)])
    return sorted(codes)


def second_factor_remove(*, user) -> int:
    """Remove the user's second-factor devices and recovery codes (they enrol again at their next login); returns
    how many devices went. Not audited here: the caller records who removed whose (``org.actions``)."""
    removed = 0
    for model in (TOTPDevice, StaticDevice):
        removed += model.objects.filter(user=user).delete()[1].get(model._meta.label, 0)
    return removed


@dataclass(frozen=True)
class CodeCheck:
    """What became of one typed code: the device that accepted it, or the time until which tries are refused."""

    device: Device | None = None
    throttled_until: datetime.datetime | None = None


def second_factor_check(*, user, code: str) -> CodeCheck:
    """Check a code typed at login: six digits against the TOTP app (a code used once is refused after), anything
    else as a recovery code (used up when accepted). After a wrong code the next try waits 1, 2, 4 … seconds; a try
    within the wait is refused unchecked, even with the right code. Every outcome is audited.

    Not one atomic block that a refusal would roll back: the failure count must stay written."""
    code = normalise_code(code)
    with transaction.atomic():
        # Locked, so two tries at once cannot both use the same code or both slip past the wait.
        totp = TOTPDevice.objects.select_for_update().filter(user=user, confirmed=True).order_by("pk").first()
        recovery = StaticDevice.objects.select_for_update().filter(user=user, confirmed=True).order_by("pk").first()
        # The wait of either device holds for both: alternating kinds of code does not double the tries.
        until = throttled_until(totp, recovery)
        if until is not None:
            signals.second_factor_throttled.send(sender=TOTPDevice, user=user, until=until)
            return CodeCheck(throttled_until=until)
        method = "totp" if is_totp_code(code) else "recovery"
        device = totp if method == "totp" else recovery
        if device is not None and device.verify_token(code):
            left = recovery.token_set.count() if recovery is not None else 0
            signals.second_factor_passed.send(sender=type(device), user=user, method=method, left=left)
            return CodeCheck(device=device)
        if device is None and (totp or recovery) is not None:
            # A recovery code from a user without any left still counts as a wrong try.
            (totp or recovery).throttle_increment()
        signals.second_factor_failed.send(sender=TOTPDevice, user=user, method=method)
        return CodeCheck()
