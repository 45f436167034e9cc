"""Issue 12 (OWASP ASVS 5.0 V6.3, X2): failed logins make the next attempt wait, per login ID whatever the address,
per address across login IDs, and never for the officer's own browser (device cookie); nobody can lock an officer
out at will, and the HQ administrator sees and ends the waits."""

import threading
from datetime import timedelta

import pytest
from django.core import signing
from django.db import connection, connections
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from liaison.access import devices, throttle
from liaison.access.actions import login_failure_record
from liaison.access.client import client_address
from liaison.access.models import LoginThrottle
from liaison.access.queries import login_refusal
from liaison.access.throttle import ACCOUNT, ADDRESS, DEVICE, RULES
from liaison.audit.models import AuditEntry
from liaison.testing import PASSWORD

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"
ACCOUNT_FREE = RULES[ACCOUNT].free
ADDRESS_FREE = RULES[ADDRESS].free
ACCOUNT_WAIT = "このアカウントへのログインの失敗が続いたため"
NETWORK_WAIT = "このネットワークからのログインの失敗が多いため"


def _login(client, username, password, address, **headers):
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=address, **headers)


def _logged_in(response, client) -> bool:
    return response.status_code == 302 and "_auth_user_id" in client.session


def _own_pc(username, address="10.1.0.10") -> Client:
    """The officer's own browser: it has logged in once (and so holds their device cookie), then logged out."""
    client = Client()
    assert _logged_in(_login(client, username, PASSWORD, address), client)
    assert devices.COOKIE_NAME in client.cookies
    client.post("/accounts/logout/")
    return client


# --- The rules -------------------------------------------------------------------------------------------------


def test_issue12_the_wait_is_none_for_the_first_failures_then_doubles_up_to_a_cap():
    rule = RULES[ACCOUNT]
    waits = [throttle.wait_after(n, rule) for n in range(1, rule.free + 8)]
    assert waits[: rule.free - 1] == [timedelta(0)] * (rule.free - 1)
    minutes = [w / timedelta(minutes=1) for w in waits[rule.free - 1 :]]
    assert minutes == [1, 2, 4, 8, 15, 15, 15, 15]
    assert throttle.wait_after(10**9, rule) == rule.max_wait  # no overflow, no hard lock


def test_issue12_failures_are_forgotten_after_a_quiet_spell_counted_from_the_end_of_the_wait():
    rule = RULES[ACCOUNT]
    last = timezone.now()
    end_of_wait = last + throttle.wait_after(7, rule)
    assert throttle.failures_counted(7, last, end_of_wait + rule.forget_after - timedelta(seconds=1), rule) == 7
    assert throttle.failures_counted(7, last, end_of_wait + rule.forget_after, rule) == 0


def test_issue12_the_wait_grows_with_each_failure_and_ends(world):
    """The stored counter, with the clock moved: each failure after the free ones doubles the wait, an attempt after
    the wait is checked again, and the failures are forgotten in the end."""
    start = timezone.now()
    attempt = {"username": "deputy", "address": "10.2.0.1", "device_token": None}
    for i in range(ACCOUNT_FREE - 1):
        assert login_failure_record(**attempt, now=start + timedelta(seconds=i)) == []
    now = start + timedelta(seconds=ACCOUNT_FREE)
    waits = []
    for _ in range(4):
        started = login_failure_record(**attempt, now=now)
        assert [row.scope for row in started] == [ACCOUNT]
        refusal = login_refusal(**attempt, now=now + timedelta(seconds=1))
        assert refusal is not None and refusal.scope == ACCOUNT
        waits.append(refusal.until - now)
        assert login_refusal(**attempt, now=refusal.until) is None  # the wait ends by itself
        now = refusal.until + timedelta(seconds=1)
    assert waits == [timedelta(minutes=m) for m in (1, 2, 4, 8)]
    row = LoginThrottle.objects.get(scope=ACCOUNT, key="deputy")
    assert row.failures == ACCOUNT_FREE + 3
    # After a quiet day the next failure counts as the first again.
    later = row.forget_at + timedelta(seconds=1)
    assert login_failure_record(**attempt, now=later) == []
    assert LoginThrottle.objects.get(scope=ACCOUNT, key="deputy").failures == 1


# --- The issue's four attack cases -----------------------------------------------------------------------------


def test_issue12_the_right_password_from_another_address_waits_unless_the_browser_is_the_officers(world):
    """Case 1: after failures against the account from one address, the right password from another address waits
    (axes let it straight in); the officer's own browser, holding their device cookie, logs in at once."""
    own_pc = _own_pc("station_chief")
    attacker = Client()
    for _ in range(ACCOUNT_FREE):
        _login(attacker, "station_chief", "wrong-guess-1", "203.0.113.9")
    elsewhere = Client()
    response = _login(elsewhere, "station_chief", PASSWORD, "198.51.100.20")
    assert response.status_code == 429 and ACCOUNT_WAIT in response.content.decode()
    assert "_auth_user_id" not in elsewhere.session
    assert _logged_in(_login(own_pc, "station_chief", PASSWORD, "10.1.0.10"), own_pc)


def test_issue12_wrong_passwords_from_many_addresses_make_the_account_wait(world):
    """Case 2: 20 wrong passwords from 20 addresses delay the account (axes counted each address apart)."""
    for i in range(20):
        _login(Client(), "deputy", "wrong-guess-2", f"203.0.113.{i + 1}")
    row = LoginThrottle.objects.get(scope=ACCOUNT, key="deputy")
    assert row.failures == ACCOUNT_FREE  # counting stops while the account waits: refused attempts check nothing
    client = Client()
    response = _login(client, "deputy", PASSWORD, "203.0.113.200")
    assert response.status_code == 429 and ACCOUNT_WAIT in response.content.decode()
    assert not LoginThrottle.objects.filter(scope=ADDRESS, failures__gt=1).exists()


def test_issue12_a_few_guesses_at_many_accounts_from_one_address_make_the_address_wait(world, settings):
    """Case 3: 4 guesses against each of 6 login IDs from one address delay that address for every account."""
    users = ["station_chief", "deputy", "community_section", "koban_chief", "koban_staff", "section_staff"]
    statuses = [_login(Client(), u, "wrong-guess-3", "203.0.113.50").status_code for u in users for _ in range(4)]
    assert statuses == [200] * (ADDRESS_FREE - 1) + [429] * (len(statuses) - ADDRESS_FREE + 1)
    # No account reached its own limit, yet the address waits, for a login ID it has not tried too.
    assert not LoginThrottle.objects.filter(scope=ACCOUNT, until__isnull=False).exists()
    client = Client()
    response = _login(client, "hq_admin", PASSWORD, "203.0.113.50")
    assert response.status_code == 429 and NETWORK_WAIT in response.content.decode()
    # The same officer from their own address is not held back by someone else's network.
    assert _logged_in(_login(client, "hq_admin", PASSWORD, "10.1.0.11"), client)


def test_issue12_behind_the_trusted_proxy_each_client_counts_apart_and_a_forged_header_is_ignored(world, settings):
    """Case 4: through the trusted proxy each client's address (X-Forwarded-For) is counted apart, so one client's
    failures hold back neither the others nor the proxy; from any other address the header is not believed."""
    settings.TRUSTED_PROXIES = ["10.0.0.2"]
    users = ["station_chief", "deputy", "community_section", "koban_chief", "koban_staff", "section_staff"]
    for username in users:
        for _ in range(4):
            _login(Client(), username, "wrong-guess-4", "10.0.0.2", HTTP_X_FORWARDED_FOR="203.0.113.7")
    assert LoginThrottle.objects.get(scope=ADDRESS, key="203.0.113.7").until is not None
    assert not LoginThrottle.objects.filter(scope=ADDRESS, key="10.0.0.2").exists()
    refused = _login(Client(), "hq_admin", PASSWORD, "10.0.0.2", HTTP_X_FORWARDED_FOR="203.0.113.7")
    assert refused.status_code == 429 and NETWORK_WAIT in refused.content.decode()
    other = Client()
    assert _logged_in(_login(other, "hq_admin", PASSWORD, "10.0.0.2", HTTP_X_FORWARDED_FOR="203.0.113.8"), other)
    # The audit log records the client, not the proxy.
    failure = AuditEntry.objects.filter(action="auth.failed").first()
    assert failure.ip_address == "203.0.113.7"

    # Not from the proxy: a different forged header on every guess changes nothing, the sender's address counts.
    for i in range(ADDRESS_FREE):
        _login(Client(), f"guess{i}", "wrong-guess-4", "198.51.100.66", HTTP_X_FORWARDED_FOR=f"192.0.2.{i + 1}")
    assert LoginThrottle.objects.get(scope=ADDRESS, key="198.51.100.66").until is not None
    assert not LoginThrottle.objects.filter(scope=ADDRESS, key__startswith="192.0.2.").exists()
    response = _login(Client(), "hq_admin", PASSWORD, "198.51.100.66", HTTP_X_FORWARDED_FOR="192.0.2.200")
    assert response.status_code == 429


def test_issue12_spraying_from_many_addresses_at_many_users_is_throttled_while_the_officer_logs_in_from_their_pc(
    world,
):
    """Done when: passwords sprayed from many addresses across many login IDs are held back, per account and per
    address, while the real officer still logs in from their own PC, even from one of the spraying addresses."""
    own_pc = _own_pc("koban_staff", address="10.1.0.30")
    real = ["koban_staff", "koban_chief", "deputy", "community_section", "section_staff", "station_chief"]
    users = real + [f"guess{i:02}" for i in range(24)]
    addresses = [f"203.0.113.{i}" for i in range(1, 7)]
    last_round = []
    for round_ in range(2):
        for username in users:
            for address in addresses:
                response = _login(Client(), username, f"spray-{round_}", address)
                assert response.status_code in (200, 429)
                if round_ == 1:
                    last_round.append(response.status_code)
    assert last_round.count(429) >= 0.9 * len(last_round)  # by the second round nearly all are refused unchecked
    now = timezone.now()
    accounts = LoginThrottle.objects.filter(scope=ACCOUNT)
    sprayers = LoginThrottle.objects.filter(scope=ADDRESS)
    assert accounts.filter(until__gt=now).count() >= len(real)  # every real officer's account was reached
    assert sprayers.filter(until__gt=now).exists()  # addresses that guessed across accounts wait too
    # No account and no address got more guesses checked than its allowance (refused attempts check nothing).
    assert max(accounts.values_list("failures", flat=True)) <= ACCOUNT_FREE
    assert max(sprayers.values_list("failures", flat=True)) <= ADDRESS_FREE
    checked = AuditEntry.objects.filter(action="auth.failed").count()
    assert checked <= len(addresses) * ADDRESS_FREE < 2 * len(users) * len(addresses)
    # The officer, from their own PC, logs in at once, from home or from a spraying address; from a strange PC
    # they would wait like the attacker.
    assert _logged_in(_login(own_pc, "koban_staff", PASSWORD, "10.1.0.30"), own_pc)
    own_pc.post("/accounts/logout/")
    assert _logged_in(_login(own_pc, "koban_staff", PASSWORD, addresses[0]), own_pc)
    assert _login(Client(), "koban_staff", PASSWORD, "10.1.0.31").status_code == 429


# --- What the screen says --------------------------------------------------------------------------------------


def test_issue12_an_unknown_login_id_waits_and_is_answered_like_a_real_one(world):
    """The answer does not tell whether the login ID exists: the same wait, the same words, for both."""
    answers = {}
    for username in ("deputy", "nobody_here"):
        for i in range(ACCOUNT_FREE - 1):
            first = _login(Client(), username, "wrong", f"203.0.113.{i + 1}")
        last = _login(Client(), username, "wrong", "203.0.113.99")
        refused = _login(Client(), username, "wrong", "203.0.113.98")
        answers[username] = (first.status_code, last.status_code, refused.status_code, _message(refused))
    assert answers["deputy"] == answers["nobody_here"]
    assert answers["deputy"][:3] == (200, 429, 429)
    assert ACCOUNT_WAIT in answers["deputy"][3] and "約1分後" in answers["deputy"][3]


def _message(response) -> str:
    text = response.content.decode()
    start = text.index('id="login-error">')
    return text[start : text.index("</p>", start)]


# --- The device cookie -----------------------------------------------------------------------------------------


def test_issue12_the_device_cookie_is_signed_http_only_same_site_and_secure_in_production(world, settings):
    settings.SESSION_COOKIE_SECURE = True
    client = Client()
    assert _logged_in(_login(client, "deputy", PASSWORD, "10.1.0.40"), client)
    cookie = client.cookies[devices.COOKIE_NAME]
    assert cookie["httponly"] and cookie["secure"] and cookie["samesite"] == "Lax"
    assert int(cookie["max-age"]) == settings.DEVICE_COOKIE_AGE
    [[username, token]] = signing.loads(cookie.value, salt=devices.SALT)
    assert username == "deputy" and len(token) >= 20
    assert "password" not in cookie.value.lower() and PASSWORD not in cookie.value


def test_issue12_a_forged_or_other_users_device_cookie_gives_no_exemption(world):
    own_pc = _own_pc("deputy")
    for _ in range(ACCOUNT_FREE):
        _login(Client(), "station_chief", "wrong", "203.0.113.5")
    # The deputy's cookie does not vouch for the chief; a cookie signed with another key vouches for nobody.
    assert _login(own_pc, "station_chief", PASSWORD, "10.1.0.10").status_code == 429
    forged = Client()
    forged.cookies[devices.COOKIE_NAME] = signing.dumps([["station_chief", "x" * 22]], key="not-the-key", salt="x")
    assert _login(forged, "station_chief", PASSWORD, "10.1.0.12").status_code == 429


def test_issue12_the_officers_own_browser_has_a_small_limit_of_its_own(world):
    own_pc = _own_pc("deputy")
    for _ in range(RULES[DEVICE].free):
        assert _login(own_pc, "deputy", "typo", "10.1.0.10").status_code in (200, 429)
    assert LoginThrottle.objects.get(scope=DEVICE).until is not None
    assert not LoginThrottle.objects.filter(scope__in=[ACCOUNT, ADDRESS]).exists()
    response = _login(own_pc, "deputy", PASSWORD, "10.1.0.10")
    assert response.status_code == 429 and "この端末からこのアカウントへの" in response.content.decode()
    # Any other browser is not held back by the officer's own typos.
    other = Client()
    assert _logged_in(_login(other, "deputy", PASSWORD, "10.1.0.13"), other)


def test_issue12_a_login_from_a_strange_browser_forgets_the_accounts_failures_but_not_the_addresss(world):
    client = Client()
    for _ in range(ACCOUNT_FREE - 1):
        _login(client, "deputy", "typo", "10.1.0.14")
    assert _logged_in(_login(client, "deputy", PASSWORD, "10.1.0.14"), client)
    assert not LoginThrottle.objects.filter(scope=ACCOUNT).exists()
    assert LoginThrottle.objects.get(scope=ADDRESS, key="10.1.0.14").failures == ACCOUNT_FREE - 1


# --- The client address ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("remote", "forwarded", "expected"),
    [
        ("203.0.113.1", "", "203.0.113.1"),
        ("203.0.113.1", "192.0.2.1", "203.0.113.1"),  # not from a trusted proxy: the header is not read
        ("10.0.0.2", "192.0.2.1", "192.0.2.1"),
        ("10.0.0.2", "6.6.6.6, 192.0.2.1", "192.0.2.1"),  # the left part is the client's own words
        ("10.0.0.2", "192.0.2.1, 10.0.0.3", "192.0.2.1"),  # a chain of trusted proxies is walked from the right
        ("10.0.0.2", "192.0.2.1, not-an-address", "10.0.0.2"),  # a malformed entry ends the walk
        ("10.0.0.2", "", "10.0.0.2"),
        ("::ffff:203.0.113.1", "", "203.0.113.1"),
        ("10.0.0.2", "2001:db8::1", "2001:db8::1"),
        ("", "192.0.2.1", None),
    ],
)
def test_issue12_the_client_address_believes_x_forwarded_for_only_from_a_trusted_proxy(
    settings, remote, forwarded, expected
):
    settings.TRUSTED_PROXIES = ["10.0.0.2", "10.0.0.0/29"]
    request = RequestFactory().get("/", REMOTE_ADDR=remote, HTTP_X_FORWARDED_FOR=forwarded)
    assert client_address(request) == expected


def test_issue12_without_trusted_proxies_the_header_is_never_read(settings):
    settings.TRUSTED_PROXIES = []
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="192.0.2.1")
    assert client_address(request) == "10.0.0.2"


# --- The HQ administrator's screen -----------------------------------------------------------------------------


def test_issue12_the_hq_administrator_lists_and_clears_waits_and_the_clearing_is_audited(world, client_for):
    for i in range(ACCOUNT_FREE):
        _login(Client(), "deputy", "wrong", f"203.0.113.{i + 1}")
    admin = client_for("hq_admin")
    assert reverse("login_throttles") in admin.get(reverse("org:officers")).content.decode()
    page = admin.get(reverse("login_throttles"))
    row = LoginThrottle.objects.get(scope=ACCOUNT, key="deputy")
    assert list(page.context["throttles"]) == [row]
    assert "deputy" in page.content.decode() and str(ACCOUNT_FREE) in page.content.decode()

    assert admin.get(reverse("login_throttle_clear", args=[row.pk])).status_code == 405
    response = admin.post(reverse("login_throttle_clear", args=[row.pk]))
    assert response.status_code == 302
    assert not LoginThrottle.objects.filter(pk=row.pk).exists()
    entry = AuditEntry.objects.get(action="auth.throttle_cleared")
    assert entry.user == world.user("hq_admin") and "deputy" in entry.summary
    client = Client()
    assert _logged_in(_login(client, "deputy", PASSWORD, "203.0.113.77"), client)
    assert "待ち時間がかかっているログインはありません" in admin.get(reverse("login_throttles")).content.decode()


def test_issue12_others_may_not_clear_a_wait(world, client_for):
    for i in range(ACCOUNT_FREE):
        _login(Client(), "koban_staff", "wrong", f"203.0.113.{i + 1}")
    row = LoginThrottle.objects.get(scope=ACCOUNT)
    for role in ("hq_staff", "station_chief", "deputy"):
        assert client_for(role).post(reverse("login_throttle_clear", args=[row.pk])).status_code == 403
    assert LoginThrottle.objects.filter(pk=row.pk).exists()


def test_issue12_the_list_costs_the_same_with_one_wait_and_with_many(world, client_for):
    admin = client_for("hq_admin")
    login_failure_record(username="a", address=None, device_token=None)  # failures that impose no wait: not listed
    for _ in range(ACCOUNT_FREE):
        login_failure_record(username="one", address=None, device_token=None)
    admin.get(reverse("login_throttles"))  # the first page of a session also stores what it caches
    with CaptureQueriesContext(connection) as one:
        admin.get(reverse("login_throttles"))
    for i in range(30):
        for _ in range(ACCOUNT_FREE):
            login_failure_record(username=f"user{i}", address=None, device_token=None)
    with CaptureQueriesContext(connection) as many:
        page = admin.get(reverse("login_throttles"))
    assert len(page.context["throttles"]) == 31
    assert len(many) == len(one)


# --- Audit -----------------------------------------------------------------------------------------------------


def test_issue12_each_failure_each_wait_started_and_each_refusal_is_audited(world):
    for _ in range(ACCOUNT_FREE):
        _login(Client(), "deputy", "wrong-secret-2", "10.3.0.1")
    _login(Client(), "deputy", PASSWORD, "10.3.0.2")
    assert AuditEntry.objects.filter(action="auth.failed").count() == ACCOUNT_FREE
    started, refused = AuditEntry.objects.filter(action="auth.locked_out").order_by("seq")
    assert "1分の待ち時間" in started.summary and started.detail["scope"] == ACCOUNT
    assert started.ip_address == "10.3.0.1"
    assert "待ち時間中のログインを拒否しました" in refused.summary and refused.ip_address == "10.3.0.2"
    every = " ".join(f"{e.summary} {e.detail}" for e in AuditEntry.objects.all())
    assert "wrong-secret-2" not in every and PASSWORD not in every


# --- Simultaneous failures -------------------------------------------------------------------------------------


@pytest.mark.skipif("connection.vendor != 'postgresql'", reason="SQLite lets one writer at a time anyway")
@pytest.mark.django_db(transaction=True)
def test_issue12_simultaneous_failures_are_each_counted_and_one_of_them_starts_the_wait():
    """Twelve failures against one account and one address at the same instant: the counters read 12 exactly, and
    exactly one failure (the fifth counted) started the account's first wait."""
    senders = 12
    barrier, started, errors = threading.Barrier(senders), [], []

    def fail(i):
        try:
            barrier.wait(timeout=10)
            started.extend(
                (row.scope, row.failures)
                for row in login_failure_record(username="target", address="203.0.113.1", device_token=None)
            )
        except Exception as exc:  # noqa: BLE001 — reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=fail, args=(i,)) for i in range(senders)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert LoginThrottle.objects.get(scope=ACCOUNT, key="target").failures == senders
    assert LoginThrottle.objects.get(scope=ADDRESS, key="203.0.113.1").failures == senders
    account_starts = sorted(n for scope, n in started if scope == ACCOUNT)
    assert account_starts == list(range(ACCOUNT_FREE, senders + 1))  # each count seen once, none twice
