"""The second factor (ASVS 5.0 V6): a TOTP app, and single-use recovery codes for a lost phone.

Reads and small helpers; the writes are in ``actions.py``. Who owes a code in this session is decided by
``owes_code``, which ``middleware.SecondFactorMiddleware`` asks on every request: until the code is accepted the user
reaches only the pages marked ``policy.before_second_factor`` (the code pages, enrolment, logout).
"""

from __future__ import annotations

import datetime
import re
import unicodedata
from base64 import b32encode
from binascii import unhexlify
from urllib.parse import quote, urlencode

import segno
from django.conf import settings
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

# Set in the session at login when the user has a device although the setting does not require one, so an officer
# who enrolled is asked for a code even on a demo; read by ``owes_code``.
CODE_PENDING = "second_factor_pending"
# The key shown on the enrolment page, kept in the session until a code from it is accepted (no device row before).
ENROL_KEY = "second_factor_enrol_key"

RECOVERY_CODE_COUNT = 10
TOTP_DIGITS = 6
_TOTP_CODE = re.compile(r"\d{6}")


def totp_device(user) -> TOTPDevice | None:
    """The user's confirmed TOTP device, if they enrolled."""
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()


def recovery_device(user) -> StaticDevice | None:
    """The device that holds the user's recovery codes."""
    return StaticDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()


def is_enrolled(user) -> bool:
    """True when the user has a confirmed TOTP device (recovery codes are only ever made with one)."""
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def recovery_codes_left(user) -> int:
    device = recovery_device(user)
    return device.token_set.count() if device is not None else 0


def owes_code(request) -> bool:
    """True when this session's user must give a second factor and has not yet (``OTP_REQUIRED``, or enrolled)."""
    user = request.user
    if not user.is_authenticated or user.is_verified():
        return False
    return settings.OTP_REQUIRED or bool(request.session.get(CODE_PENDING))


def asks_code_at_login(user) -> bool:
    """Whether a login by ``user`` goes on to the code step: always with OTP_REQUIRED, else if they enrolled."""
    return settings.OTP_REQUIRED or is_enrolled(user)


@receiver(user_logged_in)
def _ask_enrolled_users_for_a_code(sender, request, user, **kwargs):
    # With OTP_REQUIRED every login owes a code anyway; otherwise only an officer who enrolled does (one query).
    if request is not None and hasattr(request, "session") and not settings.OTP_REQUIRED and is_enrolled(user):
        request.session[CODE_PENDING] = True


def normalise_code(raw: str) -> str:
    """A typed code as stored: no spaces or hyphens (recovery codes are shown in two groups), lower case, ASCII
    digits for full-width ones a Japanese keyboard may type."""
    return re.sub(r"[\s\-]", "", unicodedata.normalize("NFKC", raw or "")).lower()


def is_totp_code(code: str) -> bool:
    """Six digits are an app's code; anything else is tried as a recovery code (eight letters and digits)."""
    return bool(_TOTP_CODE.fullmatch(code))


def throttled_until(*devices) -> datetime.datetime | None:
    """The time until which wrong codes keep the user from trying again (the later of the devices'), or None."""
    until = None
    for device in devices:
        if device is None:
            continue
        allowed, data = device.verify_is_allowed()
        if not allowed:
            locked = (data or {}).get("locked_until") or timezone.now()
            until = locked if until is None else max(until, locked)
    return until


def key_as_text(key_hex: str) -> str:
    """The secret in base32, in groups of four, for typing into an app when the QR code cannot be scanned."""
    text = b32encode(unhexlify(key_hex)).decode("ascii").rstrip("=")
    return " ".join(text[i : i + 4] for i in range(0, len(text), 4))


def config_url(user, key_hex: str) -> str:
    """The ``otpauth://`` address an authenticator app reads from the QR code (the same one django-otp builds)."""
    issuer = str(settings.OTP_TOTP_ISSUER).replace(":", "")
    label = f"{issuer}:{user.get_username()}"
    params = urlencode(
        {"secret": b32encode(unhexlify(key_hex)), "algorithm": "SHA1", "digits": TOTP_DIGITS, "period": 30}
    )
    return f"otpauth://totp/{quote(label)}?{params}&issuer={quote(issuer)}"


def qr_data_uri(text: str) -> str:
    """The QR code as a ``data:`` SVG image: the CSP allows data images, and no script or inline style is needed."""
    return segno.make(text, error="m").svg_data_uri(scale=5, border=2)


def format_recovery_code(code: str) -> str:
    """A recovery code as shown and printed: two groups of four, easier to read out and type."""
    return f"{code[:4]} {code[4:]}" if len(code) == 8 else code
