"""Issue 8, person search by name at ten-times scale (「佐藤」: 5,800 people hold the gram): the first page of a name
search is read from the gram index in 五十音順 (``queries.search_in_order``), so it costs the same however many
people hold the name. The grams carry their person's reading key, which must never drift from ``Person.sort_key``;
the results are those of ``search`` ordered by reading."""

import random

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from liaison.people import queries
from liaison.people.actions import person_create, person_merge, person_update
from liaison.people.models import Person, PersonNameGram
from liaison.people.tests.test_name_index import GIVEN, RARE, _data, _many, _plan, assert_grams_complete

pytestmark = pytest.mark.django_db

KANA = ["サトウ", "サトウ", "ササキ", "スズキ", "タカハシ", "アイダ", "ヤマザキ", "ザイツ", "サ", "スミス"]


def assert_gram_keys_follow_the_people():
    """Every gram row holds its person's current reading key."""
    keys = dict(Person.objects.values_list("pk", "sort_key"))
    stale = [(pk, key) for pk, key in PersonNameGram.objects.values_list("person_id", "sort_key") if keys[pk] != key]
    assert not stale


def test_issue8_gram_reading_keys_follow_every_kind_of_write(world):
    """Created (action, plain save), names edited, reading edited (form and ``update_fields``), other fields edited,
    merged: the grams' reading keys stay their persons' keys, and the ordered search lists the new order."""
    user = world.user("deputy")
    a = person_create(data=_data("佐藤", "太郎", "サトウ", "タロウ"), station=world.station_a, acting_user=user)
    b = person_create(data=_data("佐藤", "花子", "サトウ", "ハナコ"), station=world.station_a, acting_user=user)
    c = Person.objects.create(
        station=world.station_a, family_name="佐藤", given_name="一", family_kana="サトウ", given_kana="ハジメ"
    )
    assert_gram_keys_follow_the_people()
    everyone = Person.objects.all()
    assert list(queries.search_in_order(everyone, "佐藤")) == [a, c, b]  # タロウ, ハジメ, ハナコ
    a = person_update(person=a, data=_data("佐藤", "太郎", "サトウ", "ワタル"), version=a.version, acting_user=user)
    assert_gram_keys_follow_the_people()
    assert list(queries.search_in_order(everyone, "佐藤")) == [c, b, a]
    c.given_kana = "アキラ"
    c.save(update_fields=["given_kana"])  # the keys are written with the reading, on the person and the grams
    assert_gram_keys_follow_the_people()
    assert list(queries.search_in_order(everyone, "佐藤")) == [c, b, a]
    c.save(update_fields=["given_kana", "sort_key"])
    assert_gram_keys_follow_the_people()
    assert list(queries.search_in_order(everyone, "佐藤")) == [c, b, a]
    b = person_update(person=b, data=_data("佐籐", "花子", "アトウ", "ハナコ"), version=b.version, acting_user=user)
    b = person_update(person=b, data={"notes": "備考"}, version=b.version, acting_user=user)
    assert_gram_keys_follow_the_people()
    assert_grams_complete()
    assert list(queries.search_in_order(everyone, "佐")) == [b, c, a]
    person_merge(keep=a, remove=c, acting_user=user)
    assert_gram_keys_follow_the_people()
    assert list(queries.search_in_order(queries.current(everyone), "佐藤")) == [a]


def test_issue8_name_search_in_order_is_the_search_in_reading_order(world):
    """The same persons in the same order as ``search`` sorted by reading, for names of one, two and more
    characters, names nobody has, and several words (names, readings, phone digits); merged persons left out."""
    rng = random.Random(10)
    for _ in range(80):
        Person.objects.create(
            station=rng.choice([world.station_a, world.station_b]),
            family_name=rng.choice(RARE) + rng.choice(["", "", "田", "木"]),
            given_name=rng.choice(GIVEN),
            family_kana=rng.choice(KANA),
            given_kana=rng.choice(["タロウ", "ハナコ", "アイ", "ケン", "ザン"]),
            phone=f"090{rng.randint(10000000, 99999999)}",
        )
    merged = list(Person.objects.order_by("pk")[:5])
    Person.objects.filter(pk__in=[p.pk for p in merged]).update(merged_into=Person.objects.order_by("-pk").first())
    names = {n for p in Person.objects.all() for n in (p.family_name, p.given_name)}
    terms = sorted({name[i:j] for name in names for i in range(len(name)) for j in range(i + 1, len(name) + 1)})
    queries_ = [*terms, "鬮", "佐藤花", "SMITH", "%", "佐藤 花子", "佐藤 サ", "サ 佐藤", "田 木", "佐 090", "ス", ""]
    for scope in (queries.current(Person.objects.all()), Person.objects.filter(station=world.station_a)):
        for query in queries_:
            expected = list(queries.search(scope, query).order_by("sort_key", "pk").values_list("pk", flat=True))
            for one_station in (False, True):
                found = queries.search_in_order(scope, query, one_station=one_station)
                assert list(found.values_list("pk", flat=True)) == expected, query


def test_issue8_name_search_page_is_read_from_the_gram_index_in_reading_order(client_for, world):
    """Issue 8 row ?q=佐藤 (204 ms at x10 on PostgreSQL, a scan of every person): the page's rows are read in the
    order of the gram index's reading key — the database walks (gram, sort_key, person) and stops when the page is
    full — with a query count that does not grow with the matches; SQLite answers without a sort."""
    _many(world, 3)
    client = client_for("hq_admin")
    client.get(reverse("people:list"), {"q": "佐藤"})
    with CaptureQueriesContext(connection) as run:
        page = client.get(reverse("people:list"), {"q": "佐藤"}).content.decode()
    assert all(f"佐藤 {i}子" in page for i in range(3))
    (rows,) = [q["sql"] for q in run.captured_queries if q["sql"].startswith('SELECT "people_person"."id"')]
    assert 'ORDER BY "people_personnamegram"."sort_key" ASC, "people_personnamegram"."person_id" ASC' in rows, rows
    before = len(run)
    _many(world, 60)
    with CaptureQueriesContext(connection) as run:
        client.get(reverse("people:list"), {"q": "佐藤"})
    assert len(run) == before
    plan = _plan(queries.search_in_order(queries.current(Person.objects.all()), "佐藤")[:50])
    if connection.vendor == "sqlite":
        assert "person_name_gram_reading" in plan, plan
        assert "temp b-tree" not in plan and "scan people_person" not in plan, plan
    else:
        # Without statistics PostgreSQL may probe the grams person by person instead of walking the reading index;
        # either way a gram index decides which people match, never a scan of every person.
        assert "person_name_gram" in plan and "seq scan on people_person" not in plan, plan
    index = next(i for i in PersonNameGram._meta.indexes if i.name == "person_name_gram_reading")
    assert index.fields == ["gram", "sort_key", "person"]


def test_issue8_a_station_searches_its_own_people_not_the_prefectures_grams(client_for, world):
    """A station's list holds a few hundred people: its name search reads them from the station (and sorts the few
    matches) rather than walking every holder of the gram in the prefecture, which grows with the prefecture."""
    _many(world, 3)
    client = client_for("community_section")
    with CaptureQueriesContext(connection) as run:
        page = client.get(reverse("people:list"), {"q": "佐藤"}).content.decode()
    assert all(f"佐藤 {i}子" in page for i in range(3))
    (rows,) = [q["sql"] for q in run.captured_queries if q["sql"].startswith('SELECT "people_person"."id"')]
    assert 'ORDER BY "people_person"."sort_key" ASC, "people_person"."id" ASC' in rows, rows
    assert '"people_person"."station_id" = ' in rows
