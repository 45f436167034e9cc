"""Issue 13 (charts) in the browser: the chief's view of the network and the figures pages with their charts pass
axe (with the tables opened), the browser reports no Content-Security-Policy violation, and in print each chart fits
the width of an A4 page's text."""

import datetime

import pytest
from django.urls import reverse

from e2e.conftest import login
from e2e.pagechecks import axe_problems
from liaison.figures.tests.test_figures import generate
from liaison.figures.tests.test_summaries import _current_year_council
from liaison.lib.dates import today_tokyo
from liaison.network.queries_figures import Period, current_fiscal_year
from liaison.network.tests.test_figures import _exchange
from liaison.network.tests.test_findings import make_contact
from liaison.testing import PASSWORD, World

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

A4_TEXT_WIDTH_PX = 180 / 25.4 * 96  # 180 mm at CSS's 96 px to the inch


def test_issue13_charts_on_the_chiefs_view_pass_axe_csp_and_fit_a4(page, live_server):
    world = World()
    start = Period.of(current_fiscal_year(today_tokyo())).start
    staff = world.officers["koban_staff"]
    for days in (0, 3, 35, 70, 71, 72):
        _exchange(world, staff, start + datetime.timedelta(days=days), koban=world.koban_a)
    for family, consent in (("青木", "consented"), ("井上", "consented"), ("上田", "declined"), ("& <b>", "asked")):
        make_contact(world, family, "アオキ", consent=consent)
    violations = []
    page.on("console", lambda message: violations.append(message.text) if "Content Security" in message.text else None)
    login(page, live_server, world.user("station_chief").username, PASSWORD)
    page.goto(live_server.url + reverse("network:figures"))
    assert page.locator("figure.chart svg[role=img]").count() == 3
    assert axe_problems(page) == []
    for summary in page.locator("details.chart-data > summary").all():
        summary.click()
    assert page.locator("details.chart-data[open] table").count() == 3
    assert axe_problems(page) == []
    assert violations == []

    page.emulate_media(media="print")
    for svg in page.locator("figure.chart svg").all():
        box = svg.bounding_box()
        assert 0 < box["width"] <= A4_TEXT_WIDTH_PX + 0.5 and box["height"] > 0


def test_issue13_charts_on_the_figures_pages_pass_axe_and_csp(page, live_server):
    """The station's page (meetings against plan, requests by status) and a council summary (member mix)."""
    world = World()
    generate(world, 3)
    council = _current_year_council(world, world.station_a)
    violations = []
    page.on("console", lambda message: violations.append(message.text) if "Content Security" in message.text else None)
    login(page, live_server, world.user("station_chief").username, PASSWORD)
    for path, count in ((reverse("figures:index"), 2), (reverse("figures:summary_council", args=[council.pk]), 1)):
        page.goto(live_server.url + path)
        assert page.locator("figure.chart svg[role=img]").count() == count, path
        for summary in page.locator("details.chart-data > summary").all():
            summary.click()
        assert axe_problems(page) == [], path
    assert violations == []
