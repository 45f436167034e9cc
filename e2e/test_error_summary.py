"""Issue 7 "Errors you can find": after a failed submit the error summary at the top of the form has the focus, lists
every error, and each of its links moves the focus to the field, whose label and message stay in view."""

import pytest
from django.urls import reverse

from e2e.conftest import login
from liaison.people.models import Person
from liaison.testing import PASSWORD, World

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_issue7_error_summary_takes_focus_and_links_to_each_field(page, live_server):
    World()
    login(page, live_server, "community_section", PASSWORD)
    page.goto(live_server.url + reverse("people:create"))
    page.get_by_label("姓", exact=True).fill("試験")
    page.get_by_label("生年月日").fill("平成99年1月1日")
    page.get_by_role("button", name="登録する").click()

    summary = page.locator("[data-error-summary]")
    summary.wait_for()
    assert page.evaluate("document.activeElement.hasAttribute('data-error-summary')")
    links = summary.get_by_role("link")
    assert [link.get_attribute("href") for link in links.all()] == [
        "#id_given_name",
        "#id_family_kana",
        "#id_given_kana",
        "#id_birth_date",
    ]
    assert links.nth(3).inner_text().startswith("生年月日：")
    assert not Person.objects.exists()

    # The keyboard reaches the first link from the summary; following it focuses the field itself.
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.getAttribute('href')") == "#id_given_name"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "id_given_name"

    # A field further down: focused, its label and its message in view above it, and tied to it for screen readers.
    links.nth(3).click()
    field = page.locator("#id_birth_date")
    assert page.evaluate("document.activeElement.id") == "id_birth_date"
    assert field.get_attribute("aria-invalid") == "true"
    assert field.get_attribute("aria-describedby") == "id_birth_date_error"
    message = page.locator("#id_birth_date_error")
    label = page.locator("label[for=id_birth_date]")
    viewport = page.viewport_size["height"]
    for element in (label, message, field):
        box = element.bounding_box()
        assert 0 <= box["y"] and box["y"] + box["height"] <= viewport
    assert label.bounding_box()["y"] < message.bounding_box()["y"] < field.bounding_box()["y"]
    # The summary's wording is the field's own error message.
    assert message.inner_text() in links.nth(3).inner_text()


def test_issue7_a_successful_form_has_no_summary_and_focus_stays_put(page, live_server):
    World()
    login(page, live_server, "community_section", PASSWORD)
    page.goto(live_server.url + reverse("people:create"))
    assert page.locator("[data-error-summary]").count() == 0
    assert page.locator(".required-note").count() == 1
    assert page.evaluate("document.activeElement === document.body")
