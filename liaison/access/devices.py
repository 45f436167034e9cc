"""Device cookies (OWASP): a browser an officer has logged in from is recognised at their next login.

After a successful login the browser gets a long-lived cookie, signed with the secret key, naming the login IDs that
logged in on it (a koban PC is shared, so up to ``MAX_USERS``), each with a random token. A login attempt presenting
a valid cookie for its login ID is counted against that browser alone (``throttle.DEVICE``), not against the account
or the address: whoever floods an officer's account from elsewhere slows only themselves, and the officer still logs
in from their own PC. The cookie holds no password and grants nothing by itself: the password is still checked.
"""

import secrets

from django.conf import settings
from django.contrib.auth.signals import user_logged_in
from django.core import signing
from django.dispatch import receiver

COOKIE_NAME = "kl_device"
SALT = "liaison.access.devices"
MAX_USERS = 8


def _entries(request) -> list[list[str]]:
    """The (login ID, token) pairs of a valid cookie, newest first; nothing for a missing, forged or expired one."""
    value = request.COOKIES.get(COOKIE_NAME)
    if not value:
        return []
    try:
        data = signing.loads(value, salt=SALT, max_age=settings.DEVICE_COOKIE_AGE)
    except signing.BadSignature:
        return []
    if not isinstance(data, list):
        return []
    return [e for e in data if isinstance(e, list) and len(e) == 2 and all(isinstance(x, str) for x in e)]


def token_for(request, username: str) -> str | None:
    """The device token this browser holds for ``username``, or None when it holds none (or a forged one)."""
    if request is None:
        return None
    for name, token in _entries(request):
        if name == username:
            return token
    return None


def remember(request, response, username: str) -> None:
    """Give the browser a fresh cookie naming ``username`` first (keeping its token), then the others it named."""
    entries = _entries(request)
    token = next((t for name, t in entries if name == username), None) or secrets.token_urlsafe(16)
    entries = [[username, token]] + [e for e in entries if e[0] != username]
    response.set_cookie(
        COOKIE_NAME,
        signing.dumps(entries[:MAX_USERS], salt=SALT),
        max_age=settings.DEVICE_COOKIE_AGE,
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )


def note_login(request, username: str) -> None:
    """Called on a successful login: the response gives this browser its device cookie (``LoginThrottleMiddleware``)."""
    if request is not None:
        request.device_login = username


class LoginThrottleMiddleware:
    """Sets the device cookie on the response to a successful login, and answers a login refused by the throttle
    with 429 (Too Many Requests) rather than 200, for proxies and monitoring."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        username = getattr(request, "device_login", None)
        if username:
            remember(request, response, username)
        if getattr(request, "login_refusal", None) is not None and response.status_code == 200:
            response.status_code = 429
        return response


@receiver(user_logged_in)
def _logged_in(sender, request, user, **kwargs):
    """A successful login (after every step of it) forgets the failures it makes harmless and registers the browser."""
    from .actions import login_success_record
    from .second_factor import asks_code_at_login

    username = user.get_username()
    login_success_record(username=username, device_token=token_for(request, username))
    # A login that still owes the second factor is not done: the browser is registered when the code is accepted
    # (views._verified), so a password alone never makes a browser exempt from the account's wait.
    if not asks_code_at_login(user):
        note_login(request, username)
