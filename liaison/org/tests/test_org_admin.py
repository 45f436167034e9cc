"""X1, X2: the HQ administrator maintains the organisation and gives officers their logins; every change is audited."""

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from liaison.audit.models import AuditEntry
from liaison.org import actions
from liaison.org.models import HQDivision, Koban, Officer, Rank, Section, Station
from liaison.testing import PASSWORD, make_station

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Sendai-koban-2025"


def _login(username, password):
    """A real login through the form (the throttle needs the request); a success redirects to the home page."""
    response = Client().post("/accounts/login/", {"username": username, "password": password})
    return response.status_code == 302 and response["Location"] == "/"


def _officer_data(**overrides):
    data = {
        "family_name": "高橋",
        "given_name": "健",
        "family_kana": "たかはし",
        "given_kana": "ｹﾝ",
        "rank": Rank.JUNSA,
        "title": "",
        "role": "",
        "hq_division": "",
        "station": "",
        "section": "",
        "koban": "",
    }
    data.update({k: ("" if v is None else v) for k, v in overrides.items()})
    return data


def test_x1_hq_admin_builds_a_station_with_sections_and_a_koban(world, client_for):
    client = client_for("hq_admin")
    response = client.post(
        "/org/stations/new/", {"name": "若林警察署", "code": "C01", "address": "仙台市若林区", "order": 3}
    )
    station = Station.objects.get(code="C01")
    assert response.status_code == 302 and response["Location"] == f"/org/stations/{station.pk}/"

    for name, community in (("地域課", "on"), ("交通課", "")):
        data = {"name": name, "order": 1}
        if community:
            data["is_community"] = community
        assert client.post(f"/org/stations/{station.pk}/sections/new/", data).status_code == 302
    assert list(station.sections.values_list("name", "is_community")) == [("交通課", False), ("地域課", True)]

    response = client.post(
        "/org/kobans/new/",
        {
            "station": station.pk,
            "name": "荒井駐在所",
            "kind": Koban.Kind.CHUZAISHO,
            "jurisdiction_name": "荒井地区",
            "municipality": "仙台市若林区",
            "area": "荒井",
            "order": 1,
        },
    )
    koban = Koban.objects.get(name="荒井駐在所")
    assert response.status_code == 302 and koban.station == station and koban.jurisdiction_name == "荒井地区"
    page = client.get(f"/org/stations/{station.pk}/").content.decode()
    assert "荒井駐在所" in page and "課を追加する" in page

    actions_logged = set(AuditEntry.objects.values_list("action", flat=True))
    assert {"org.station.create", "org.section.create", "org.koban.create"} <= actions_logged


def test_x1_station_edit_keeps_input_and_reports_duplicates_in_japanese(world, client_for):
    client = client_for("hq_admin")
    response = client.post(
        f"/org/stations/{world.station_a.pk}/edit/",
        {"name": "泉警察署", "code": "A01", "address": "新住所", "order": 1, "version": 1},
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "既に存在します" in page and "新住所" in page
    response = client.post(
        f"/org/stations/{world.station_a.pk}/edit/",
        {"name": "青葉警察署", "code": "A01", "address": "仙台市青葉区二日町", "order": 1, "version": 1},
    )
    assert response.status_code == 302
    world.station_a.refresh_from_db()
    assert world.station_a.address == "仙台市青葉区二日町"
    entry = AuditEntry.objects.get(action="org.station.update")
    assert entry.detail["address"][1] == "仙台市青葉区二日町"


def test_x1_one_community_section_per_station(world, client_for):
    client = client_for("hq_admin")
    response = client.post(
        f"/org/stations/{world.station_a.pk}/sections/new/", {"name": "地域第二課", "is_community": "on", "order": 9}
    )
    assert response.status_code == 200
    assert "青葉警察署には既に地域課（地域課）があります" in response.content.decode()
    assert not Section.objects.filter(name="地域第二課").exists()

    traffic = world.station_a.sections.get(name="生活安全課")
    with pytest.raises(ValidationError, match="地域課は1署に1つです"):
        actions.section_update(
            section=traffic, values={"is_community": True}, version=1, acting_user=world.user("hq_admin")
        )
    # Rename works, and another station's 地域課 does not count.
    community = world.station_a.sections.get(is_community=True)
    response = client.post(
        f"/org/sections/{community.pk}/edit/", {"name": "地域官", "is_community": "on", "order": 1, "version": 1}
    )
    assert response.status_code == 302
    community.refresh_from_db()
    assert community.name == "地域官" and community.is_community
    assert AuditEntry.objects.filter(action="org.section.update", object_id=str(community.pk)).exists()


def test_x1_duplicate_section_name_refused(world):
    with pytest.raises(ValidationError, match="青葉警察署には既に「刑事課」があります"):
        actions.section_create(
            station=world.station_a, values={"name": "刑事課", "order": 5}, acting_user=world.user("hq_admin")
        )


def test_x1_hq_divisions_list_create_and_edit(world, client_for):
    client = client_for("hq_admin")
    assert client.post("/org/hq-divisions/new/", {"name": "交通部交通企画課", "order": 5}).status_code == 302
    division = HQDivision.objects.get(name="交通部交通企画課")
    response = client.post(
        f"/org/hq-divisions/{division.pk}/edit/", {"name": "交通部交通指導課", "order": 5, "version": 1}
    )
    assert response.status_code == 302
    assert "交通部交通指導課" in client.get("/org/hq-divisions/").content.decode()
    assert AuditEntry.objects.filter(action__startswith="org.hq_division.").count() == 2


def test_x1_koban_edit_cannot_move_station_and_close_is_refused_with_officers(world, client_for):
    client = client_for("hq_admin")
    response = client.post(
        f"/org/kobans/{world.koban_a.pk}/edit/",
        {
            "station": world.station_b.pk,  # disabled on edit: moves are reorganisations
            "name": "一番町交番",
            "kind": Koban.Kind.KOBAN,
            "jurisdiction_name": "一番町・国分町",
            "municipality": "仙台市青葉区",
            "area": "",
            "order": 1,
            "version": 1,
        },
    )
    assert response.status_code == 302
    world.koban_a.refresh_from_db()
    assert world.koban_a.station == world.station_a and world.koban_a.jurisdiction_name == "一番町・国分町"

    response = client.post(f"/org/kobans/{world.koban_a.pk}/close/", follow=True)
    assert "在職中の職員が2人配置されています" in response.content.decode()
    world.koban_a.refresh_from_db()
    assert world.koban_a.active

    assert "在職中の職員が2人" in client.get(f"/org/kobans/{world.koban_a.pk}/close/").content.decode()
    response = client.post(f"/org/kobans/{world.chuzaisho_a.pk}/close/")
    assert response.status_code == 302
    world.chuzaisho_a.refresh_from_db()
    assert not world.chuzaisho_a.active
    assert AuditEntry.objects.filter(action="org.koban.close", object_id=str(world.chuzaisho_a.pk)).exists()


def test_x1_create_officer_of_each_role_kind_with_login(world, client_for):
    client = client_for("hq_admin")
    division = world.officers["hq_staff"].hq_division
    section = world.station_a.sections.get(name="刑事課")
    cases = [
        ("hq1", {"role": "hq_staff", "hq_division": division.pk}),
        ("chief1", {"role": "station_chief", "station": world.station_a.pk, "rank": Rank.KEISHI}),
        ("sect1", {"role": "section_staff", "station": world.station_a.pk, "section": section.pk}),
        ("kob1", {"role": "koban_staff", "station": world.station_a.pk, "koban": world.chuzaisho_a.pk}),
    ]
    for username, fields in cases:
        data = _officer_data(username=username, password1=NEW_PASSWORD, password2=NEW_PASSWORD, **fields)
        response = client.post("/org/officers/new/", data)
        assert response.status_code == 302, response.context["form"].errors
        assert _login(username, NEW_PASSWORD)
    koban_officer = Officer.objects.get(user__username="kob1")
    assert (koban_officer.family_kana, koban_officer.given_kana) == ("タカハシ", "ケン")
    assert koban_officer.section == world.station_a.sections.get(is_community=True)  # the station's 地域課
    assert Officer.objects.get(user__username="hq1").station is None
    assert AuditEntry.objects.filter(action="org.officer.create").count() == 4


def test_x1_officer_placement_errors_are_shown_in_japanese_and_input_kept(world, client_for):
    client = client_for("hq_admin")
    base = {"username": "new1", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
    response = client.post(
        "/org/officers/new/",
        _officer_data(role="koban_chief", station=world.station_a.pk, koban=world.koban_b.pk, **base),
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors["koban"] == ["泉中央交番は青葉警察署の交番・駐在所ではありません。"]
    assert form["family_name"].value() == "高橋" and form["username"].value() == "new1"

    response = client.post("/org/officers/new/", _officer_data(role="hq_staff", station=world.station_a.pk, **base))
    errors = response.context["form"].errors
    assert "本部の職員には本部所属を選んでください。" in errors["hq_division"]
    assert "本部の職員には警察署・課・交番・駐在所を選ばないでください。" in errors["station"]

    response = client.post("/org/officers/new/", _officer_data(role="koban_staff", **base))
    errors = response.context["form"].errors
    assert errors["station"] == ["警察署の職員には警察署を選んでください。"]
    assert errors["koban"] == ["交番・駐在所の職員には交番・駐在所を選んでください。"]

    other_section = world.station_b.sections.get(name="刑事課")
    response = client.post(
        "/org/officers/new/",
        _officer_data(role="section_staff", station=world.station_a.pk, section=other_section.pk, **base),
    )
    assert response.context["form"].errors["section"] == ["刑事課は青葉警察署の課ではありません。"]

    response = client.post(
        "/org/officers/new/", _officer_data(role="deputy", station=world.station_a.pk, given_kana="健")
    )
    errors = response.context["form"].errors
    assert errors["given_kana"] == ["読みはカタカナまたはひらがなで入力してください。"]
    assert errors["username"]
    assert not Officer.objects.filter(user__username="new1").exists()


def test_x1_officer_create_password_rules_and_duplicate_username(world, client_for):
    client = client_for("hq_admin")
    data = _officer_data(role="deputy", station=world.station_a.pk, username="deputy", password1="abc", password2="abc")
    errors = client.post("/org/officers/new/", data).context["form"].errors
    assert "ログインID「deputy」は既に使われています。" in errors["username"]
    data["username"] = "deputy2"
    errors = client.post("/org/officers/new/", data).context["form"].errors
    assert any("短すぎ" in e for e in errors["password1"])
    data.update(password1=NEW_PASSWORD, password2="Other-password-99")
    errors = client.post("/org/officers/new/", data).context["form"].errors
    assert errors["password2"] == ["確認のため、同じパスワードを2回入力してください。"]


def test_x1_generated_password_is_shown_once_and_works(world, client_for):
    client = client_for("hq_admin")
    data = _officer_data(role="deputy", station=world.station_a.pk, username="gen1", password1="", password2="")
    response = client.post("/org/officers/new/", data)
    assert response.status_code == 200 and response["Cache-Control"].startswith("no-store")
    password = response.context["password"]
    assert password in response.content.decode()
    assert _login("gen1", password)
    entry = AuditEntry.objects.get(action="org.officer.create")
    assert password not in str(entry.detail) and password not in entry.summary
    officer = Officer.objects.get(user__username="gen1")
    assert password not in client.get(f"/org/officers/{officer.pk}/edit/").content.decode()


def test_x1_edit_officer_names_readings_and_placement(world, client_for):
    client = client_for("hq_admin")
    officer = world.officers["section_staff"]
    data = _officer_data(
        family_name="　髙橋　",
        given_name="﨑子",
        family_kana="たかはし",
        given_kana="さきこ",
        rank=Rank.KEIBUHO,
        title="係長",
        role="koban_chief",
        station=world.station_a.pk,
        koban=world.chuzaisho_a.pk,
        version=1,
    )
    response = client.post(f"/org/officers/{officer.pk}/edit/", data)
    assert response.status_code == 302
    officer.refresh_from_db()
    assert (officer.family_name, officer.given_name) == ("髙橋", "﨑子")  # kanji kept exactly as typed
    assert (officer.family_kana, officer.given_kana, officer.title) == ("タカハシ", "サキコ", "係長")
    assert officer.koban == world.chuzaisho_a and officer.section.is_community
    entry = AuditEntry.objects.get(action="org.officer.update")
    assert entry.detail["role"] == ["section_staff", "koban_chief"]


def test_x2_retired_officer_cannot_log_in_and_the_retirement_is_audited(world, client_for):
    officer = world.officers["koban_staff"]
    assert _login("koban_staff", PASSWORD)
    client = client_for("hq_admin")
    assert "ログインできないようにします" in client.get(f"/org/officers/{officer.pk}/retire/").content.decode()
    response = client.post(f"/org/officers/{officer.pk}/retire/")
    assert response.status_code == 302
    officer.refresh_from_db()
    officer.user.refresh_from_db()
    assert not officer.active and not officer.user.is_active
    assert not _login("koban_staff", PASSWORD)
    entry = AuditEntry.objects.get(action="org.officer.retire")
    assert entry.object_id == str(officer.pk) and entry.station_id == world.station_a.pk
    assert entry.user == world.user("hq_admin")
    # Retired officers are listed only on request; a koban whose only officers left can be closed.
    assert "退職" not in client.get("/org/officers/").content.decode().split("<tbody>")[1].split("</tbody>")[0]
    assert officer.full_name in client.get("/org/officers/?retired=1").content.decode()


def test_x2_an_administrator_cannot_retire_themselves_or_the_last_administrator(world):
    admin = world.officers["hq_admin"]
    with pytest.raises(ValidationError, match="自分自身"):
        actions.officer_retire(officer=admin, acting_user=admin.user)
    with pytest.raises(ValidationError, match="本部地域課（管理者）の職員が他にいなくなる"):
        actions.officer_update(
            officer=admin,
            values={"role": "hq_staff", "hq_division": admin.hq_division},
            version=admin.version,
            acting_user=admin.user,
        )


def test_x2_password_reset_sets_a_new_password_and_is_audited(world, client_for):
    officer = world.officers["deputy"]
    client = client_for("hq_admin")
    page = client.get(f"/org/officers/{officer.pk}/password/").content.decode()
    assert "今のパスワードは表示できません" in page
    response = client.post(
        f"/org/officers/{officer.pk}/password/", {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
    )
    assert response.status_code == 302
    assert _login("deputy", NEW_PASSWORD)
    assert not _login("deputy", PASSWORD)
    entry = AuditEntry.objects.get(action="org.officer.password_reset")
    assert NEW_PASSWORD not in entry.summary and NEW_PASSWORD not in str(entry.detail)

    response = client.post(f"/org/officers/{officer.pk}/password/", {"password1": "", "password2": ""})
    generated = response.context["password"]
    assert _login("deputy", generated)
    assert AuditEntry.objects.filter(action="org.officer.password_reset").count() == 2


def test_x2_only_the_hq_administrator_may_maintain_the_organisation(world, client_for):
    for role in ("hq_staff", "station_chief", "community_section"):
        client = client_for(role)
        assert client.post("/org/stations/new/", {"name": "X署", "code": "X1", "order": 1}).status_code == 403
        assert client.post(f"/org/officers/{world.officers['koban_staff'].pk}/retire/").status_code == 403
    assert not Station.objects.filter(code="X1").exists() and world.officers["koban_staff"].user.is_active


def test_x1_station_without_community_section_cannot_take_koban_officers(world):
    station = make_station("宮城野警察署", "D01")
    station.sections.filter(is_community=True).update(is_community=False)
    koban = Koban.objects.create(station=station, name="原町交番", jurisdiction_name="原町", municipality="仙台市")
    with pytest.raises(ValidationError) as info:
        actions.officer_create(
            values={
                "family_name": "佐藤",
                "given_name": "花",
                "family_kana": "サトウ",
                "given_kana": "ハナ",
                "rank": Rank.JUNSA,
                "role": "koban_staff",
                "station": station,
                "koban": koban,
            },
            username="kob9",
            password=NEW_PASSWORD,
            acting_user=world.user("hq_admin"),
        )
    assert "宮城野警察署に地域課が登録されていません" in info.value.message_dict["section"][0]
