"""Issue 13 "Done when": HQ reads the figures of every station from the home page, drills down to one station and one
council, and exports the station's table of councils as Excel (C10.1)."""

import datetime

import pytest
from openpyxl import load_workbook

from e2e.conftest import login
from liaison.councils.models import Council
from liaison.findings import store
from liaison.lib.dates import today_tokyo
from liaison.testing import PASSWORD, World

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_issue13_c10_1_hq_drills_down_to_a_station_and_a_council_and_exports(page, live_server, tmp_path):
    """C10.1: HQ home card → the stations' table → station A → its council; the table downloads and opens."""
    world = World()
    established = today_tokyo() - datetime.timedelta(days=400)
    council = Council.objects.create(station=world.station_a, name="一番町交番連絡協議会", established_on=established)
    council.kobans.set([world.koban_a])
    Council.objects.create(station=world.station_b, name="泉中央交番連絡協議会", established_on=established)
    store.refresh_all()

    login(page, live_server, "hq_admin", PASSWORD)
    page.locator("#figures-card").get_by_role("link").first.click()
    stations = page.locator("#fig-stations")
    assert stations.locator("tbody tr[data-station]").count() == 2
    stations.get_by_role("link", name=world.station_a.name).click()

    page.wait_for_url(f"**/figures/stations/{world.station_a.pk}/**")
    councils = page.locator("#fig-councils")
    assert councils.locator("tbody tr[data-council]").count() == 1  # station B's council is not here

    with page.expect_download() as download_info:
        page.locator('a[data-export="councils"]').click()
    path = tmp_path / "councils.xlsx"
    download_info.value.save_as(path)
    rows = list(load_workbook(path).active.iter_rows(values_only=True))
    assert rows[0][0] == "協議会" and rows[1][0] == council.name

    councils.get_by_role("link", name=council.name).click()
    page.wait_for_url(f"**/councils/{council.pk}/")
    assert council.name in page.locator("h1").inner_text()
