"""X2 (ASVS 5.0 V6, level 2): the TOTP second factor with recovery codes, through the real login pages.

The codes are computed here from the device's key as an authenticator app would (``django_otp.oath.TOTP``).
"""

import datetime
import os
import subprocess
import sys
import time
from binascii import unhexlify

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from liaison.access.tests.test_url_access import URLS, _url
from liaison.audit.models import AuditEntry
from liaison.testing import PASSWORD

pytestmark = pytest.mark.django_db

CODE_URL = "/accounts/second-factor/"
RECOVERY_URL = "/accounts/second-factor/recovery/"
SETUP_URL = "/accounts/second-factor/setup/"
RECOVERY_CODES = ["abcd2345", "efgh6777", "ijkl2233"]


@pytest.fixture
def required(settings):
    settings.OTP_REQUIRED = True


def code_for(key_hex: str, offset: int = 0) -> str:
    """The app's code for the key now (or ``offset`` steps away)."""
    totp = TOTP(unhexlify(key_hex), drift=offset)
    totp.time = time.time()
    return f"{totp.token():06d}"


def enrol(user, with_recovery=True) -> TOTPDevice:
    """A user who enrolled earlier: a confirmed TOTP device and, unless told, three recovery codes."""
    device = TOTPDevice.objects.create(user=user, name="TOTP", confirmed=True)
    if with_recovery:
        static = StaticDevice.objects.create(user=user, name="recovery", confirmed=True)
        for token in RECOVERY_CODES:
            StaticToken.objects.create(device=static, token=token)
    return device


def password_step(client, username="station_chief", next_url=None):
    data = {"username": username, "password": PASSWORD}
    if next_url:
        data["next"] = next_url
    return client.post("/accounts/login/", data, follow=True)


def actions_of(user) -> list[str]:
    return list(
        AuditEntry.objects.filter(user=user, action__startswith="auth.second_factor")
        .order_by("seq")
        .values_list("action", flat=True)
    )


def _otp_required_under(**env) -> bool:
    """OTP_REQUIRED as the settings read it in a fresh interpreter with these environment variables."""
    environ = {k: v for k, v in os.environ.items() if k not in ("DJANGO_ENV", "OTP_REQUIRED")}
    environ.update(env, SECRET_KEY="x" * 50)
    out = subprocess.run(
        [sys.executable, "-c", "import config.settings as s; print(s.OTP_REQUIRED)"],
        env=environ,
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        check=True,
    )
    return out.stdout.strip() == "True"


def test_x2_production_turns_the_second_factor_on_by_default():
    """X2 (ASVS V6): OTP_REQUIRED is on when DJANGO_ENV=production unless set, and off otherwise (demo, tests)."""
    assert _otp_required_under(DJANGO_ENV="production") is True
    assert _otp_required_under(DJANGO_ENV="production", OTP_REQUIRED="0") is False
    assert _otp_required_under(DJANGO_ENV="development") is False
    assert _otp_required_under(DJANGO_ENV="development", OTP_REQUIRED="1") is True


def test_x2_login_with_password_then_code(world, client, required):
    """X2 (ASVS V6): after the password the user is not yet in; the app's code lets them in, to the page asked for."""
    user = world.user("station_chief")
    device = enrol(user)
    response = password_step(client, next_url="/org/stations/")
    assert response.redirect_chain[-1][0] == f"{CODE_URL}?next=%2Forg%2Fstations%2F"
    page = response.content.decode()
    assert 'inputmode="numeric"' in page and 'autocomplete="one-time-code"' in page
    assert client.get("/").status_code == 302

    response = client.post(CODE_URL, {"code": code_for(device.key), "next": "/org/stations/"})
    assert response.status_code == 302 and response["Location"] == "/org/stations/"
    assert client.get("/").status_code == 200
    assert actions_of(user) == ["auth.second_factor.pass"]


def test_x2_a_code_cannot_be_used_twice(world, required):
    """X2 (ASVS V6): a code accepted once is refused the second time, even within its 30 seconds."""
    user = world.user("station_chief")
    device = enrol(user)
    code = code_for(device.key)
    first = Client()
    password_step(first)
    assert first.post(CODE_URL, {"code": code})["Location"] == "/"
    second = Client()
    password_step(second)
    response = second.post(CODE_URL, {"code": code})
    assert response.status_code == 200 and "コードが正しくありません" in response.content.decode()
    assert second.get("/").status_code == 302
    assert actions_of(user) == ["auth.second_factor.pass", "auth.second_factor.failed"]


def test_x2_a_recovery_code_works_once(world, required):
    """X2 (ASVS V6): a recovery code lets the user in once and is then used up; it is audited as such."""
    user = world.user("station_chief")
    enrol(user)
    first = Client()
    password_step(first)
    response = first.post(RECOVERY_URL, {"code": "ABCD-2345", "next": "/org/officers/"})
    assert response["Location"] == "/org/officers/"
    assert first.get("/").status_code == 200
    assert StaticToken.objects.filter(device__user=user).count() == 2

    second = Client()
    password_step(second)
    response = second.post(RECOVERY_URL, {"code": "abcd 2345"})
    assert "コードが正しくありません" in response.content.decode()
    assert second.get("/").status_code == 302
    entry = AuditEntry.objects.get(action="auth.second_factor.recovery_used")
    assert entry.user == user and entry.detail == {"method": "recovery", "left": 2}
    assert actions_of(user)[-1] == "auth.second_factor.failed"


def test_x2_wrong_codes_are_throttled_even_the_right_one(world, client, required):
    """X2 (ASVS V6): after wrong codes, tries are refused unchecked — even the right code — until the wait is over;
    the waits double (1, 2, 4 … s) and the refusals are audited."""
    user = world.user("station_chief")
    device = enrol(user)
    password_step(client)
    for attempt in range(3):
        response = client.post(CODE_URL, {"code": "000000" if code_for(device.key) != "000000" else "111111"})
        assert "コードが正しくありません" in response.content.decode()
        # Let the wait pass, so each wrong code is checked and counted.
        TOTPDevice.objects.filter(pk=device.pk).update(
            throttling_failure_timestamp=timezone.now() - datetime.timedelta(seconds=2**attempt + 1)
        )
    TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_timestamp=timezone.now())
    device.refresh_from_db()
    assert device.throttling_failure_count == 3

    response = client.post(CODE_URL, {"code": code_for(device.key)})
    assert "しばらく入力できません" in response.content.decode()
    # Recovery codes share the wait: switching the kind of code does not get round it.
    response = client.post(RECOVERY_URL, {"code": RECOVERY_CODES[0]})
    assert "しばらく入力できません" in response.content.decode()
    assert client.get("/").status_code == 302
    assert StaticToken.objects.filter(device__user=user).count() == 3

    # Three failures: the fourth try waits 4 seconds.
    TOTPDevice.objects.filter(pk=device.pk).update(
        throttling_failure_timestamp=timezone.now() - datetime.timedelta(seconds=5)
    )
    response = client.post(CODE_URL, {"code": code_for(device.key)})
    assert response.status_code == 302
    assert client.get("/").status_code == 200
    assert actions_of(user) == [
        *["auth.second_factor.failed"] * 3,
        *["auth.second_factor.throttled"] * 2,
        "auth.second_factor.pass",
    ]


@pytest.mark.parametrize("enrolled", [True, False], ids=["enrolled", "not-enrolled"])
def test_x2_a_user_who_owes_the_code_reaches_no_other_page(world, client_for, required, enrolled):
    """X2 (ASVS V6): every URL of the app, GET and POST, sends a user who has given only the password to the code
    page, except the code pages, enrolment and the public ones (login, logout, health check, language, the calendar
    feed whose secret token is its key)."""
    user = world.user("hq_admin")
    if enrolled:
        enrol(user)
    client = client_for(user)
    public = {name for name, rule in URLS.items() if isinstance(rule[1], str) and rule[1].startswith("public")}
    assert public == {"login", "logout", "healthz", "set_language", "meetings:ical"}
    open_before = {"second_factor", "second_factor_recovery", "second_factor_setup", *public}
    for name in sorted(set(URLS) - open_before):
        url = _url(name, world)
        for method in (client.get, client.post):
            response = method(url)
            assert response.status_code == 302, f"{name}: {response.status_code}"
            assert response["Location"].startswith(f"{CODE_URL}?next="), f"{name}: {response['Location']}"
    # The code page itself sends a user who has not enrolled yet to enrolment.
    response = client.get(CODE_URL)
    if enrolled:
        assert response.status_code == 200
    else:
        assert response.status_code == 302 and response["Location"].startswith(SETUP_URL)
    assert client.get(SETUP_URL).status_code == (302 if enrolled else 200)


def test_x2_first_login_enrols_then_shows_recovery_codes_once(world, client, required):
    """X2 (ASVS V6): the first login with the second factor required leads to enrolment (QR code and key as text);
    a current code confirms it, ten recovery codes are shown once, and the next login asks for a code."""
    user = world.user("community_section")
    response = password_step(client, "community_section")
    assert response.redirect_chain[-1][0].startswith(SETUP_URL)
    page = response.content.decode()
    assert 'src="data:image/svg+xml' in page and 'inputmode="numeric"' in page
    key = client.session["second_factor_enrol_key"]
    assert response.context["key_text"].replace(" ", "") in page.replace(" ", "")

    response = client.post(SETUP_URL, {"code": "123456" if code_for(key) != "123456" else "654321"})
    assert "確認コードが正しくありません" in response.content.decode()
    assert not TOTPDevice.objects.filter(user=user).exists()

    confirming = code_for(key)
    response = client.post(SETUP_URL, {"code": confirming})
    assert response.status_code == 200
    codes = response.context["codes"]
    assert len(codes) == 10 and len(set(codes)) == 10
    assert "data-print" in response.content.decode()
    assert TOTPDevice.objects.get(user=user, confirmed=True).key == key
    assert StaticToken.objects.filter(device__user=user).count() == 10
    assert client.get("/").status_code == 200
    assert actions_of(user) == ["auth.second_factor.enrol"]

    # The code that confirmed the enrolment does not log in a second time.
    again = Client()
    password_step(again, "community_section")
    # The same code, not one computed again: a new 30-second step may have begun meanwhile.
    assert "コードが正しくありません" in again.post(CODE_URL, {"code": confirming}).content.decode()
    # A recovery code shown at enrolment does (the wait after the failure above has passed).
    TOTPDevice.objects.filter(user=user).update(throttling_failure_timestamp=None, throttling_failure_count=0)
    assert again.post(RECOVERY_URL, {"code": codes[0]})["Location"] == "/"


def test_x2_new_recovery_codes_replace_the_old(world, client, required):
    """X2 (ASVS V6): making new recovery codes shows ten new ones once; the old ones stop working; audited."""
    user = world.user("station_chief")
    device = enrol(user)
    password_step(client)
    client.post(CODE_URL, {"code": code_for(device.key)})
    page = client.get(SETUP_URL).content.decode()
    assert "残り3個" in page
    assert client.get("/accounts/second-factor/recovery-codes/").status_code == 405
    response = client.post("/accounts/second-factor/recovery-codes/")
    new_codes = [c.replace(" ", "") for c in response.context["codes"]]
    assert len(new_codes) == 10
    assert set(StaticToken.objects.filter(device__user=user).values_list("token", flat=True)) == set(new_codes)
    assert actions_of(user) == ["auth.second_factor.pass", "auth.second_factor.recovery_codes"]

    other = Client()
    password_step(other)
    assert "コードが正しくありません" in other.post(RECOVERY_URL, {"code": RECOVERY_CODES[0]}).content.decode()


def test_x2_replacing_the_app_needs_the_current_code_first(world, client, required):
    """X2 (ASVS V6): a password alone cannot move the second factor to another phone: enrolment sends an enrolled
    user who has not given a code to the code page."""
    enrol(world.user("station_chief"))
    password_step(client)
    response = client.get(SETUP_URL)
    assert response.status_code == 302 and response["Location"].startswith(CODE_URL)
    assert client.post(SETUP_URL, {"code": "123456"}).status_code == 302


def test_x2_an_enrolled_user_gives_a_code_even_where_not_required(world, client, settings):
    """X2 (ASVS V6): with OTP_REQUIRED off (a demo), an officer who enrolled is still asked for the code; one who
    did not logs in with the password alone, as the demo does."""
    settings.OTP_REQUIRED = False
    device = enrol(world.user("station_chief"))
    response = password_step(client)
    assert response.redirect_chain[-1][0].startswith(CODE_URL)
    assert client.get("/org/stations/").status_code == 302
    assert client.post(CODE_URL, {"code": code_for(device.key)})["Location"] == "/"
    assert client.get("/org/stations/").status_code == 200

    plain = Client()
    assert password_step(plain, "deputy").redirect_chain[-1][0] == "/"


def test_x2_a_typed_code_is_checked_before_any_device_is(world, client, required):
    """X2: a code of the wrong shape is a form error that does not count as a wrong try (no wait, no audit)."""
    user = world.user("station_chief")
    enrol(user)
    password_step(client)
    response = client.post(CODE_URL, {"code": "12ab"})
    assert "6桁の数字で入力してください" in response.content.decode()
    response = client.post(RECOVERY_URL, {"code": "!!"})
    assert "英数字8文字" in response.content.decode()
    assert TOTPDevice.objects.get(user=user).throttling_failure_count == 0
    assert actions_of(user) == []


@pytest.mark.parametrize("target", ["9223372036854775808", "//evil.example/", "https://evil.example/", "home"])
def test_x2_the_code_pages_go_on_only_to_a_path_of_this_site(world, client_for, target):
    """X2: ``next`` is followed only when it is a path here; a bare word (once taken for a URL name, a 500) or
    another site goes home instead."""
    client = client_for("station_chief")
    for url in (CODE_URL, RECOVERY_URL):
        response = client.get(url, {"next": target})
        assert response.status_code == 302 and response["Location"] == "/"


def test_x2_the_browser_is_registered_only_once_the_code_is_accepted(world, client, required):
    """X2 (ASVS V6): the login throttle's device cookie, which spares a browser the account's wait, is given when the
    whole login is done: a password alone (someone who guessed or stole it) does not register the browser."""
    from liaison.access.devices import COOKIE_NAME

    device = enrol(world.user("station_chief"))
    password_step(client)
    assert COOKIE_NAME not in client.cookies
    response = client.post(CODE_URL, {"code": code_for(device.key)})
    assert response.status_code == 302 and COOKIE_NAME in response.cookies
