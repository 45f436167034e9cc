"""C6.3: the appointment form's person picker, used with the keyboard alone in Chromium (WAI-ARIA combobox)."""

import datetime as dt

import pytest
from django.urls import reverse

from e2e.conftest import login
from liaison.councils.models import Membership
from liaison.testing import PASSWORD, World, make_council_with_members, make_person

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

LABEL = "委員にする人（登録済み）"


def tab_to(page, is_target: str, limit: int = 80) -> None:
    """Press Tab until the focused element satisfies the JavaScript predicate ``is_target`` (given ``el``)."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(f"(() => {{ const el = document.activeElement; return !!el && ({is_target}); }})()"):
            return
    raise AssertionError(f"Tab never reached {is_target}")


def test_c6_3_pick_a_person_with_the_keyboard_alone_and_appoint_them(page, live_server):
    world = World()
    council, _ = make_council_with_members(
        world, world.koban_a, acting_user=world.user("deputy"), count=2, start=dt.date(2025, 4, 1)
    )
    wanted = make_person(
        world.station_a, "後藤", "明", "ゴトウ", "アキラ", address_city="仙台市青葉区", address_town="作並"
    )
    namesake = make_person(world.station_a, "後藤", "明", "ゴトウ", "アキラ", birth_date=dt.date(1990, 4, 1))
    make_person(world.station_b, "後藤", "明", "ゴトウ", "アキラ")  # another station's: never offered
    login(page, live_server, "community_section", PASSWORD)
    page.goto(live_server.url + reverse("councils:appoint", args=[council.pk]))

    combobox = page.get_by_role("combobox", name=LABEL)
    assert combobox.get_attribute("aria-expanded") == "false"
    assert page.get_by_role("button", name="検索", exact=True).count() == 0  # the no-script button is gone
    tab_to(page, "el.getAttribute('role') === 'combobox'")

    # Typing searches: two namesakes of this station, told apart by age and town; the count is announced.
    page.keyboard.type("ごとう")
    listbox = page.get_by_role("listbox")
    listbox.wait_for()
    status = page.get_by_role("status").filter(has_text="件見つかりました")
    status.get_by_text("2件見つかりました。").wait_for()
    options = listbox.get_by_role("option")
    assert options.count() == 2
    assert combobox.get_attribute("aria-expanded") == "true"
    assert "作並" in options.nth(0).inner_text() and f"{namesake.age()}歳" in options.nth(1).inner_text()

    # Arrow keys move the active option (aria-activedescendant); Escape closes; Enter picks.
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    assert combobox.get_attribute("aria-activedescendant") == options.nth(1).get_attribute("id")
    assert options.nth(1).get_attribute("aria-selected") == "true"
    page.keyboard.press("ArrowUp")
    assert combobox.get_attribute("aria-activedescendant") == options.nth(0).get_attribute("id")
    page.keyboard.press("Escape")
    assert combobox.get_attribute("aria-expanded") == "false" and not listbox.is_visible()
    page.keyboard.press("ArrowDown")  # opens the list again on the first option
    assert combobox.get_attribute("aria-activedescendant") == options.nth(0).get_attribute("id")
    page.keyboard.press("Enter")

    chosen = page.locator("[data-picker-chosen]")
    chosen.get_by_text("後藤 明").wait_for()
    assert "作並" in chosen.inner_text()
    page.get_by_role("status").get_by_text("「後藤 明」を選びました。").wait_for()
    assert combobox.get_attribute("aria-expanded") == "false"
    assert page.locator("input[name=person]").input_value() == str(wanted.pk)
    # The pick is a change of the form: the findings the appointment would cause are previewed (C6.1: 3 members).
    page.locator("#preview").get_by_text("委員は3人です").wait_for()

    # The rest of the form, by keyboard: the term's start, then Tab to 委嘱する and press Enter.
    tab_to(page, "el.id === 'id_start_date'")
    page.keyboard.press("Control+A")
    page.keyboard.type("令和7年4月1日")
    tab_to(page, "el.tagName === 'BUTTON' && el.name === 'save'")
    page.keyboard.press("Enter")
    page.get_by_text("後藤 明さんを委嘱しました。").wait_for()
    membership = Membership.objects.get(council=council, person__family_name="後藤")
    assert membership.person == wanted and membership.start_date == dt.date(2025, 4, 1)


def test_choose_again_and_enter_in_the_box_never_submits_the_form(page, live_server):
    """選び直す clears the choice and returns to the box; Enter in the box searches instead of saving."""
    world = World()
    council, _ = make_council_with_members(world, world.koban_a, acting_user=world.user("deputy"), count=1)
    make_person(world.station_a, "新井", "聡", "アライ", "サトシ")
    login(page, live_server, "community_section", PASSWORD)
    page.goto(live_server.url + reverse("councils:appoint", args=[council.pk]))
    combobox = page.get_by_role("combobox", name=LABEL)
    combobox.focus()
    page.keyboard.type("あら")
    page.get_by_role("option").first.wait_for()
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    page.locator("[data-picker-chosen]").get_by_text("新井 聡").wait_for()

    page.keyboard.type("ぬぬ")
    page.keyboard.press("Enter")
    page.get_by_role("status").get_by_text("「ぬぬ」に該当するものはありません。").wait_for()
    assert page.url.endswith(reverse("councils:appoint", args=[council.pk]))
    assert not Membership.objects.filter(person__family_name="新井").exists()

    page.get_by_role("button", name="選び直す").press("Enter")
    assert page.evaluate("document.activeElement.getAttribute('role')") == "combobox"
    assert page.locator("input[name=person]").input_value() == ""
    assert not page.locator("[data-picker-chosen]").is_visible()
