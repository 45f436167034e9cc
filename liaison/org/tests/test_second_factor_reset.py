"""X2 (ASVS 5.0 V6): the HQ administrator resets the second factor of an officer who lost their phone; the officer
enrols again at the next login, and the audit log says who reset whose."""

import time
from binascii import unhexlify

import pytest
from django.test import Client
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from liaison.audit.models import AuditEntry
from liaison.testing import PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture
def enrolled_officer(world, settings):
    settings.OTP_REQUIRED = True
    officer = world.officers["koban_staff"]
    device = TOTPDevice.objects.create(user=officer.user, name="TOTP", confirmed=True)
    static = StaticDevice.objects.create(user=officer.user, name="recovery", confirmed=True)
    StaticToken.objects.create(device=static, token="abcd2345")
    return officer, device


def _verified_client(username, device) -> Client:
    totp = TOTP(unhexlify(device.key))
    totp.time = time.time()
    client = Client()
    client.post("/accounts/login/", {"username": username, "password": PASSWORD})
    assert client.post("/accounts/second-factor/", {"code": f"{totp.token():06d}"})["Location"] == "/"
    return client


def test_x2_hq_resets_an_officers_second_factor_and_they_enrol_again(world, enrolled_officer):
    """X2 (ASVS V6): the reset removes the app and the recovery codes; the officer's open session and next login
    lead to enrolment; the audit entry names the administrator and the officer."""
    officer, device = enrolled_officer
    officer_client = _verified_client("koban_staff", device)
    admin_device = TOTPDevice.objects.create(user=world.user("hq_admin"), name="TOTP", confirmed=True)
    admin = _verified_client("hq_admin", admin_device)

    edit_url = f"/org/officers/{officer.pk}/edit/"
    page = admin.get(edit_url).content.decode()
    assert "二要素認証：登録済み" in page and f"/org/officers/{officer.pk}/second-factor/reset/" in page

    response = admin.post(f"/org/officers/{officer.pk}/second-factor/reset/", follow=True)
    assert response.redirect_chain[-1][0] == edit_url
    assert "二要素認証を解除しました" in response.content.decode()
    assert "二要素認証：未登録" in response.content.decode()
    assert not TOTPDevice.objects.filter(user=officer.user).exists()
    assert not StaticDevice.objects.filter(user=officer.user).exists()

    entry = AuditEntry.objects.get(action="org.officer.second_factor_reset")
    assert entry.user == world.user("hq_admin")
    assert entry.object_type == "org.Officer" and entry.object_id == str(officer.pk)
    assert officer.full_name in entry.summary
    assert entry.detail == {"officer_user_id": officer.user_id, "devices_removed": 2}

    # The officer's open session no longer counts as verified: the next page asks for enrolment.
    response = officer_client.get("/", follow=True)
    assert response.redirect_chain[-1][0].startswith("/accounts/second-factor/setup/")
    # And so does the next login.
    response = Client().post("/accounts/login/", {"username": "koban_staff", "password": PASSWORD}, follow=True)
    assert response.redirect_chain[-1][0].startswith("/accounts/second-factor/setup/")


@pytest.mark.parametrize("role", ["station_chief", "community_section", "hq_staff", "koban_chief"])
def test_x2_only_the_hq_administrator_resets_a_second_factor(world, client_for, settings, role):
    """X2: the reset takes the permission to manage officers (the HQ administrator's); anyone else, of this station
    or another, gets 403 and the officer's devices stay."""
    settings.OTP_REQUIRED = False
    officer = world.officers["koban_staff"]
    TOTPDevice.objects.create(user=officer.user, name="TOTP", confirmed=True)
    assert client_for(role).post(f"/org/officers/{officer.pk}/second-factor/reset/").status_code == 403
    assert client_for(world.chief_b.user).post(f"/org/officers/{officer.pk}/second-factor/reset/").status_code == 403
    assert TOTPDevice.objects.filter(user=officer.user).exists()
    assert not AuditEntry.objects.filter(action="org.officer.second_factor_reset").exists()
