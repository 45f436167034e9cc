"""Issue 8: HQ's council list filtered by station when the prefecture has more stations than a select can list — the
filter is a combobox that searches the stations as they are typed (keyboard alone, in Chromium)."""

import pytest

from e2e.conftest import login
from liaison.lib import filters
from liaison.testing import PASSWORD, World, make_council_with_members

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_issue8_hq_finds_a_station_as_typed_and_the_council_list_is_filtered(page, live_server, monkeypatch):
    monkeypatch.setattr(filters, "SELECT_MAX", 1)  # the live server runs in this process: "many" stations
    world = World()
    make_council_with_members(world, world.koban_a, acting_user=world.user("deputy"), count=2, name="青葉甲")
    make_council_with_members(world, world.koban_b, acting_user=world.chief_b.user, count=2, name="泉乙")
    login(page, live_server, "hq_admin", PASSWORD)
    page.goto(live_server.url + "/councils/")
    table = page.locator("table.cards tbody")
    table.get_by_text("泉乙").wait_for()
    assert page.locator("select#f-station").count() == 0

    combobox = page.get_by_role("combobox", name="警察署")
    combobox.focus()
    page.keyboard.type("泉")
    listbox = page.get_by_role("listbox")
    listbox.wait_for()
    page.get_by_role("status").get_by_text("1件見つかりました。").wait_for()
    assert "署コード B01" in listbox.get_by_role("option").nth(0).inner_text()
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")  # picks; the form is not sent by it
    page.get_by_role("status").get_by_text("「泉警察署」を選びました。").wait_for()
    assert page.locator("input[name=station]").input_value() == str(world.station_b.pk)

    page.get_by_role("button", name="絞り込む").click()
    page.wait_for_url(f"**/councils/?*station={world.station_b.pk}*")
    table.get_by_text("泉乙").wait_for()
    assert table.get_by_text("青葉甲").count() == 0
    assert "泉警察署" in page.locator("[data-picker-chosen]").inner_text()

    # 選び直す clears the choice: the list is of every station again.
    page.get_by_role("button", name="選び直す").click()
    page.get_by_role("button", name="絞り込む").click()
    table.get_by_text("青葉甲").wait_for()
    assert table.get_by_text("泉乙").count() == 1
