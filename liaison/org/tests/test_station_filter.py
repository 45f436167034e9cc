"""The 警察署 filter of HQ's lists (org.picker.station_filter, lib.filters.one_of_many): a select of the stations, or,
when a prefecture has more than a select can list, a picker that searches them as they are typed."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from liaison.lib import filters
from liaison.org.models import Station
from liaison.testing import make_council_with_members, make_officer, make_station

pytestmark = pytest.mark.django_db

PICK_URL = "/org/stations/pick/"


@pytest.fixture
def councils(world):
    a, _ = make_council_with_members(world, world.koban_a, acting_user=world.user("deputy"), count=2, name="青葉甲")
    b, _ = make_council_with_members(world, world.koban_b, acting_user=world.chief_b.user, count=2, name="泉乙")
    return a, b


@pytest.fixture
def many_stations(monkeypatch):
    """A prefecture with more stations than a select lists (the limit lowered, so a test needs only a few)."""
    monkeypatch.setattr(filters, "SELECT_MAX", 1)


def _station_options(page: str) -> list[str]:
    select = re.search(r'<select id="f-station" name="station">(.*?)</select>', page, re.S)
    return re.findall(r"<option value=\"(\d*)\"", select.group(1)) if select else []


def _picked(response) -> list[int]:
    return [
        int(v) for v in re.findall(r'role="option" aria-selected="false" data-value="(\d+)"', response.content.decode())
    ]


def test_issue8_few_stations_are_a_select_with_the_chosen_one_marked(world, councils, client_for):
    client = client_for("hq_admin")
    page = client.get("/councils/", {"station": world.station_b.pk}).content.decode()
    assert _station_options(page) == ["", str(world.station_a.pk), str(world.station_b.pk)]
    assert f'<option value="{world.station_b.pk}" selected>' in page
    assert "泉乙" in page and "青葉甲" not in page
    assert 'name="station_q"' not in page


def test_issue8_many_stations_are_a_picker_and_the_list_filters_as_with_the_select(
    world, councils, client_for, many_stations
):
    client = client_for("hq_admin")
    page = client.get("/councils/").content.decode()
    assert _station_options(page) == []  # no select of every station
    assert 'name="station_q"' in page and 'data-search-url="/org/stations/pick/"' in page
    assert '<label for="f-station">警察署</label>' in page and 'id="f-station"' in page
    assert "泉乙" in page and "青葉甲" in page  # nothing chosen: every station

    page = client.get("/councils/", {"station": world.station_b.pk}).content.decode()
    assert "泉乙" in page and "青葉甲" not in page
    assert f'name="station" value="{world.station_b.pk}"' in page  # the chosen one travels with the next filter
    assert "選択中：" in page and "泉警察署" in page

    # Without JavaScript: 検索 shows the stations found as radio buttons, the list stays as it was filtered;
    # the radio chosen wins over the station chosen before.
    page = client.get(
        "/councils/", {"station": world.station_b.pk, "station_q": "青葉", "station_search": "1"}
    ).content.decode()
    assert f'name="station_pick" value="{world.station_a.pk}"' in page
    assert "泉乙" in page and "青葉甲" not in page
    page = client.get(
        "/councils/", {"station": world.station_b.pk, "station_pick": world.station_a.pk}
    ).content.decode()
    assert "青葉甲" in page and "泉乙" not in page


def test_issue8_a_station_not_seen_filters_to_nothing_and_bad_values_to_all(world, councils, client_for, many_stations):
    client = client_for("hq_admin")
    assert "該当する協議会はありません。" in client.get("/councils/", {"station": 999999}).content.decode()
    for bad in ("abc", "<script>", "-1"):
        response = client.get("/councils/", {"station": bad})
        assert response.status_code == 200
        page = response.content.decode()
        assert "青葉甲" in page and "泉乙" in page and "<script>" not in page.split("<main", 1)[-1]


def test_issue8_hq_council_list_costs_the_same_queries_whether_the_stations_are_few_or_many(
    world, councils, client_for, monkeypatch
):
    client = client_for("hq_admin")
    client.get("/")

    def queries(params) -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get("/councils/", params).status_code == 200
        return len(ctx.captured_queries)

    with_select = queries({"station": world.station_a.pk})
    all_with_select = queries({})
    monkeypatch.setattr(filters, "SELECT_MAX", 1)
    with_picker = queries({"station": world.station_a.pk})
    for n in range(5):
        make_station(f"追加{n}警察署")
    assert queries({"station": world.station_a.pk}) == with_picker
    # The picker reads the chosen station to show it: one query more than the select, whatever the stations.
    assert with_picker == with_select + 1
    assert queries({}) == all_with_select


def test_issue8_the_page_does_not_grow_with_the_stations_once_they_are_many(world, councils, client_for, many_stations):
    client = client_for("hq_admin")
    before = len(client.get("/councils/").content)
    for n in range(30):
        make_station(f"追加{n:02d}警察署")
    assert len(client.get("/councils/").content) == before


def test_issue8_station_search_by_name_part_and_code_serving_first(world, client_for):
    merged = make_station("青葉北警察署", "A09")
    Station.objects.filter(pk=merged.pk).update(active=False)
    client = client_for("hq_admin")
    assert _picked(client.get(PICK_URL, {"q": "青葉"})) == [world.station_a.pk, merged.pk]
    assert _picked(client.get(PICK_URL, {"q": "B0"})) == [world.station_b.pk]
    assert _picked(client.get(PICK_URL, {"q": "泉 警察"})) == [world.station_b.pk]  # every word
    assert _picked(client.get(PICK_URL, {"q": "01"})) == []  # codes from their start
    assert "統合済み" in client.get(PICK_URL, {"q": "青葉北"}).content.decode()
    assert _picked(client.get(PICK_URL, {"q": ""})) == []


def test_issue8_station_search_answers_only_the_stations_the_user_may_see(world, client_for):
    assert _picked(client_for("station_chief").get(PICK_URL, {"q": "警察署"})) == [world.station_a.pk]
    assert _picked(client_for("koban_chief").get(PICK_URL, {"q": "泉"})) == []
    client_for("hq_admin").logout()
    response = client_for("hq_admin").__class__().get(PICK_URL, {"q": "泉"})
    assert response.status_code == 302  # not logged in: to the login page


def test_issue8_officer_list_filters_by_station_with_the_picker_too(world, client_for, many_stations):
    make_officer("koban_staff", station=world.station_a, koban=world.koban_a, family="片倉", given="景綱")
    make_officer("koban_staff", station=world.station_b, koban=world.koban_b, family="伊達", given="成実")
    client = client_for("hq_admin")
    page = client.get("/org/officers/", {"station": world.station_b.pk}).content.decode()
    assert 'name="station_q"' in page and _station_options(page) == []
    assert "伊達 成実" in page and "片倉 景綱" not in page
    page = client.get("/org/officers/").content.decode()
    assert "伊達 成実" in page and "片倉 景綱" in page
