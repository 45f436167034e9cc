"""Issue 7 "Tables on tablets": the council page, the person list and the appointment form, and (issue 9) the meeting
list, a meeting's page, the meeting form, attendance, the case list, a case's page, the decisions screen and the
good-practice list, and (issue 10) the community safety network's main pages (e2e/network_pages.py), at 768×1024 (a
tablet held upright) and 390×844 (a phone), on the demo prefecture.

Measured in Chromium by e2e/layout_checks.js:
- every visible link, button, input, select and checkbox is at least 44×44 px (a checkbox or radio through its
  label). Links inside a sentence are exempt, as WCAG 2.5.8 exempts them: their height is the line's, and making
  them taller would space out the text they are read in; links in tables, menus, headers, breadcrumbs and action
  rows are never exempt.
- no table cell breaks a word: a line may end between words (Intl.Segmenter), at a space or after punctuation,
  never inside a word, a date (令和7年4月1日〜), a number or a short label (終了).
- nothing scrolls sideways, neither the page nor a box in it (a table's box included).
"""

import pytest
from django.core.management import call_command
from django.urls import reverse

from e2e.conftest import login
from e2e.network_pages import network_pages
from e2e.pagechecks import layout_problems
from liaison.councils.models import Council
from liaison.meetings.models import Meeting, MeetingCase

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

VIEWPORTS = {"tablet": (768, 1024), "phone": (390, 844)}


def test_issue7_tablet_and_phone_targets_words_and_no_sideways_scroll(browser, live_server):
    call_command("load_demo", verbosity=0)
    council = Council.objects.get(name="一番町交番連絡協議会")
    meeting = Meeting.objects.filter(council=council, status=Meeting.Status.HELD).order_by("-starts_at").first()
    case_id = MeetingCase.objects.filter(meeting__council=council).order_by("pk").values_list("case_id", flat=True)[0]
    pages = {
        "council page": reverse("councils:detail", args=[council.pk]),
        "person list": reverse("people:list"),
        "appointment form": reverse("councils:appoint", args=[council.pk]),
        "meeting list": reverse("meetings:list"),
        "meeting page": reverse("meetings:detail", args=[meeting.pk]),
        "meeting form": reverse("meetings:create") + f"?council={council.pk}",
        "attendance": reverse("meetings:attendance", args=[meeting.pk]),
        "case list": reverse("cases:list"),
        "case page": reverse("cases:detail", args=[case_id]),
        "decisions": reverse("reports:decisions"),
        "good-practice list": reverse("reports:good_practice_list"),
        **network_pages(),
    }
    problems = []
    for device, (width, height) in VIEWPORTS.items():
        context = browser.new_context(locale="ja-JP", viewport={"width": width, "height": height})
        page = context.new_page()
        page.set_default_timeout(15000)
        login(page, live_server, "demo_community", "demo-pass-2025")
        for name, path in pages.items():
            response = page.goto(live_server.url + path)
            assert response.status == 200 and page.locator("main table, main form, main dl").count(), (
                f"{name} did not open"
            )
            problems += [f"{device} {width}px, {name}: {p}" for p in layout_problems(page)]
        # The appointment form after a failed submit: the error summary and the messages under the labels.
        page.goto(live_server.url + pages["appointment form"])
        page.get_by_label("任期の始期").fill("令和7年2月30日")
        page.get_by_role("button", name="委嘱する", exact=True).click()
        page.locator("[data-error-summary]").wait_for()
        problems += [f"{device} {width}px, appointment form with errors: {p}" for p in layout_problems(page)]
        # The exchange form sent without a contact person ticked: the summary and the message above the boxes.
        page.goto(live_server.url + pages["exchange form"])
        for box in page.locator('input[name="contacts"]:checked').all():
            box.uncheck()
        page.get_by_role("button", name="記録する", exact=True).click()
        page.locator("[data-error-summary]").wait_for()
        problems += [f"{device} {width}px, exchange form with errors: {p}" for p in layout_problems(page)]
        context.close()
    assert not problems, "\n".join(problems)


def test_issue7_the_member_table_is_cards_on_a_phone_and_a_table_on_a_desktop(browser, live_server):
    """The list pattern itself: the same member table is a table where its columns fit and labelled cards where they
    do not; every action link of a member stays on screen."""
    call_command("load_demo", verbosity=0)
    council = Council.objects.get(name="一番町交番連絡協議会")
    for width, height, cards in ((1280, 800, False), (390, 844, True)):
        context = browser.new_context(locale="ja-JP", viewport={"width": width, "height": height})
        page = context.new_page()
        login(page, live_server, "demo_community", "demo-pass-2025")
        page.goto(live_server.url + reverse("councils:detail", args=[council.pk]))
        members = page.locator("section", has=page.locator("#h-members")).locator("table")
        assert members.evaluate("t => getComputedStyle(t).display") == ("block" if cards else "table"), width
        first_row = members.locator("tbody tr").first
        if cards:
            # Each cell shows its column's name; the card is no taller than a screen's fraction.
            label = first_row.locator("td[data-label='任期']")
            assert label.evaluate("td => getComputedStyle(td, '::before').content") == '"任期"'
            assert first_row.bounding_box()["height"] < 320
        for link in first_row.get_by_role("link").all():
            box = link.bounding_box()
            assert 0 <= box["x"] and box["x"] + box["width"] <= width, link.inner_text()
        context.close()
