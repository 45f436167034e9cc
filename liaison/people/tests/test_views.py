import copy
import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from liaison.audit.models import AuditEntry
from liaison.people import sections
from liaison.people.models import Person

pytestmark = pytest.mark.django_db

D = datetime.date


def _person(station, family="山田", given="太郎", family_kana="ヤマダ", given_kana="タロウ", **extra):
    return Person.objects.create(
        station=station, family_name=family, given_name=given, family_kana=family_kana, given_kana=given_kana, **extra
    )


def _form(**overrides):
    data = {
        "family_name": "山田",
        "given_name": "太郎",
        "family_kana": "やまだ",
        "given_kana": "たろう",
        "birth_date": "昭和35年4月1日",
        "gender": "male",
        "phone": "",
    }
    data.update(overrides)
    return data


def test_compatibility_kanji_survive_a_create_through_the_form(client_for, world):
    """X3: 髙, 﨑 and 神 typed in the form are stored and shown unchanged; the reading becomes katakana."""
    response = client_for("community_section").post(
        reverse("people:create"), _form(family_name="\u9ad9\ufa11", given_name="\ufa19", given_kana="ｼﾝ")
    )
    person = Person.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("people:detail", args=[person.pk])
    assert (person.family_name, person.given_name) == ("\u9ad9\ufa11", "\ufa19")
    assert (person.family_kana, person.given_kana) == ("ヤマダ", "シン")
    assert person.birth_date == D(1960, 4, 1)
    assert person.station == world.station_a
    page = client_for("community_section").get(response["Location"]).content.decode()
    assert "\u9ad9\ufa11 \ufa19" in page


def test_form_errors_are_japanese_and_keep_what_was_typed(client_for):
    response = client_for("community_section").post(
        reverse("people:create"), _form(family_kana="Yamada", phone="123", occupation="会社員")
    )
    assert response.status_code == 200 and not Person.objects.exists()
    page = response.content.decode()
    assert "カタカナまたはひらがな" in page and "電話番号は0から始まる" in page
    assert 'value="会社員"' in page and 'value="Yamada"' in page


def test_duplicate_by_reading_and_birth_date_warns_until_confirmed(client_for, world):
    """N2.2: a person is recorded once — the same reading and birth date is shown with a link before registering."""
    existing = _person(world.station_a, birth_date=D(1960, 4, 1))
    client = client_for("community_section")
    response = client.post(reverse("people:create"), _form(family_name="山田", given_name="太朗"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "同じ人の可能性がある記録" in page and reverse("people:detail", args=[existing.pk]) in page
    assert "別人として登録する" in page and 'value="太朗"' in page
    assert Person.objects.count() == 1
    response = client.post(reverse("people:create"), _form(given_name="太朗", confirm_distinct="on"))
    assert response.status_code == 302 and Person.objects.count() == 2


def test_duplicate_by_phone_warns(client_for, world):
    """N2.2: the same phone number is flagged as a likely duplicate."""
    existing = _person(world.station_a, family="鈴木", family_kana="スズキ", phone="0221234567")
    response = client_for("station_chief").post(reverse("people:create"), _form(birth_date="", phone="022-123-4567"))
    assert response.status_code == 200
    assert reverse("people:detail", args=[existing.pk]) in response.content.decode()


def test_duplicates_of_other_stations_are_not_shown(client_for, world):
    """X2: the warning does not reveal another station's civilians."""
    _person(world.station_b, phone="0221234567")
    response = client_for("community_section").post(reverse("people:create"), _form(phone="0221234567"))
    assert response.status_code == 302


def test_list_is_in_gojuon_order(client_for, world):
    """X3: persons are listed in 五十音順 of their readings (アベ < イトウ < カトウ < ガトウ < キムラ …)."""
    for family, kana in [
        ("木村", "キムラ"),
        ("加藤", "ガトウ"),
        ("伊藤", "イトウ"),
        ("阿部", "アベ"),
        ("加藤", "カトウ"),
        ("佐々木", "ササキ"),
    ]:
        _person(world.station_a, family=family, family_kana=kana, given="一", given_kana="ハジメ")
    page = client_for("koban_staff").get(reverse("people:list")).content.decode()
    order = ["アベ", "イトウ", "カトウ", "ガトウ", "キムラ", "ササキ"]
    positions = [page.index(f"{kana} ハジメ") for kana in order]
    assert positions == sorted(positions)


def test_list_searches_by_name_reading_and_phone_and_hides_merged(client_for, world):
    tanaka = _person(world.station_a, family="田中", family_kana="タナカ", phone="09011112222")
    sato = _person(world.station_a, family="佐藤", family_kana="サトウ")
    merged = _person(world.station_a, family="田中", family_kana="タナカ", merged_into=tanaka)
    client = client_for("deputy")

    def shown(q):
        page = client.get(reverse("people:list"), {"q": q}).content.decode()
        return {p.pk for p in (tanaka, sato, merged) if reverse("people:detail", args=[p.pk]) in page}

    assert shown("田中") == {tanaka.pk}
    assert shown("たなか") == {tanaka.pk}
    assert shown("090-1111") == {tanaka.pk}
    assert shown("") == {tanaka.pk, sato.pk}


def test_list_query_count_does_not_grow_with_rows(client_for, world):
    """Lists cost the same at any size: 1 person and 30 persons take the same number of queries."""
    client = client_for("community_section")
    _person(world.station_a)
    client.get(reverse("people:list"))  # warm-up (session, settings caches)

    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(reverse("people:list")).status_code == 200
        return len(ctx)

    one = count()
    for i in range(29):
        _person(world.station_a, given=f"太郎{i}", phone=f"090000000{i:02d}", birth_date=D(1970, 1, 1))
    assert count() == one


def test_person_page_is_audited_as_personal_data(client_for, world):
    """X2: every view of a civilian's page is logged with personal_data."""
    person = _person(world.station_a, birth_date=D(1960, 4, 1))
    response = client_for("koban_staff").get(reverse("people:detail", args=[person.pk]))
    assert response.status_code == 200
    assert "昭和35年4月1日" in response.content.decode() and "歳）" in response.content.decode()
    entry = AuditEntry.objects.get(action="person.view")
    assert entry.personal_data and entry.object_id == str(person.pk) and entry.user == world.user("koban_staff")


def test_other_station_gets_404(client_for, world):
    """X2: a station B officer cannot open, edit or merge a station A person (404, as if missing)."""
    person = _person(world.station_a)
    client = client_for(world.chief_b.user)
    for name in ("people:detail", "people:edit", "people:merge", "people:public_office_new"):
        assert client.get(reverse(name, args=[person.pk])).status_code == 404
    assert not AuditEntry.objects.filter(action="person.view").exists()


def test_stale_edit_shows_the_saved_values_and_keeps_the_typed_ones(client_for, world):
    """Nothing is lost: a stale save shows the conflict box and the user's input, and saves nothing."""
    person = _person(world.station_a, occupation="会社員")
    Person.objects.filter(pk=person.pk).update(occupation="自営業", version=2)
    data = _form(occupation="農業", version=1, birth_date="")
    response = client_for("community_section").post(reverse("people:edit", args=[person.pk]), data)
    assert response.status_code == 200
    page = response.content.decode()
    assert "現在の保存内容" in page and "自営業" in page and 'value="農業"' in page
    assert 'name="version" value="2"' in page
    person.refresh_from_db()
    assert person.occupation == "自営業"
    response = client_for("community_section").post(reverse("people:edit", args=[person.pk]), {**data, "version": 2})
    assert response.status_code == 302
    person.refresh_from_db()
    assert (person.occupation, person.version) == ("農業", 3)


def test_merge_through_the_screens(client_for, world):
    """N2.2: choose the record to keep, confirm, merge; the removed one points at the kept one."""
    keep = _person(world.station_a, birth_date=D(1960, 4, 1))
    remove = _person(world.station_a, given="太朗", birth_date=D(1960, 4, 1))
    client = client_for("community_section")
    url = reverse("people:merge", args=[remove.pk])
    page = client.get(url).content.decode()
    assert f"?keep={keep.pk}" in page  # the likely duplicate is offered
    page = client.get(url, {"q": "やまだ"}).content.decode()
    assert f"?keep={keep.pk}" in page
    assert "統合の確認" in client.get(url, {"keep": keep.pk}).content.decode()
    response = client.post(url, {"keep": keep.pk})
    assert response.status_code == 302 and response["Location"] == reverse("people:detail", args=[keep.pk])
    remove.refresh_from_db()
    assert remove.merged_into == keep
    assert AuditEntry.objects.filter(action="person.merge", user=world.user("community_section")).exists()


def test_merge_cannot_keep_another_stations_person(client_for, world):
    """X2: the one to keep must also be visible to the user."""
    remove = _person(world.station_a)
    other = _person(world.station_b)
    response = client_for("community_section").post(reverse("people:merge", args=[remove.pk]), {"keep": other.pk})
    assert response.status_code == 404
    remove.refresh_from_db()
    assert remove.merged_into is None


def test_public_office_form_records_and_shows_history(client_for, world):
    """C6.4(1): a candidacy is recorded from the person page and appears in the public-office history."""
    person = _person(world.station_a, created_by=world.user("koban_chief"))  # the koban chief's to change (X2)
    client = client_for("koban_chief")
    response = client.post(
        reverse("people:public_office_new", args=[person.pk]),
        {"kind": "candidacy", "office": "仙台市議会議員", "start_date": "令和7年7月1日"},
    )
    assert response.status_code == 302
    record = person.public_offices.get()
    assert record.start_date == D(2025, 7, 1)
    assert "仙台市議会議員" in client.get(reverse("people:detail", args=[person.pk])).content.decode()


def test_public_office_form_errors_are_japanese(client_for, world):
    person = _person(world.station_a, created_by=world.user("koban_chief"))
    response = client_for("koban_chief").post(
        reverse("people:public_office_new", args=[person.pk]),
        {"kind": "office", "office": "町長", "start_date": "2025-07-01", "end_date": "2025-06-01"},
    )
    assert response.status_code == 200
    assert "終了日は開始日以降の日付にしてください。" in response.content.decode()


def test_postal_json_fills_address_fields(client_for):
    """The postal-code lookup answers the address parts the form's script fills in."""
    client = client_for("community_section")
    response = client.get(reverse("people:postal", args=["980-0811"]))
    assert response.status_code == 200
    assert response.json() == {"prefecture": "宮城県", "city": "仙台市青葉区", "town": "一番町"}
    assert client.get(reverse("people:postal", args=["９８００８１１"])).json()["town"] == "一番町"
    assert client.get(reverse("people:postal", args=["0000000"])).status_code == 404
    form = client.get(reverse("people:create")).content.decode()
    assert 'data-postal-fill="prefecture"' in form and "js/postal.js" in form
    assert reverse("people:postal", args=["0000000"]) in form


def test_registered_sections_appear_on_the_person_page(client_for, world, tmp_path, settings):
    """Higher apps add sections through the registry; a None context leaves the section out."""
    templates = copy.deepcopy(settings.TEMPLATES)
    templates[0]["DIRS"] = [*templates[0]["DIRS"], tmp_path]
    settings.TEMPLATES = templates
    (tmp_path / "extra_section.html").write_text("<p>追加の情報: {{ value }} / {{ person.family_name }}</p>")
    person = _person(world.station_a)
    sections.register("追加の欄", "extra_section.html", lambda request, p: {"value": 42}, order=5)
    sections.register("隠す欄", "extra_section.html", lambda request, p: None)
    try:
        page = client_for("deputy").get(reverse("people:detail", args=[person.pk])).content.decode()
    finally:
        sections.unregister("追加の欄")
        sections.unregister("隠す欄")
    assert "<h2>追加の欄</h2><p>追加の情報: 42 / 山田</p>" in page
    assert "隠す欄" not in page


def test_x2_person_list_view_is_audited_with_the_people_shown(world, client_for):
    from liaison.audit.models import AuditEntry
    from liaison.testing import make_person

    person = make_person(world.station_a)
    client_for("koban_staff").get("/people/", {"q": "ヤマダ"})
    entry = AuditEntry.objects.get(action="person.list")
    assert entry.personal_data and entry.detail["ids"] == [person.pk] and entry.detail["q"] == "ヤマダ"


def test_x2_opening_the_edit_form_is_an_audited_view(world, client_for):
    from liaison.audit.models import AuditEntry
    from liaison.testing import make_person

    person = make_person(world.station_a, created_by=world.user("koban_chief"))
    client_for("koban_chief").get(f"/people/{person.pk}/edit/")
    entry = AuditEntry.objects.get(action="person.edit_view")
    assert entry.personal_data and entry.object_id == str(person.pk)


def test_x2_merge_confirmation_is_an_audited_view(world, client_for):
    from liaison.audit.models import AuditEntry
    from liaison.testing import make_person

    one = make_person(world.station_a)
    two = make_person(world.station_a, given="次郎", given_kana="ジロウ")
    client_for("community_section").get(f"/people/{one.pk}/merge/", {"keep": two.pk})
    entry = AuditEntry.objects.get(action="person.merge_view")
    assert entry.personal_data and entry.detail == {"keep": two.pk, "remove": one.pk}
