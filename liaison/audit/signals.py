"""Logins, logouts, failed logins, lock-outs, password changes, the second factor and requests for another station's
records are audited too."""

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from liaison.access.policy import station_id_of
from liaison.access.signals import (
    hidden_object_requested,
    login_refused,
    login_throttle_cleared,
    login_throttled,
    password_changed,
    recovery_codes_made,
    second_factor_enrolled,
    second_factor_failed,
    second_factor_passed,
    second_factor_throttled,
)

from .log import japanese, record, record_refusal
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


def _throttled_what(scope, key, username) -> str:
    """The counter in words for a summary (the login ID is cut like a failure's; the device token never shown)."""
    username = str(username or "")[:50]
    if scope == "address":
        return f"接続元 {key}、ログインID {username}"
    if scope == "device":
        return f"登録済みの端末、ログインID {username}"
    return f"ログインID {username}"


@receiver(login_throttled)
def _throttled(sender, throttle, **kwargs):
    # Each failure that makes the next attempt wait (the password is never kept).
    minutes = max(1, round((throttle.until - throttle.last_failure_at).total_seconds() / 60))
    record(
        user=None,
        action="auth.locked_out",
        summary=f"ログインの失敗が続いたため、{minutes}分の待ち時間を設けました（"
        f"{_throttled_what(throttle.scope, throttle.key, throttle.username)}）",
        kind=AuditEntry.Kind.AUTH,
        detail={
            "scope": throttle.scope,
            "username": str(throttle.username)[:50],
            "failures": throttle.failures,
            "until": throttle.until.isoformat(),
        },
    )


@receiver(login_refused)
def _refused(sender, refusal, username, address, **kwargs):
    # Every attempt refused unchecked while a wait runs.
    username = str(username or "")[:50]
    record(
        user=None,
        action="auth.locked_out",
        summary=f"待ち時間中のログインを拒否しました（ログインID {username}）",
        kind=AuditEntry.Kind.AUTH,
        detail={"scope": refusal.scope, "username": username, "until": refusal.until.isoformat()},
    )


@receiver(login_throttle_cleared)
def _throttle_cleared(sender, throttle, acting_user, **kwargs):
    record(
        user=acting_user,
        action="auth.throttle_cleared",
        summary=f"ログインの待ち時間を解除しました（{_throttled_what(throttle.scope, throttle.key, throttle.username)}）",
        kind=AuditEntry.Kind.AUTH,
        station=_station(acting_user),
        detail={"scope": throttle.scope, "username": str(throttle.username)[:50], "failures": throttle.failures},
    )


@receiver(password_changed)
def _password_changed(sender, user, required=False, **kwargs):
    # ``required``: the password had been set by an administrator, and this change was the one asked for.
    record(
        user=user,
        action="auth.password_change",
        summary="パスワードを変更しました" + ("（管理者が設定したパスワードから）" if required else ""),
        kind=AuditEntry.Kind.AUTH,
        station=_station(user),
        detail={"required": bool(required)},
    )


def _auth(user, action, summary, detail=None):
    record(user=user, action=action, summary=summary, kind=AuditEntry.Kind.AUTH, station=_station(user), detail=detail)


@receiver(second_factor_enrolled)
def _second_factor_enrolled(sender, user, **kwargs):
    _auth(user, "auth.second_factor.enrol", "二要素認証（認証アプリ）を登録し、回復用コードを作りました")


@receiver(recovery_codes_made)
def _recovery_codes_made(sender, user, **kwargs):
    _auth(user, "auth.second_factor.recovery_codes", "回復用コードを作り直しました（以前のコードは無効）")


@receiver(second_factor_passed)
def _second_factor_passed(sender, user, method, left, **kwargs):
    if method == "recovery":
        _auth(
            user,
            "auth.second_factor.recovery_used",
            f"回復用コードで二要素認証をしました（残り{left}個）",
            {"method": method, "left": left},
        )
    else:
        _auth(user, "auth.second_factor.pass", "二要素認証をしました", {"method": method})


@receiver(second_factor_failed)
def _second_factor_failed(sender, user, method, **kwargs):
    # The typed code is never kept: only that it was wrong and which kind it looked like.
    _auth(user, "auth.second_factor.failed", "二要素認証のコードが誤っていました", {"method": method})


@receiver(second_factor_throttled)
def _second_factor_throttled(sender, user, until, **kwargs):
    _auth(
        user,
        "auth.second_factor.throttled",
        "コードの誤りが続いたため、二要素認証の入力を一時的に受け付けませんでした",
        {"until": until.isoformat()},
    )


@receiver(hidden_object_requested)
def _hidden_object_requested(sender, user, obj, **kwargs):
    # Kind and id only: the record may be a resident's, and the log must not copy their name. The entry goes to the
    # station that owns the record, whose chief should see who tried to open it.
    try:
        station = station_id_of(obj)
    except TypeError:
        station = None
    record_refusal(
        user=user,
        action="access.hidden",
        summary=f"他の警察署の記録（{japanese(obj._meta.verbose_name)} #{obj.pk}）の閲覧を拒否しました",
        object_type=obj._meta.label,
        object_id=str(obj.pk),
        station=station,
        detail={"user_station": _station(user) if user is not None and user.is_authenticated else None},
    )


def _station(user):
    officer = getattr(user, "officer", None)
    return officer.station_id if officer is not None else None
