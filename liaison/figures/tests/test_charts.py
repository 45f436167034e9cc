"""Issue 13 (charts) on the figures pages: the station's meetings held per month against plan and its requests by
status, and the summaries' member mix — each chart draws the same numbers as the page's tables, exports them
(audited), shows gender and age only to those who may see them, and leaves the page without inline style."""

from __future__ import annotations

import random
import re
import xml.etree.ElementTree as ET

import pytest
from django.urls import reverse

from liaison.audit.models import AuditEntry
from liaison.testing import export_rows

from .test_figures import generate
from .test_summaries import FY, _current_year_council, _generate

pytestmark = pytest.mark.django_db

SVG = "{http://www.w3.org/2000/svg}"


def _chart(page: str, key: str) -> ET.Element:
    found = re.search(rf'<figure class="chart" id="chart-{key}-\d+">(<svg.*?</svg>)', page, re.S)
    assert found, key
    return ET.fromstring(found.group(1))


def _values(root, cls="bar"):
    return [float(e.get("data-value")) for e in root.iter() if e.get("class") == cls]


def _no_inline_style(page: str) -> None:
    assert not re.search(r"\sstyle\s*=", page) and "<style" not in page
    ids = re.findall(r'\sid="([^"]+)"', page)
    assert len(ids) == len(set(ids))


def test_c10_1_the_station_page_draws_meetings_held_against_plan_and_requests_by_status(world, client_for):
    generate(world, 6)
    client = client_for("station_chief")
    response = client.get(reverse("figures:index"))
    page = response.content.decode()
    meetings, cases = response.context["meetings"], response.context["cases"]
    held = _chart(page, "meetings-by-month")
    assert _values(held) == [r["held"] for r in meetings["rows"]]
    assert _values(held, "target") == [r["scheduled"] for r in meetings["rows"]]
    assert "予定・開催" in "".join(held.itertext())
    by_status = _chart(page, "cases-by-status")
    total_row = [n for _s, _label, n in cases["totals"]["statuses"]]
    assert _values(by_status)[: len(total_row)] == total_row  # the first bar is every request of the year
    assert len(_values(by_status)) == len(total_row) * (1 + sum(1 for r in cases["rows"] if r["total"]))
    _no_inline_style(page)

    rows = export_rows(client.get(reverse("figures:index"), {"chart": "meetings-by-month", "format": "xlsx"}))
    assert rows[0] == ["月", "開催済（回）", "予定・開催（回）"]
    assert [[int(v) for v in r[1:]] for r in rows[1:]] == [[r["held"], r["scheduled"]] for r in meetings["rows"]]
    rows = export_rows(client.get(reverse("figures:index"), {"chart": "cases-by-status", "format": "csv"}))
    assert rows[0] == ["分類", "措置状況", "件数（件）", "割合"]
    assert [int(r[2]) for r in rows[1:] if r[0] == "計"] == total_row
    assert AuditEntry.objects.filter(action="figures.station_chart_export").count() == 2


def test_c3_2_2_the_summary_draws_the_member_mix_from_its_tables_totals(world, client_for):
    _generate(world, random.Random(8))
    client = client_for("community_section")
    url = reverse("figures:summary_station", args=[world.station_a.pk])
    response = client.get(url, {"year": FY})
    page = response.content.decode()
    mix = _chart(page, "member-mix")
    figures = {f.key: f for f in response.context["figures"]}
    assert {"leaders", "gender", "age"} <= set(figures)
    expected = []
    for key in ("leaders", "gender", "age"):
        expected += [v for c, v in figures[key].total.cells if c.key != "members" and c.kind == "count"]
    assert _values(mix) == expected
    words = "".join(mix.itertext())
    assert "リーダーの区分" in words and "性別" in words and "年齢層" in words
    _no_inline_style(page)
    rows = export_rows(client.get(url, {"year": FY, "chart": "member-mix", "format": "xlsx"}))
    assert rows[0] == ["集計", "区分", "人数（人）", "割合"]
    assert [int(r[2]) for r in rows[1:]] == expected
    assert AuditEntry.objects.filter(action="figures.summary_member_mix").count() == 1


def test_x2_the_member_mix_shows_gender_and_age_only_to_those_who_may_see_them(world, client_for):
    council = _current_year_council(world, world.station_a)
    url = reverse("figures:summary_council", args=[council.pk])
    staff = client_for("section_staff")
    mix = _chart(staff.get(url).content.decode(), "member-mix")
    words = "".join(mix.itertext())
    assert "リーダーの区分" in words and "性別" not in words and "年齢層" not in words
    rows = export_rows(staff.get(url, {"chart": "member-mix", "format": "csv"}))
    assert {r[0] for r in rows[1:]} == {"リーダーの区分"}
    assert _values(mix) == [1, 0, 0, 0, 1]  # one leader ア, one member who is no leader
    seen = "".join(_chart(client_for("community_section").get(url).content.decode(), "member-mix").itertext())
    assert "性別" in seen and "女性 1人（50.0%）" in seen
