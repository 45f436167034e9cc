"""The officer picker: its search endpoint (/org/officers/pick/) and the field forms declare (OfficerPickerField)."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from liaison.access.policy import visible_to
from liaison.lib import forms as lib_forms
from liaison.org.models import Officer
from liaison.org.picker import OfficerPickerField
from liaison.testing import make_officer

pytestmark = pytest.mark.django_db

URL = "/org/officers/pick/"


def _find(client, q) -> list[int]:
    response = client.get(URL, {"q": q})
    assert response.status_code == 200
    return [
        int(v) for v in re.findall(r'role="option" aria-selected="false" data-value="(\d+)"', response.content.decode())
    ]


@pytest.fixture
def officers(world):
    return {
        "a": make_officer(
            "koban_staff",
            station=world.station_a,
            koban=world.koban_a,
            family="伊達",
            given="政宗",
            family_kana="ダテ",
            given_kana="マサムネ",
            title="交番勤務員",
        ),
        "b": make_officer(
            "koban_staff",
            station=world.station_b,
            koban=world.koban_b,
            family="伊達",
            given="成実",
            family_kana="ダテ",
            given_kana="シゲザネ",
        ),
    }


def test_x3_officers_by_reading_from_its_start_and_by_name(officers, client_for):
    """X3: hiragana, katakana, half-width; the kanji name, any part of it."""
    client = client_for("community_section")
    for typed in ("だて", "ダテ", "ﾀﾞﾃ", "まさ", "伊達", "政宗", "だて まさ"):
        assert _find(client, typed) == [officers["a"].pk], typed
    assert _find(client, "てまさ") == []  # readings are matched from their start


def test_x2_another_stations_officers_and_retired_ones_are_not_offered(officers, client_for, world):
    """X2: station staff see their station's serving officers; HQ sees every station's."""
    assert _find(client_for("section_staff"), "だて") == [officers["a"].pk]
    assert sorted(_find(client_for("hq_staff"), "だて")) == sorted([officers["a"].pk, officers["b"].pk])
    Officer.objects.filter(pk=officers["a"].pk).update(active=False)
    assert _find(client_for("community_section"), "だて") == []


def test_each_officer_shows_rank_title_and_placement(officers, client_for):
    page = client_for("community_section").get(URL, {"q": "だて"}).content.decode()
    assert "伊達 政宗" in page and "ダテ マサムネ" in page and "巡査部長" in page
    assert "交番勤務員" in page and "青葉警察署 一番町交番" in page


def test_the_search_costs_the_same_queries_for_1_and_for_50_officers(world, officers, client_for):
    client = client_for("community_section")
    client.get(URL, {"q": "だて"})
    with CaptureQueriesContext(connection) as one:
        assert len(_find(client, "だて")) == 1
    for i in range(50):
        make_officer(
            "section_staff",
            station=world.station_a,
            family="伊達",
            given=f"{i}",
            family_kana="ダテ",
            given_kana="イチ",
        )
    with CaptureQueriesContext(connection) as fifty:
        response = client.get(URL, {"q": "だて"})
    assert "20件を表示しています。ほかにも該当があります。" in response.content.decode()
    assert len(fifty) == len(one)


class OfficerForm(lib_forms.Form):
    officer = OfficerPickerField(label="職員")

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["officer"].scope(visible_to(user, Officer).filter(active=True), user)


def test_x2_the_field_takes_an_officer_the_user_may_see_and_refuses_another_stations(officers, world):
    """X2: validation goes through the field's queryset: another station's officer is not one of the choices."""
    user = world.user("community_section")
    ok = OfficerForm({"officer": str(officers["a"].pk)}, user=user)
    assert ok.is_valid() and ok.cleaned_data["officer"] == officers["a"]
    refused = OfficerForm({"officer": str(officers["b"].pk)}, user=user)
    assert not refused.is_valid() and refused.errors["officer"][0].startswith("正しく選択してください。")


def test_the_officer_field_without_javascript_shows_results_as_radio_buttons(officers, world):
    form = OfficerForm({"officer_q": "だて", "officer_search": "1"}, user=world.user("community_section"))
    assert not form.is_valid()
    html = str(form["officer"])
    assert re.findall(r'name="officer_pick" value="(\d+)"', html) == [str(officers["a"].pk)]
    assert 'data-search-url="/org/officers/pick/"' in html
