"""Person search (N2.2: find a person before recording them again): readings by their start, names by any part,
phone numbers and postal codes by their first digits — each answered from an index, at any number of people."""

import pytest
from django.db import connection

from liaison.people import queries
from liaison.people.actions import person_update
from liaison.people.models import Person

pytestmark = pytest.mark.django_db


def _person(station, family, family_kana, given="太郎", given_kana="タロウ", **extra):
    return Person.objects.create(
        station=station, family_name=family, given_name=given, family_kana=family_kana, given_kana=given_kana, **extra
    )


@pytest.fixture
def people(world):
    s = world.station_a
    return {
        "tanaka": _person(s, "田中", "タナカ", phone="09011112222", postal_code="980-0811"),
        "sato": _person(s, "佐藤", "サトウ", "花子", "ハナコ", postal_code="981-3201"),
        "zaitsu": _person(s, "財津", "ザイツ", "一郎", "イチロウ"),
        "ono_long": _person(s, "大野", "オーノ", "悟", "サトル"),
        "ono": _person(s, "小野", "オノ", "さくら", "サクラ"),
        "smith": _person(s, "スミス", "スミス", "ジョン", "ジョン", phone="0223334444"),
    }


def found(people, query):
    pks = set(queries.search(Person.objects.all(), query).values_list("pk", flat=True))
    return {name for name, p in people.items() if p.pk in pks}


def test_n2_2_readings_are_found_by_their_start_in_hiragana_or_katakana(people):
    assert found(people, "たな") == {"tanaka"}
    assert found(people, "タナカ") == {"tanaka"}
    assert found(people, "ｻﾄ") == {"sato", "ono_long"}  # サトウ, and サトル as a given name
    assert found(people, "ザ") == {"zaitsu"}  # voiced and unvoiced kana stay apart: サ does not find ザ
    assert found(people, "サ") == {"sato", "ono_long", "ono"}
    assert found(people, "おー") == {"ono_long"} and found(people, "オノ") == {"ono"}
    assert found(people, "はなこ") == {"sato"}
    assert found(people, "たなか たろう") == {"tanaka"}  # every word must match
    assert found(people, "なか") == set()  # the start of a reading, not its middle


def test_n2_2_names_are_found_by_any_part_as_typed(people):
    assert found(people, "田中") == {"tanaka"}
    assert found(people, "中") == {"tanaka"}
    assert found(people, "花子") == {"sato"}
    assert found(people, "野") == {"ono_long", "ono"}
    assert found(people, "さくら") == {"ono"}  # a name written in kana is its reading too


def test_n2_2_phone_and_postal_codes_are_found_by_their_first_digits(people):
    assert found(people, "090-1111") == {"tanaka"}
    assert found(people, "０２２") == {"smith"}
    assert found(people, "980") == {"tanaka"}
    assert found(people, "9800811") == {"tanaka"}
    assert found(people, "981-32") == {"sato"}
    assert found(people, "999") == set()


def test_the_given_reading_key_follows_an_edit(world, people):
    """The indexed key of the given name's reading is kept with the reading when the person is edited."""
    sato = people["sato"]
    data = {"family_name": "佐藤", "given_name": "優子", "family_kana": "サトウ", "given_kana": "ゆうこ"}
    person_update(person=sato, data=data, version=sato.version, acting_user=world.user("deputy"))
    assert found(people, "ユウ") == {"sato"} and found(people, "はなこ") == set()
    assert Person.objects.get(pk=sato.pk).given_key == "ユウコ|"


def _plan(qs) -> str:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL enable_seqscan = off")  # a handful of rows: make the planner show its index
    return qs.explain().lower()


def test_searches_are_answered_from_indexes(people):
    """Kana search, phone and postal prefixes use b-tree indexes on both databases; names use the gram index
    (``PersonNameGram``) on both, for terms of any length (test_name_index)."""
    base = Person.objects.all()
    for query in ("たな", "090", "9800811"):
        plan = _plan(queries.search(base, query))
        if connection.vendor == "sqlite":
            assert "search people_person using index" in plan and "scan people_person" not in plan, (query, plan)
        else:
            assert "index" in plan and "seq scan" not in plan, (query, plan)
    plan = _plan(queries.search(base, "田中太郎"))
    assert "personnamegram" in plan or "person_name_gram" in plan, plan


def test_issue8_a_stations_search_by_reading_reads_only_that_stations_rows(world, people):
    """Issue 8: a station's picker searches its people by reading through (station, key) indexes, so its cost does
    not grow with the rest of the prefecture (with the keys' own indexes PostgreSQL read the prefecture's range)."""
    station_people = queries.current(Person.objects.filter(station=world.station_a))
    plan = _plan(queries.for_picker(station_people, "サ", one_station=True))
    # The station's rows through its (station, key) indexes, never the prefecture's keys (people_person_sort_key_…).
    assert "person_station_sort_key" in plan or "person_station_given_key" in plan, plan
    assert "people_person_sort_key" not in plan and "people_person_given_key" not in plan, plan
    if connection.vendor == "sqlite":  # both halves of the reading's OR, each from its station's range
        assert "person_station_sort_key" in plan and "person_station_given_key" in plan, plan
