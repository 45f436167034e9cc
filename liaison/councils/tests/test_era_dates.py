"""Council screens show dates as officers write them (issue 7): in the era with the Western year beside it, in text
boxes the date parser reads back, so a form sent back unchanged keeps its dates."""

import datetime as dt
import re

import pytest

from liaison.councils.models import Council
from liaison.testing import make_council_with_members

pytestmark = pytest.mark.django_db


def _box(page: str, name: str) -> str:
    match = re.search(rf'<input[^>]*name="{name}"[^>]*>', page)
    assert match, name
    return re.search(r'value="([^"]*)"', match[0])[1]


def test_x3_the_council_form_shows_its_date_in_the_era_and_saves_it_back_unchanged(world, client_for):
    """X3: 設置日 reads 平成22年（2010年）4月1日 on the edit form; sending the form back keeps 2010-04-01."""
    council, _ = make_council_with_members(world, world.koban_a, acting_user=world.user("community_section"), count=1)
    client = client_for("community_section")
    url = f"/councils/{council.pk}/edit/"
    response = client.get(url)
    shown = _box(response.content.decode(), "established_on")
    assert shown == "平成22年（2010年）4月1日"
    form = response.context["form"]
    data = {name: form[name].value() for name in form.fields if form[name].value() not in (None, False)}
    data.update(established_on=shown, area_description="一番町一丁目")
    assert client.post(url, data).status_code == 302
    council = Council.objects.get(pk=council.pk)
    assert (council.established_on, council.area_description) == (dt.date(2010, 4, 1), "一番町一丁目")


def test_x3_an_impossible_era_date_on_a_council_form_says_why(world, client_for):
    """X3 (issue 7, errors you can find): 平成32年1月1日 on a real form gets 「平成は平成31年4月30日までです」."""
    council, _ = make_council_with_members(world, world.koban_a, acting_user=world.user("community_section"), count=1)
    client = client_for("community_section")
    url = f"/councils/{council.pk}/edit/"
    form = client.get(url).context["form"]
    data = {name: form[name].value() for name in form.fields if form[name].value() not in (None, False)}
    page = client.post(url, {**data, "established_on": "平成32年1月1日"}).content.decode()
    assert "平成は平成31年4月30日までです。令和2年1月1日のことですか。" in page
    assert Council.objects.get(pk=council.pk).established_on == dt.date(2010, 4, 1)


def test_x3_the_renewal_period_boxes_show_era_dates_that_read_back(world, client_for):
    """X3: the period of the renewal workbench is shown like every date field, and reading it back gives the same
    period."""
    client = client_for("community_section")
    page = client.get("/councils/renewals/", {"from": "2026-11-01", "to": "2026-12-31"}).content.decode()
    start, end = _box(page, "from"), _box(page, "to")
    assert (start, end) == ("令和8年（2026年）11月1日", "令和8年（2026年）12月31日")
    again = client.get("/councils/renewals/", {"from": start, "to": end})
    assert (_box(again.content.decode(), "from"), _box(again.content.decode(), "to")) == (start, end)
