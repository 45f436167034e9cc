"""X2: login hardening — lock-out, idle timeout, argon2, CSRF and security headers."""

import time

import pytest
from django.test import Client

from liaison.access.throttle import ACCOUNT, RULES
from liaison.testing import PASSWORD

pytestmark = pytest.mark.django_db


def test_x2_lockout_after_repeated_failures(world, client):
    for _ in range(RULES[ACCOUNT].free):
        client.post("/accounts/login/", {"username": "station_chief", "password": "wrong"})
    response = client.post("/accounts/login/", {"username": "station_chief", "password": PASSWORD})
    assert response.status_code == 429
    assert "ログインを一時的に制限しています" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_x2_successful_login_goes_home(world, client):
    response = client.post("/accounts/login/", {"username": "station_chief", "password": PASSWORD}, follow=True)
    assert response.redirect_chain[-1][0] == "/"
    assert "佐藤 一郎" in response.content.decode()


def test_x2_idle_session_is_logged_out(world, client_for, settings):
    client = client_for("station_chief")
    assert client.get("/").status_code == 200
    session = client.session
    session["last_seen"] = int(time.time()) - settings.SESSION_IDLE_TIMEOUT - 5
    session.save()
    response = client.get("/org/stations/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    assert client.get("/").status_code == 302


def test_x2_session_ends_a_fixed_time_after_login_even_when_busy(world, client_for, settings):
    client = client_for("station_chief")
    assert client.get("/").status_code == 200
    session = client.session
    session["session_started"] = int(time.time()) - settings.SESSION_ABSOLUTE_TIMEOUT - 5
    session["last_seen"] = int(time.time())  # busy: no idle time at all
    session.save()
    response = client.get("/", follow=True)
    assert "ログインしてから長時間たったため" in response.content.decode()
    assert client.get("/").status_code == 302


def test_x2_passwords_are_hashed_with_argon2(settings, django_user_model):
    import config.settings as configured

    settings.PASSWORD_HASHERS = configured.PASSWORD_HASHERS  # undo the suite's fast hasher
    user = django_user_model.objects.create_user("hashed", password="Some-long-pass-1")
    assert user.password.startswith("argon2$")


def test_x2_forms_require_csrf(world):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.user("hq_admin"))
    response = client.post("/org/settings/", {"name": "x"})
    assert response.status_code == 403


def test_x2_security_headers(world, client_for):
    response = client_for("station_chief").get("/")
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "default-src 'self'" in response["Content-Security-Policy"]
    assert response["Referrer-Policy"] == "same-origin"


def test_x2_password_change(world, client_for):
    client = client_for("koban_staff")
    response = client.post(
        "/accounts/password/",
        {"old_password": PASSWORD, "new_password1": "Kita-Sendai-77!", "new_password2": "Kita-Sendai-77!"},
    )
    assert response.status_code == 302
    world.user("koban_staff").refresh_from_db()
    assert world.user("koban_staff").check_password("Kita-Sendai-77!")


def test_issue8_the_user_of_a_request_comes_with_their_officer_record(world, client):
    """Issue 8: a logged-in request reads the user, their officer record and what the header names in one query;
    an inactive user is still refused and a user without an officer record has none."""
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from liaison.access.backends import OfficerModelBackend
    from liaison.access.policy import officer_of

    backend = OfficerModelBackend()
    with CaptureQueriesContext(connection) as run:
        for role in ("koban_chief", "community_section", "hq_admin"):
            user = backend.get_user(world.user(role).pk)
            assert officer_of(user).affiliation
    assert len(run) == 3
    plain = get_user_model().objects.create_user("no_officer", password=PASSWORD)
    assert officer_of(backend.get_user(plain.pk)) is None
    plain.is_active = False
    plain.save()
    assert backend.get_user(plain.pk) is None
    client.post("/accounts/login/", {"username": "koban_chief", "password": PASSWORD})
    assert client.session["_auth_user_backend"] == "liaison.access.backends.OfficerModelBackend"
