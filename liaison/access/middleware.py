"""Session limits: logged out after SESSION_IDLE_TIMEOUT seconds without a request, and SESSION_ABSOLUTE_TIMEOUT
seconds after login whatever happens (saving the session every minute would otherwise keep extending it). Also the
no-store marking of personal pages, and the forced password change after an administrator set the password."""

import time
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpResponse
from django.shortcuts import redirect, resolve_url
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _

from .policy import officer_of
from .second_factor import owes_code

LAST_SEEN = "last_seen"
STARTED = "session_started"


class IdleTimeoutMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            now = int(time.time())
            last_seen = request.session.get(LAST_SEEN)
            started = request.session.setdefault(STARTED, now)
            if last_seen is not None and now - last_seen > settings.SESSION_IDLE_TIMEOUT:
                return self._end(
                    request, _("一定時間操作がなかったため、ログアウトしました。もう一度ログインしてください。")
                )
            if now - started > settings.SESSION_ABSOLUTE_TIMEOUT:
                return self._end(
                    request, _("ログインしてから長時間たったため、ログアウトしました。もう一度ログインしてください。")
                )
            # Write at most once a minute so that every request does not save the session.
            if last_seen is None or now - last_seen >= 60:
                request.session[LAST_SEEN] = now
        return self.get_response(request)

    @staticmethod
    def _end(request, message):
        logout(request)
        messages.info(request, message)
        return redirect(f"{resolve_url(settings.LOGIN_URL)}?next={request.path}")


class NoStoreMiddleware:
    """Personal data must not stay in the browser cache of a shared police PC: every response to a logged-in user,
    and every download, is marked ``Cache-Control: no-store`` (with Django's full never-cache set for old proxies)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        logged_in = request.user.is_authenticated
        response = self.get_response(request)
        if logged_in or request.user.is_authenticated or response.has_header("Content-Disposition"):
            add_never_cache_headers(response)
        return response


class SecondFactorMiddleware:
    """The one place that holds back a user who owes the second factor (``second_factor.owes_code``): every view
    except the public ones and those marked ``policy.before_second_factor`` answers with a redirect to the code page,
    so no view can forget to ask for it. Placed after LoginRequiredMiddleware, which sends anonymous users to login.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if not getattr(view_func, "login_required", True) or getattr(view_func, "before_second_factor", False):
            return None
        if not owes_code(request):
            return None
        return redirect(f"{reverse('second_factor')}?{urlencode({'next': request.get_full_path()})}")


class PasswordChangeRequiredMiddleware:
    """The one place that holds an officer to a forced password change: while an administrator's password is still
    theirs (``Officer.must_change_password``, set by the officer screens), every page but these answers with a
    redirect to the password change page, so nothing else can be read or changed with a password someone else knows.
    The officer record comes with the user, so this costs no query."""

    ALLOWED_VIEWS = frozenset({"password_change", "password_change_done", "logout", "login", "set_language", "healthz"})

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if getattr(view_func, "before_second_factor", False):
            return None  # the second factor's own pages come first (SecondFactorMiddleware stands before this one)
        officer = officer_of(request.user)
        if officer is None or not officer.must_change_password:
            return None
        if request.resolver_match.view_name in self.ALLOWED_VIEWS:
            return None
        url = reverse("password_change")
        if request.headers.get("HX-Request") == "true":
            # htmx would swap the redirected page into a fragment; it loads the whole page instead.
            response = HttpResponse(status=204)
            response["HX-Redirect"] = url
            return response
        return redirect(url)
