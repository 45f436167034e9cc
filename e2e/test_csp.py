"""The browser reports no Content-Security-Policy violation on the login page and the main pages: the policy allows
no inline script or style, so anything the pages or their libraries inject inline would be blocked (and break)."""

import pytest
from django.urls import reverse

from e2e.conftest import login
from liaison.testing import PASSWORD, World

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PAGES = [
    "home",
    "councils:list",
    "people:list",
    "cases:list",
    "meetings:list",
    "network:contact_list",
    "figures:index",
    "notify:list",
]


def test_no_page_breaks_the_content_security_policy(page, live_server):
    world = World()
    violations = []
    page.on("console", lambda message: violations.append(message.text) if "Content Security" in message.text else None)
    page.goto(live_server.url + reverse("login"))
    page.wait_for_load_state("load")
    assert violations == [], "login page"
    login(page, live_server, world.user("station_chief").username, PASSWORD)
    for name in PAGES:
        page.goto(live_server.url + reverse(name))
        page.wait_for_load_state("load")
        assert violations == [], name
