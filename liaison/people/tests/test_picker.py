"""The person picker: its search endpoint (/people/pick/) and the field forms declare (PersonPickerField)."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from liaison.access.personal_data import ALL_FIELDS, ON_DUTY, visible_fields
from liaison.audit.models import AuditEntry
from liaison.lib import forms as lib_forms
from liaison.lib.dates import today_tokyo
from liaison.people import current_roles, picker
from liaison.people.models import Person
from liaison.people.picker import PersonPickerField
from liaison.people.queries import current
from liaison.testing import make_council_with_members, make_person

pytestmark = pytest.mark.django_db

URL = "/people/pick/"


def _values(response) -> list[int]:
    return [
        int(v) for v in re.findall(r'role="option" aria-selected="false" data-value="(\d+)"', response.content.decode())
    ]


def _find(client, q) -> list[int]:
    response = client.get(URL, {"q": q})
    assert response.status_code == 200
    return _values(response)


@pytest.fixture
def people(world):
    a = world.station_a
    return {
        "yamada": make_person(
            a,
            "山田",
            "太郎",
            "ヤマダ",
            "タロウ",
            phone="0221234567",
            postal_code="980-0811",
            address_city="仙台市青葉区",
            address_town="一番町",
        ),
        "koyama": make_person(a, "小山", "花子", "コヤマ", "ハナコ", postal_code="981-0903"),
        "sato": make_person(a, "佐藤", "一郎", "サトウ", "イチロウ", phone="09011112222"),
        "other_station": make_person(world.station_b, "山田", "次郎", "ヤマダ", "ジロウ", phone="0229998888"),
    }


# --- What the search finds --------------------------------------------------------------------------------------


def test_x3_reading_prefix_in_hiragana_katakana_half_and_full_width(people, client_for):
    """X3: a reading is found from its start however the kana is typed."""
    client = client_for("community_section")
    for typed in ("やま", "ヤマ", "ﾔﾏ", "やまだ", "ﾔﾏﾀﾞ", "ヤマダ　タ"):
        assert _find(client, typed)[0] == people["yamada"].pk, typed


def test_a_reading_is_found_from_its_start_not_from_its_middle(people, client_for):
    """Readings are looked up from their start (an indexed prefix): ヤマ finds ヤマダ, not コヤマ, which contains it."""
    found = _find(client_for("community_section"), "やま")
    assert people["yamada"].pk in found and people["koyama"].pk not in found


def test_name_in_kanji_any_part(people, client_for):
    client = client_for("community_section")
    assert _find(client, "山田") == [people["yamada"].pk]
    assert _find(client, "太郎") == [people["yamada"].pk]
    assert _find(client, "山") == [people["yamada"].pk, people["koyama"].pk]
    assert _find(client, "山田 太郎") == [people["yamada"].pk]  # every word must match
    assert _find(client, "山田 花子") == []


def test_phone_digits_as_typed(people, client_for):
    client = client_for("community_section")
    assert _find(client, "022-123-4567") == [people["yamada"].pk]
    assert _find(client, "０９０１１１") == [people["sato"].pk]  # full-width, the start of it


@pytest.mark.parametrize("typed", ["980-0811", "9800811", "〒980-0811", "９８０－０８", "980"])
def test_postal_code_from_its_start_with_or_without_hyphen(people, client_for, typed):
    assert _find(client_for("community_section"), typed) == [people["yamada"].pk]


def test_postal_code_prefix_of_three_digits_finds_every_code_starting_with_them(people, client_for):
    client = client_for("community_section")
    assert _find(client, "98") == []  # two digits are not a postal code (nor a phone number)
    assert _find(client, "981") == [people["koyama"].pk]


def test_x2_another_stations_people_never_appear(people, client_for, world):
    """X2: station A's staff never see station B's 山田 次郎, by name, reading or phone; HQ sees both."""
    client = client_for("community_section")
    for typed in ("山田", "やまだ", "ジロウ", "0229998888"):
        assert people["other_station"].pk not in _find(client, typed), typed
    assert people["other_station"].pk in _find(client_for(world.chief_b.user), "やまだ")
    assert set(_find(client_for("hq_admin"), "やまだ")) == {people["yamada"].pk, people["other_station"].pk}


def test_merged_records_are_not_offered(people, client_for):
    Person.objects.filter(pk=people["koyama"].pk).update(merged_into=people["yamada"])
    assert _find(client_for("community_section"), "こやま") == []


def test_nothing_typed_finds_nothing_and_writes_nothing(people, client_for):
    client = client_for("community_section")
    before = AuditEntry.objects.count()
    response = client.get(URL, {"q": "   "})
    assert response.status_code == 200 and _values(response) == []
    assert AuditEntry.objects.count() == before


def test_at_most_twenty_with_more_refine_your_search(world, client_for):
    for i in range(25):
        make_person(world.station_a, "鈴木", f"{i}子", "スズキ", f"ア{chr(0x30A2 + 2 * i)}")
    response = client_for("community_section").get(URL, {"q": "すずき"})
    assert len(_values(response)) == 20
    assert "20件を表示しています。ほかにも該当があります。" in response.content.decode()
    assert "絞り込んで" in response.content.decode()


def test_none_found_says_so(people, client_for):
    response = client_for("community_section").get(URL, {"q": "ぬぬぬ"})
    assert _values(response) == [] and "「ぬぬぬ」に該当するものはありません。" in response.content.decode()


# --- What each result shows -------------------------------------------------------------------------------------


def test_n2_2_results_tell_namesakes_apart_by_reading_age_town_and_council_post(world, client_for):
    """N2.2: one record per person, with their current roles: two 佐藤 花子 differ by age, town and council post."""
    council, members = make_council_with_members(
        world, world.koban_a, acting_user=world.user("community_section"), count=1
    )
    chair = members[0]  # 阿部 和子, the chair
    Person.objects.filter(pk=chair.pk).update(address_city="仙台市青葉区", address_town="一番町")
    namesake = make_person(
        world.station_a, "阿部", "和子", "アベ", "カズコ", birth_date=datetime.date(1990, 1, 1), address_town="作並"
    )
    page = client_for("community_section").get(URL, {"q": "阿部 和子"}).content.decode()
    options = page.split('role="option"')[1:]
    assert len(options) == 2
    chair_option = next(o for o in options if f'data-value="{chair.pk}"' in o)
    namesake_option = next(o for o in options if f'data-value="{namesake.pk}"' in o)
    today = today_tokyo()
    assert "アベ カズコ" in chair_option and f"{chair.age(today)}歳" in chair_option
    assert "仙台市青葉区一番町" in chair_option and f"{council.name} 会長" in chair_option
    assert f"{namesake.age(today)}歳" in namesake_option and "作並" in namesake_option
    assert council.name not in namesake_option


def test_x2_ended_terms_and_another_stations_councils_are_not_shown_as_roles(world, client_for):
    """X2: the roles shown are the terms serving today, of councils the user may see."""
    person = make_person(world.station_a, "伊達", "政子", "ダテ", "マサコ")
    roles = current_roles.for_people(world.user("community_section"), [person.pk], today_tokyo())
    assert roles == {}
    council_b, _ = make_council_with_members(
        world, world.koban_b, acting_user=world.chief_b.user, count=1, name="泉中央交番連絡協議会"
    )
    member_b = council_b.memberships.get().person
    assert current_roles.for_people(world.user("hq_admin"), [member_b.pk], today_tokyo()) == {
        member_b.pk: ["泉中央交番連絡協議会 会長"]
    }
    assert current_roles.for_people(world.user("community_section"), [member_b.pk], today_tokyo()) == {}
    council_b.memberships.update(ended_on=today_tokyo() - datetime.timedelta(days=1))
    assert current_roles.for_people(world.user("hq_admin"), [member_b.pk], today_tokyo()) == {}


def test_x2_personal_fields_follow_who_may_see_them(world):
    """X2: reading, age and town only for those who may see them (liaison.access.personal_data); the name and the
    council post for everyone who may see the council."""
    council, members = make_council_with_members(
        world, world.koban_a, acting_user=world.user("community_section"), count=1
    )
    person = members[0]
    Person.objects.filter(pk=person.pk).update(address_city="仙台市青葉区", address_town="一番町")
    person.refresh_from_db()
    for role in ("community_section", "koban_staff", "hq_admin", "section_staff", "hq_staff"):
        user = world.user(role)
        fields = visible_fields(user)
        (choice,) = picker.describe(user, [person])
        assert choice.label == "阿部 和子", role
        shown = " ".join(choice.details)
        assert ("アベ カズコ" in shown) == (fields == ALL_FIELDS), role
        assert ("歳" in shown) == (fields == ALL_FIELDS), role
        assert ("一番町" in shown.replace(council.name, "")) == (fields == ALL_FIELDS), role
        assert (f"{council.name} 会長" in shown) == bool(fields >= ON_DUTY), role


def test_x2_only_roles_that_may_read_people_may_search_them(people, client_for):
    """X2: the search shows personal data: the roles without the people permission are refused (403)."""
    for role in ("section_staff", "hq_staff"):
        assert client_for(role).get(URL, {"q": "やまだ"}).status_code == 403, role
    for role in ("koban_staff", "koban_chief", "hq_admin", "station_chief"):
        assert client_for(role).get(URL, {"q": "やまだ"}).status_code == 200, role


def test_x2_each_search_that_shows_someone_is_audited(people, client_for, world):
    """X2: a search shows readings, ages and towns: it is recorded like a page of the person list."""
    client_for("community_section").get(URL, {"q": "やまだ"})
    entry = AuditEntry.objects.filter(action="person.pick").get()
    assert entry.personal_data and entry.kind == AuditEntry.Kind.VIEW
    assert entry.detail == {"q": "やまだ", "ids": [people["yamada"].pk]}
    assert entry.station_id == world.station_a.pk


def test_the_search_costs_the_same_queries_for_1_and_for_50_people(world, client_for):
    """Lists cost the same at any size: 1 and 50 matching people (20 shown), several on councils."""
    client = client_for("community_section")
    make_person(world.station_a, "鈴木", "一", "スズキ", "ハジメ")
    client.get(URL, {"q": "すずき"})  # session and caches warmed up
    with CaptureQueriesContext(connection) as one:
        assert len(_values(client.get(URL, {"q": "すずき"}))) == 1
    make_council_with_members(world, world.koban_a, acting_user=world.user("community_section"), count=10)
    for i in range(50):
        make_person(world.station_a, "鈴木", f"{i}郎", "スズキ", f"ワ{chr(0x30A2 + i)}")  # after the members
    for member in Person.objects.filter(family_kana__in=["アベ", "イトウ", "エンドウ"]):
        member.family_kana = "スズキ"
        member.save()  # keeps the reading keys the search looks up in step
    with CaptureQueriesContext(connection) as fifty:
        response = client.get(URL, {"q": "すずき"})
    assert len(_values(response)) == 20
    assert "一番町交番連絡協議会" in response.content.decode()  # the roles are read too
    assert len(fifty) == len(one), [q["sql"][:120] for q in fifty.captured_queries]


# --- The field ----------------------------------------------------------------------------------------------------


class PickForm(lib_forms.Form):
    person = PersonPickerField(label="人")

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].scope(current(picker_queryset(user)), user)


def picker_queryset(user):
    from liaison.access.policy import visible_to

    return visible_to(user, Person)


def test_the_field_accepts_a_person_the_user_may_pick(people, world):
    form = PickForm({"person": str(people["yamada"].pk)}, user=world.user("community_section"))
    assert form.is_valid(), form.errors
    assert form.cleaned_data["person"] == people["yamada"]


@pytest.mark.parametrize("value", ["other_station", "99999999999999999999", "²", "abc", "-1"])
def test_x2_the_field_refuses_another_stations_person_like_a_missing_one(people, world, value):
    """X2: an id the user may not pick (another station's person, no such row, not an id) is "not one of the
    choices", the same answer for each: the form never tells that the other station's person exists."""
    sent = str(people[value].pk) if value in people else value
    form = PickForm({"person": sent}, user=world.user("community_section"))
    assert not form.is_valid()
    assert form.errors["person"][0].startswith("正しく選択してください。")


def test_the_field_is_required_unless_told_otherwise(people, world):
    form = PickForm({"person": ""}, user=world.user("community_section"))
    assert not form.is_valid() and "person" in form.errors


def test_the_no_script_search_button_saves_nothing_and_shows_the_results_as_radio_buttons(people, world):
    """Without JavaScript the 検索 button submits the form: the field answers "choose from the results", and the
    form comes back with them as radio buttons (person_pick) beside what was chosen before."""
    user = world.user("community_section")
    form = PickForm({"person": str(people["sato"].pk), "person_q": "やまだ", "person_search": "1"}, user=user)
    assert not form.is_valid()
    assert form.errors["person"] == ["検索結果から選んでください。"]
    html = str(form["person"])
    assert f'name="person_pick" value="{people["yamada"].pk}"' in html
    assert people["other_station"].full_name != "" and f'value="{people["other_station"].pk}"' not in html
    assert 'name="person_q" value="やまだ"' in html
    # The one chosen before stays chosen (hidden id and its description) until another is picked.
    assert f'name="person" value="{people["sato"].pk}"' in html and "佐藤 一郎" in html
    assert "1件見つかりました。" in html


def test_a_radio_picked_from_the_results_wins_over_the_earlier_choice(people, world):
    form = PickForm(
        {"person": str(people["sato"].pk), "person_pick": str(people["yamada"].pk)},
        user=world.user("community_section"),
    )
    assert form.is_valid(), form.errors
    assert form.cleaned_data["person"] == people["yamada"]


def test_an_empty_or_unreadable_no_script_search_says_what_to_do(people, world):
    user = world.user("community_section")
    empty = PickForm({"person_q": "  ", "person_search": "1"}, user=user)
    assert not empty.is_valid() and "入力して「検索」を押してください" in empty.errors["person"][0]
    control = PickForm({"person_q": "やま\x07", "person_search": "1"}, user=user)
    assert not control.is_valid() and control.errors["person"] == ["制御文字は使用できません。"]
    assert "person_pick" not in str(control["person"])


def test_the_chosen_person_is_shown_with_what_tells_them_apart(people, world):
    form = PickForm(initial={"person": people["yamada"]}, user=world.user("community_section"))
    html = str(form["person"])
    assert f'name="person" value="{people["yamada"].pk}"' in html
    assert "山田 太郎" in html and "ヤマダ タロウ" in html and "仙台市青葉区一番町" in html
    assert "data-picker-chosen hidden" not in html


def test_a_person_the_user_may_not_pick_is_never_described(people, world):
    form = PickForm({"person": str(people["other_station"].pk)}, user=world.user("community_section"))
    html = str(form["person"])
    assert "次郎" not in html and 'name="person" value=""' in html


def test_the_text_box_is_the_labelled_control_and_not_required(people, world):
    form = PickForm(user=world.user("community_section"))
    html = str(form["person"])
    assert form["person"].id_for_label == "id_person"
    assert re.search(r'<input type="text" name="person_q"[^>]*id="id_person"', html)
    assert " required" not in html
    assert "aria-describedby=" in html and "id_person_hint" in html
