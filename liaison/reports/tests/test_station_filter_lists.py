"""HQ's good-practice list filters by station with the station filter of HQ's lists (org.picker.station_filter): a
select of the stations, or a picker that searches them once the prefecture has more than a select can list."""

import datetime
import re

import pytest
from django.urls import reverse

from liaison.lib import filters
from liaison.reports.models import GoodPractice

pytestmark = pytest.mark.django_db

LIST = reverse("reports:good_practice_list")


@pytest.fixture
def many_stations(monkeypatch):
    """A prefecture with more stations than a select lists (the limit lowered, so a test needs only a few)."""
    monkeypatch.setattr(filters, "SELECT_MAX", 1)


@pytest.fixture
def practices(world):
    for station, title, user in (
        (world.station_a, "青葉の見守り活動", world.user("deputy")),
        (world.station_b, "泉の通学路点検", world.chief_b.user),
    ):
        GoodPractice.objects.create(
            station=station, title=title, text="…", occurred_on=datetime.date(2025, 6, 1), created_by=user
        )


def _station_options(page: str) -> list[str]:
    select = re.search(r'<select id="f-station" name="station">(.*?)</select>', page, re.S)
    return re.findall(r"<option value=\"(\d*)\"", select.group(1)) if select else []


def test_issue8_good_practice_list_with_many_stations_is_a_picker_and_filters_by_the_station(
    world, practices, client_for, many_stations
):
    client = client_for("hq_admin")
    page = client.get(LIST).content.decode()
    assert 'name="station_q"' in page and '<select id="f-station"' not in page
    assert "青葉の見守り活動" in page and "泉の通学路点検" in page
    page = client.get(LIST, {"station": world.station_b.pk}).content.decode()
    assert 'name="station_q"' in page and '<select id="f-station"' not in page
    assert f'name="station" value="{world.station_b.pk}"' in page
    assert "泉の通学路点検" in page and "青葉の見守り活動" not in page


def test_issue8_good_practice_list_with_few_stations_is_a_select_with_the_chosen_one_marked(
    world, practices, client_for
):
    client = client_for("hq_admin")
    page = client.get(LIST, {"station": world.station_a.pk}).content.decode()
    assert _station_options(page) == ["", str(world.station_a.pk), str(world.station_b.pk)]
    assert f'<option value="{world.station_a.pk}" selected>' in page and 'name="station_q"' not in page
    assert "青葉の見守り活動" in page and "泉の通学路点検" not in page


def test_issue8_a_station_keeps_its_own_good_practice_list_without_a_station_filter(world, practices, client_for):
    page = client_for("deputy").get(LIST, {"station": world.station_b.pk}).content.decode()
    assert 'id="f-station"' not in page and 'name="station_q"' not in page
    assert "泉の通学路点検" not in page and "青葉の見守り活動" not in page  # another station's id finds nothing
    page = client_for("deputy").get(LIST).content.decode()
    assert "青葉の見守り活動" in page and "泉の通学路点検" not in page
