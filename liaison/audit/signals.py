"""Logins, logouts and failed logins are audited too."""

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from .log import record
from .models import AuditEntry


@receiver(user_logged_in)
def _logged_in(sender, request, user, **kwargs):
    record(
        user=user, action="auth.login", summary="ログインしました", kind=AuditEntry.Kind.AUTH, station=_station(user)
    )


@receiver(user_logged_out)
def _logged_out(sender, request, user, **kwargs):
    if user is not None:
        record(
            user=user,
            action="auth.logout",
            summary="ログアウトしました",
            kind=AuditEntry.Kind.AUTH,
            station=_station(user),
        )


@receiver(user_login_failed)
def _login_failed(sender, credentials, request=None, **kwargs):
    username = str(credentials.get("username", ""))[:50]
    record(user=None, action="auth.failed", summary=f"ログインに失敗しました（{username}）", kind=AuditEntry.Kind.AUTH)


def _station(user):
    officer = getattr(user, "officer", None)
    return officer.station_id if officer is not None else None
