"""Idle session timeout: a session unused for SESSION_IDLE_TIMEOUT seconds is logged out."""

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.shortcuts import redirect, resolve_url

_KEY = "last_seen"


class IdleTimeoutMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            now = int(time.time())
            last_seen = request.session.get(_KEY)
            if last_seen is not None and now - last_seen > settings.SESSION_IDLE_TIMEOUT:
                logout(request)
                messages.info(request, "一定時間操作がなかったため、ログアウトしました。もう一度ログインしてください。")
                return redirect(f"{resolve_url(settings.LOGIN_URL)}?next={request.path}")
            # Write at most once a minute so that every request does not save the session.
            if last_seen is None or now - last_seen >= 60:
                request.session[_KEY] = now
        return self.get_response(request)
