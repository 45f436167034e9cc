"""HQ's contact-person list, exchange list and network figures choose a station with the station filter of HQ's lists
(org.picker.station_filter): a select of the stations, or a picker that searches them once the prefecture has more
than a select can list."""

import datetime
import re

import pytest
from django.urls import reverse

from liaison.lib import filters
from liaison.lib.dates import today_tokyo
from liaison.network.models import Exchange
from liaison.testing import make_officer

from .test_findings import make_contact

pytestmark = pytest.mark.django_db

TODAY = today_tokyo()
CONTACTS, EXCHANGES, FIGURES = (
    reverse("network:contact_list"),
    reverse("network:exchange_list"),
    reverse("network:figures"),
)


@pytest.fixture
def many_stations(monkeypatch):
    """A prefecture with more stations than a select lists (the limit lowered, so a test needs only a few)."""
    monkeypatch.setattr(filters, "SELECT_MAX", 1)


def _station_options(page: str) -> list[str]:
    select = re.search(r'<select id="f-station" name="station">(.*?)</select>', page, re.S)
    return re.findall(r"<option value=\"(\d*)\"", select.group(1)) if select else []


def _shows_the_picker(page: str, chosen=None) -> bool:
    shown = 'name="station_q"' in page and '<select id="f-station"' not in page
    return shown and (chosen is None or f'name="station" value="{chosen.pk}"' in page)


# --- contact persons --------------------------------------------------------------------------------------------


@pytest.fixture
def contacts(world):
    make_contact(world, "青柳", "アオヤギ")
    make_contact(world, "泉田", "イズミダ", station=world.station_b)


def test_issue8_contact_list_with_many_stations_is_a_picker_and_filters_by_the_station(
    world, contacts, client_for, many_stations
):
    client = client_for("hq_admin")
    page = client.get(CONTACTS).content.decode()
    assert _shows_the_picker(page) and "青柳" in page and "泉田" in page
    page = client.get(CONTACTS, {"station": world.station_b.pk}).content.decode()
    assert _shows_the_picker(page, world.station_b)
    assert "泉田" in page and "青柳" not in page and "（泉警察署）" in page
    # The PDF link carries the station chosen, also when it was picked from the results without JavaScript.
    page = client.get(CONTACTS, {"station": world.station_a.pk, "station_pick": world.station_b.pk}).content.decode()
    assert "泉田" in page and "青柳" not in page
    assert f"station={world.station_b.pk}" in re.search(r'href="/reports/[^"]*pdf[^"]*"', page).group(0)


def test_issue8_contact_list_with_few_stations_is_a_select_with_the_chosen_one_marked(world, contacts, client_for):
    client = client_for("hq_admin")
    page = client.get(CONTACTS, {"station": world.station_a.pk}).content.decode()
    assert _station_options(page) == ["", str(world.station_a.pk), str(world.station_b.pk)]
    assert f'<option value="{world.station_a.pk}" selected>' in page and 'name="station_q"' not in page
    assert "青柳" in page and "泉田" not in page


# --- exchanges ---------------------------------------------------------------------------------------------------


@pytest.fixture
def exchanges(world):
    for koban, family in ((world.koban_a, "青葉山"), (world.koban_b, "泉ヶ岳")):
        officer = make_officer("koban_staff", station=koban.station, koban=koban, family=family)
        Exchange.objects.create(
            station=koban.station,
            koban=koban,
            on=TODAY,
            officer=officer,
            kind=Exchange.Kind.HOME_VISIT,
            created_by=officer.user,
        )


def test_issue8_exchange_list_with_many_stations_is_a_picker_and_filters_by_the_station(
    world, exchanges, client_for, many_stations
):
    client = client_for("hq_admin")
    page = client.get(EXCHANGES).content.decode()
    assert _shows_the_picker(page) and "青葉山" in page and "泉ヶ岳" in page
    page = client.get(EXCHANGES, {"station": world.station_b.pk}).content.decode()
    assert _shows_the_picker(page, world.station_b)
    assert "泉ヶ岳" in page and "青葉山" not in page and "（泉警察署）" in page


def test_issue8_exchange_list_with_few_stations_is_a_select_with_the_chosen_one_marked(world, exchanges, client_for):
    client = client_for("hq_admin")
    page = client.get(EXCHANGES, {"station": world.station_a.pk}).content.decode()
    assert _station_options(page) == ["", str(world.station_a.pk), str(world.station_b.pk)]
    assert f'<option value="{world.station_a.pk}" selected>' in page and 'name="station_q"' not in page
    assert "青葉山" in page and "泉ヶ岳" not in page


# --- the network figures -----------------------------------------------------------------------------------------


@pytest.fixture
def stale(world):
    """A contact person of each station not contacted for long: on the figures' stale list of their station."""
    make_contact(world, "古川", "フルカワ", on=TODAY - datetime.timedelta(days=400))
    make_contact(world, "泉沢", "イズミサワ", station=world.station_b, on=TODAY - datetime.timedelta(days=400))


def test_issue8_figures_with_many_stations_are_a_picker_and_show_the_station_chosen(
    world, stale, client_for, many_stations
):
    client = client_for("hq_admin")
    page = client.get(FIGURES).content.decode()
    assert _shows_the_picker(page) and "警察署を選んでください。" in page
    assert "古川" not in page and "泉沢" not in page
    page = client.get(FIGURES, {"station": world.station_b.pk}).content.decode()
    assert _shows_the_picker(page, world.station_b)
    assert "泉沢" in page and "古川" not in page and "（泉警察署）" in page


def test_issue8_figures_with_few_stations_are_a_select_that_asks_for_a_station(world, stale, client_for):
    client = client_for("hq_admin")
    page = client.get(FIGURES).content.decode()
    assert _station_options(page) == ["", str(world.station_a.pk), str(world.station_b.pk)]
    assert '<option value="">選んでください</option>' in page
    page = client.get(FIGURES, {"station": world.station_a.pk}).content.decode()
    assert f'<option value="{world.station_a.pk}" selected>' in page and 'name="station_q"' not in page
    assert "古川" in page and "泉沢" not in page
