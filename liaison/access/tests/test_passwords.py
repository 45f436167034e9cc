"""X2 (OWASP ASVS 5.0 L2, passwords): a password may not be built from the officer's own name, login ID or e-mail, and
a password an administrator set must be changed at the first login before any other page opens."""

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import Client

from liaison.access.passwords import OfficerNameValidator, romanisations
from liaison.audit.models import AuditEntry
from liaison.org import actions
from liaison.org.models import Officer, Rank
from liaison.testing import PASSWORD, make_officer

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Sendai-koban-2025"


@pytest.fixture
def aizawa(db):
    officer = make_officer(
        "hq_staff", username="r.aizawa", family="相沢", given="良介", family_kana="アイザワ", given_kana="リョウスケ"
    )
    officer.user.email = "ryo-a@police.example.jp"
    officer.user.save()
    return officer


def test_romanisations_cover_hepburn_with_and_without_long_vowels_kunrei_and_m_before_labials():
    assert {"ryousuke", "ryosuke", "ryohsuke"} <= romanisations("リョウスケ")
    assert {"oono", "ono", "ohno"} <= romanisations("おおの")
    assert {"kanpei", "kampei"} <= romanisations("カンペイ")
    assert {"hattori"} <= romanisations("ハットリ")  # っ doubles the consonant
    assert {"tsuji", "tuji"} <= romanisations("ツジ")
    assert {"shuuhei", "shuhei", "syuhei"} <= romanisations("シュウヘイ")
    assert {"toru", "tooru", "tohru"} <= romanisations("トオル")
    assert romanisations("ﾏｰｸ") >= {"maku"}  # half-width kana and the long-vowel mark
    assert romanisations("") == set()


@pytest.mark.parametrize(
    "password",
    [
        "aizawa-ryosuke",
        "ryosuke.aizawa",
        "aizawaryosuke",
        "AizawaR",
        "Ryousuke#2025!!",
        "RYOHSUKE-koban",
        "ＡＩＺＡＷＡ－２０２５",  # full-width letters
        "x-aizawa-x-2025",
        "相沢良介2025",
        "良介-password",
        "あいざわ2025",
        "リョウスケ2025",
        "aizawar",
        "r-aizaw",  # close to the initial and family name
    ],
)
def test_x2_password_with_the_officers_own_name_is_refused(aizawa, password):
    with pytest.raises(ValidationError) as raised:
        OfficerNameValidator().validate(password, aizawa.user)
    assert raised.value.messages == ["パスワードに自分の氏名（漢字・読み・ローマ字）を含めることはできません。"]


@pytest.mark.parametrize("password", ["r.aizawa-2025", "Koban-RAIZAWA", "ryo-a.secret"])
def test_x2_password_with_the_login_id_or_email_is_refused(db, password):
    officer = make_officer("hq_staff", username="r.aizawa", family_kana="タナカ", given_kana="ハナコ")
    officer.user.email = "ryo-a@police.example.jp"
    with pytest.raises(ValidationError) as raised:
        OfficerNameValidator().validate(password, officer.user)
    assert raised.value.messages == ["パスワードにログインIDやメールアドレスを含めることはできません。"]


@pytest.mark.parametrize("password", ["Tq7-xk9z-Wm4p", "Sendai-koban-2025", "桜並木の坂道2025", "ryo-koban-99"])
def test_x2_password_without_the_name_passes(aizawa, password):
    OfficerNameValidator().validate(password, aizawa.user)


def test_x2_name_check_is_one_of_the_configured_validators(aizawa):
    """Every path that validates a password (password change, officer screens) applies it, in Japanese."""
    with pytest.raises(ValidationError) as raised:
        validate_password("aizawa-ryosuke-2025", aizawa.user)
    assert "パスワードに自分の氏名（漢字・読み・ローマ字）を含めることはできません。" in raised.value.messages


def test_x2_name_check_sees_the_new_officer_before_it_is_saved(world):
    values = {
        "family_name": "相沢",
        "given_name": "良介",
        "family_kana": "アイザワ",
        "given_kana": "リョウスケ",
        "rank": Rank.JUNSA,
        "role": "hq_staff",
        "hq_division": world.officers["hq_staff"].hq_division,
    }
    with pytest.raises(ValidationError) as raised:
        actions.officer_create(
            values=values, username="new-aizawa", password="Ryosuke-2025!", acting_user=world.user("hq_admin")
        )
    assert (
        "パスワードに自分の氏名（漢字・読み・ローマ字）を含めることはできません。"
        in raised.value.message_dict["password1"]
    )
    assert not Officer.objects.filter(family_name="相沢").exists()


def test_x2_own_password_change_refuses_the_name(aizawa):
    client = Client()
    client.force_login(aizawa.user)
    response = client.post(
        "/accounts/password/",
        {"old_password": PASSWORD, "new_password1": "Aizawa.Ryosuke.99", "new_password2": "Aizawa.Ryosuke.99"},
    )
    assert response.status_code == 200
    assert "パスワードに自分の氏名（漢字・読み・ローマ字）を含めることはできません。" in response.content.decode()
    aizawa.user.refresh_from_db()
    assert aizawa.user.check_password(PASSWORD)


def test_generated_passwords_never_spell_a_name():
    """Generated passwords have no vowels, so the name check can never refuse one an administrator is shown."""
    for _ in range(200):
        password = actions.generate_password()
        assert not set(password.lower()) & set("aeiou")


# --- the forced change ----------------------------------------------------------------------------------------


def _login(username, password) -> Client:
    client = Client()
    response = client.post("/accounts/login/", {"username": username, "password": password})
    assert response.status_code == 302 and response["Location"] == "/", "login failed"
    return client


def _officer_data(**overrides):
    data = {
        "family_name": "高橋",
        "given_name": "健",
        "family_kana": "たかはし",
        "given_kana": "ケン",
        "rank": Rank.JUNSA,
        "title": "",
        "role": "deputy",
        "hq_division": "",
        "station": "",
        "section": "",
        "koban": "",
    }
    data.update(overrides)
    return data


def _held_to_password_change(client) -> bool:
    response = client.get("/")
    return response.status_code == 302 and response["Location"] == "/accounts/password/"


def test_x2_generated_password_must_be_changed_at_first_login_and_then_frees_the_account(world, client_for):
    admin = client_for("hq_admin")
    data = _officer_data(station=world.station_a.pk, username="gen1", password1="", password2="")
    generated = admin.post("/org/officers/new/", data).context["password"]
    officer = Officer.objects.get(user__username="gen1")
    assert officer.must_change_password
    create = AuditEntry.objects.get(action="org.officer.create")
    assert create.detail["must_change_password"] is True and "初回ログイン時にパスワード変更" in create.summary

    client = _login("gen1", generated)
    assert _held_to_password_change(client)
    for url in ("/org/stations/", "/councils/", f"/org/officers/{officer.pk}/edit/", "/network/contacts/"):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"] == "/accounts/password/", url
    # A write is refused the same way before it reaches its view.
    response = client.post("/org/stations/new/", {"name": "X署", "code": "X1", "order": 1})
    assert response.status_code == 302 and response["Location"] == "/accounts/password/"
    htmx = client.get("/councils/", headers={"HX-Request": "true"})
    assert htmx.status_code == 204 and htmx["HX-Redirect"] == "/accounts/password/"
    page = client.get("/accounts/password/")
    assert page.status_code == 200 and "管理者が設定したパスワードでログインしています" in page.content.decode()

    response = client.post(
        "/accounts/password/",
        {"old_password": generated, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 302 and response["Location"] == "/accounts/password/done/"
    assert client.get("/accounts/password/done/").status_code == 200
    assert not _held_to_password_change(client)
    assert client.get("/").status_code == 200
    officer.refresh_from_db()
    assert not officer.must_change_password
    change = AuditEntry.objects.get(action="auth.password_change")
    assert change.detail == {"required": True} and change.user_id == officer.user_id
    assert not _held_to_password_change(_login("gen1", NEW_PASSWORD))


def test_x2_typed_password_from_the_administrator_is_forced_too(world, client_for):
    admin = client_for("hq_admin")
    data = _officer_data(station=world.station_a.pk, username="typed1", password1=NEW_PASSWORD, password2=NEW_PASSWORD)
    assert admin.post("/org/officers/new/", data).status_code == 302
    assert _held_to_password_change(_login("typed1", NEW_PASSWORD))


def test_x2_password_reset_by_an_administrator_forces_a_change_and_logout_still_works(world, client_for):
    officer = world.officers["deputy"]
    client = _login("deputy", PASSWORD)
    assert not _held_to_password_change(client)
    admin = client_for("hq_admin")
    admin.post(f"/org/officers/{officer.pk}/password/", {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    officer.refresh_from_db()
    assert officer.must_change_password
    reset = AuditEntry.objects.get(action="org.officer.password_reset")
    assert reset.detail == {"must_change_password": True}

    client = _login("deputy", NEW_PASSWORD)
    assert _held_to_password_change(client)
    response = client.post("/accounts/logout/")
    assert response.status_code == 302 and response["Location"] == "/accounts/login/"
    assert "_auth_user_id" not in client.session


def test_x2_administrator_resetting_their_own_password_is_not_forced(world, client_for):
    officer = world.officers["hq_admin"]
    actions.officer_password_reset(officer=officer, password=NEW_PASSWORD, acting_user=officer.user)
    officer.refresh_from_db()
    assert not officer.must_change_password
    assert AuditEntry.objects.get(action="org.officer.password_reset").detail == {"must_change_password": False}


def test_x2_an_ordinary_password_change_is_audited_as_not_required(world):
    client = _login("deputy", PASSWORD)
    client.post(
        "/accounts/password/",
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert AuditEntry.objects.get(action="auth.password_change").detail == {"required": False}


def test_x2_forced_change_check_costs_no_query(world, django_assert_num_queries):
    """The officer comes with the user, so holding an account to the change adds no query to a request."""
    officer = world.officers["deputy"]
    client = _login("deputy", PASSWORD)
    Officer.objects.filter(pk=officer.pk).update(must_change_password=True)
    client.get("/accounts/password/")
    with django_assert_num_queries(2):  # the session, and the user with the officer
        response = client.get("/org/stations/")
    assert response["Location"] == "/accounts/password/"
