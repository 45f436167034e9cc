"""X2 (ASVS 5.0 V6): logging in with a second factor through a real Chromium — enrolment at the first login, the
app's code, and a recovery code. The codes are computed here from the device's key, as the officer's app would."""

import time
from base64 import b32decode
from binascii import unhexlify

import pytest
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from e2e.conftest import login
from liaison.testing import PASSWORD, World

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def world(settings):
    settings.OTP_REQUIRED = True
    return World()


def code_for(key_hex: str) -> str:
    totp = TOTP(unhexlify(key_hex))
    totp.time = time.time()
    return f"{totp.token():06d}"


def test_x2_first_login_enrols_the_app_then_goes_home(page, live_server, world):
    """X2 (ASVS V6): the first login leads to enrolment; the key read off the page gives the code that confirms
    it; the recovery codes are shown once with a print button; then the home page opens."""
    login(page, live_server, "station_chief", PASSWORD)
    assert "/accounts/second-factor/setup/" in page.url
    assert page.get_by_role("img", name="認証アプリに登録するQRコード").is_visible()
    key = page.locator("#second-factor-key").inner_text().replace(" ", "")
    key_hex = b32decode(key + "=" * (-len(key) % 8)).hex()
    field = page.get_by_label("確認コード（6桁）")
    assert field.get_attribute("inputmode") == "numeric"
    assert field.get_attribute("autocomplete") == "one-time-code"
    field.fill(code_for(key_hex))
    page.get_by_role("button", name="登録する").click()
    page.wait_for_load_state("networkidle")
    assert page.get_by_role("heading", name="認証アプリを登録しました").is_visible()
    assert page.locator(".recovery-codes li").count() == 10
    assert page.get_by_role("button", name="印刷する").is_visible()
    page.get_by_role("link", name="続ける").click()
    page.wait_for_load_state("networkidle")
    assert page.url.rstrip("/") == live_server.url
    assert "署長" in page.get_by_role("heading", level=1).inner_text()


def test_x2_logs_in_with_password_and_the_apps_code(page, live_server, world):
    """X2 (ASVS V6): password, then the six-digit code of the enrolled app; the page first asked for opens."""
    device = TOTPDevice.objects.create(user=world.user("station_chief"), name="TOTP", confirmed=True)
    page.goto(f"{live_server.url}/org/stations/")
    page.get_by_label("ユーザー名").fill("station_chief")
    page.get_by_label("パスワード").fill(PASSWORD)
    page.get_by_role("button", name="ログイン").click()
    page.wait_for_load_state("networkidle")
    assert "/accounts/second-factor/" in page.url
    page.get_by_label("確認コード（6桁）").fill(code_for(device.key))
    page.get_by_role("button", name="確認する").click()
    page.wait_for_load_state("networkidle")
    assert page.url == f"{live_server.url}/org/stations/"
    assert page.get_by_role("heading", level=1).is_visible()


def test_x2_logs_in_with_a_recovery_code_once(page, live_server, world):
    """X2 (ASVS V6): without the phone, a recovery code lets the officer in once."""
    user = world.user("community_section")
    TOTPDevice.objects.create(user=user, name="TOTP", confirmed=True)
    static = StaticDevice.objects.create(user=user, name="recovery", confirmed=True)
    StaticToken.objects.create(device=static, token="abcd2345")
    login(page, live_server, "community_section", PASSWORD)
    page.get_by_role("link", name="スマートフォンが手元にない場合（回復用コードを使う）").click()
    page.get_by_label("回復用コード").fill("ABCD 2345")
    page.get_by_role("button", name="確認する").click()
    page.wait_for_load_state("networkidle")
    assert page.url.rstrip("/") == live_server.url
    assert not StaticToken.objects.filter(device=static).exists()
