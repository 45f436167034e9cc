"""The appointment and successor forms pick a person by search (the person picker), with and without JavaScript."""

import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from liaison.councils.models import Membership
from liaison.testing import make_council_with_members, make_person

pytestmark = pytest.mark.django_db


@pytest.fixture
def council(world):
    council, _ = make_council_with_members(world, world.koban_a, acting_user=world.user("deputy"), count=2)
    return council


def test_the_appointment_form_no_longer_lists_every_person(world, council, client_for):
    """The form's size and cost do not grow with the people recorded: no option per person, same queries."""
    client = client_for("community_section")
    url = f"/councils/{council.pk}/appoint/"
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        page = client.get(url).content.decode()
    for i in range(60):
        make_person(world.station_a, "多田", f"{i}", "タダ", "イチ")
    with CaptureQueriesContext(connection) as many:
        more = client.get(url).content.decode()
    assert "<option" not in page.split('name="person"')[1].split("</div>")[0]
    assert len(more) == len(page) and len(many) == len(few)
    assert 'data-search-url="/people/pick/"' in page


def test_c6_3_without_javascript_search_pick_and_appoint_keeping_what_was_typed(world, council, client_for):
    """C6.3 without JavaScript: 検索 brings the form back with the results as radio buttons and everything else as
    typed (and no "required" noise from the empty new-person part); choosing one and sending appoints them."""
    wanted = make_person(world.station_a, "後藤", "明", "ゴトウ", "アキラ", address_town="作並")
    namesake = make_person(world.station_a, "後藤", "明", "ゴトウ", "アキラ", birth_date=dt.date(1990, 4, 1))
    elsewhere = make_person(world.station_b, "後藤", "明", "ゴトウ", "アキラ")
    client = client_for("koban_chief")
    url = f"/councils/{council.pk}/appoint/"
    typed = {"start_date": "令和7年4月1日", "post": "member", "letter_number": "第7号", "leader_category": "u"}
    response = client.post(url, {**typed, "person_q": "ｺﾞﾄｳ", "person_search": "1"})
    assert response.status_code == 200
    page = response.content.decode()
    radios = re.findall(r'name="person_pick" value="(\d+)"', page)
    assert sorted(map(int, radios)) == sorted([wanted.pk, namesake.pk])  # never the other station's
    assert str(elsewhere.pk) not in radios
    assert "作並" in page and "2件見つかりました。" in page
    assert 'value="令和7年4月1日"' in page and 'value="第7号"' in page and 'value="u" selected' in page
    assert 'name="person_q" value="ｺﾞﾄｳ"' in page
    assert "このフィールドは必須です。" not in page
    assert not Membership.objects.filter(person__family_name="後藤").exists()

    response = client.post(url, {**typed, "person_q": "ｺﾞﾄｳ", "person_pick": str(wanted.pk), "save": "1"})
    assert response.status_code == 302
    membership = Membership.objects.get(person__family_name="後藤")
    assert membership.person == wanted and membership.letter_number == "第7号" and membership.leader_category == "u"


def test_c6_3_with_javascript_the_hidden_id_appoints(world, council, client_for):
    """C6.3: what the script sends (the hidden id, the text box left without a name) appoints the person."""
    person = make_person(world.station_a, "新井", "聡", "アライ", "サトシ")
    response = client_for("koban_chief").post(
        f"/councils/{council.pk}/appoint/",
        {"person": str(person.pk), "start_date": "令和7年4月1日", "post": "member", "save": "1"},
    )
    assert response.status_code == 302
    assert Membership.objects.filter(person=person, council=council).exists()


def test_x2_appointing_another_stations_person_is_refused_as_not_a_choice(world, council, client_for):
    """X2: an id of a person the user may not see is an invalid choice, as if it did not exist; nothing is saved."""
    elsewhere = make_person(world.station_b, "泉", "太郎", "イズミ", "タロウ")
    response = client_for("koban_chief").post(
        f"/councils/{council.pk}/appoint/",
        {"person": str(elsewhere.pk), "start_date": "令和7年4月1日", "post": "member", "save": "1"},
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "正しく選択してください。" in page and "泉 太郎" not in page
    assert not Membership.objects.filter(person=elsewhere).exists()


def test_the_preview_shows_the_chosen_person_with_their_details(world, council, client_for):
    person = make_person(world.station_a, "新井", "聡", "アライ", "サトシ", address_city="仙台市青葉区")
    page = (
        client_for("koban_chief")
        .post(
            f"/councils/{council.pk}/appoint/",
            {"person": str(person.pk), "start_date": "令和7年4月1日", "post": "member", "preview": "1"},
        )
        .content.decode()
    )
    chosen = page.split('id="id_person_chosen"')[1].split("</button>")[0]
    assert "新井 聡" in chosen and "アライ サトシ" in chosen and "仙台市青葉区" in chosen
    assert f'name="person" value="{person.pk}"' in page


def test_c6_2_1_successor_picked_without_javascript(world, council, client_for):
    """C6.2(1): the successor form picks its person the same way; the successor serves the remaining term."""
    ended = council.memberships.order_by("pk").last()
    client = client_for("koban_chief")
    client.post(f"/councils/memberships/{ended.pk}/end/", {"ended_on": "令和8年1月31日", "reason": "resigned"})
    successor = make_person(world.station_a, "後藤", "明", "ゴトウ", "アキラ")
    url = f"/councils/memberships/{ended.pk}/successor/"
    page = client.post(url, {"person_q": "ごとう", "person_search": "1", "start_date": "令和8年2月10日"})
    assert f'name="person_pick" value="{successor.pk}"' in page.content.decode()
    assert not Membership.objects.filter(person=successor).exists()
    response = client.post(url, {"person_pick": str(successor.pk), "start_date": "令和8年2月10日"})
    assert response.status_code == 302
    new = Membership.objects.get(person=successor)
    assert new.end_date == ended.end_date and new.kind == "successor"
