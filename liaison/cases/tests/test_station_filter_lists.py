"""HQ's case list filters by station with the station filter of HQ's lists (org.picker.station_filter): a select of
the stations, or a picker that searches them once the prefecture has more than a select can list."""

import datetime
import re

import pytest
from django.urls import reverse

from liaison.cases.models import Case
from liaison.lib import filters
from liaison.lib.dates import today_tokyo
from liaison.testing import column_of, export_rows

pytestmark = pytest.mark.django_db

LIST = reverse("cases:list")


@pytest.fixture
def many_stations(monkeypatch):
    """A prefecture with more stations than a select lists (the limit lowered, so a test needs only a few)."""
    monkeypatch.setattr(filters, "SELECT_MAX", 1)


@pytest.fixture
def cases(world):
    for station, content in ((world.station_a, "青葉の横断歩道"), (world.station_b, "泉の街路灯")):
        Case.objects.create(
            station=station,
            received_on=today_tokyo() - datetime.timedelta(days=1),
            category=Case.Category.TRAFFIC,
            content=content,
            raised_by_kind=Case.RaisedBy.MEMBER,
            created_by=world.user("hq_admin"),
        )


def _station_options(page: str) -> list[str]:
    select = re.search(r'<select id="f-station" name="station">(.*?)</select>', page, re.S)
    return re.findall(r"<option value=\"(\d*)\"", select.group(1)) if select else []


def test_issue8_case_list_with_many_stations_is_a_picker_and_filters_by_the_station(
    world, cases, client_for, many_stations
):
    client = client_for("hq_admin")
    page = client.get(LIST).content.decode()
    assert 'name="station_q"' in page and '<select id="f-station"' not in page
    assert "青葉の横断歩道" in page and "泉の街路灯" in page
    page = client.get(LIST, {"station": world.station_b.pk}).content.decode()
    assert 'name="station_q"' in page and '<select id="f-station"' not in page
    assert f'name="station" value="{world.station_b.pk}"' in page
    assert "泉の街路灯" in page and "青葉の横断歩道" not in page
    assert "（泉警察署）" in page  # the station is still read for the title and the export


def test_issue8_case_list_with_few_stations_is_a_select_with_the_chosen_one_marked(world, cases, client_for):
    client = client_for("hq_admin")
    page = client.get(LIST, {"station": world.station_a.pk}).content.decode()
    assert _station_options(page) == ["", str(world.station_a.pk), str(world.station_b.pk)]
    assert f'<option value="{world.station_a.pk}" selected>' in page and 'name="station_q"' not in page
    assert "青葉の横断歩道" in page and "泉の街路灯" not in page


def test_issue8_case_export_reads_the_station_picked_without_javascript(world, cases, client_for, many_stations):
    """The picker's result chosen without JavaScript (``station_pick``) wins over the station chosen before, in the
    export at the older address as on the list."""
    client = client_for("hq_admin")
    params = {"station": world.station_a.pk, "station_pick": world.station_b.pk, "format": "csv"}
    rows = export_rows(client.get(reverse("cases:export"), params))
    assert column_of(rows, "意見・要望の内容") == ["泉の街路灯"]
