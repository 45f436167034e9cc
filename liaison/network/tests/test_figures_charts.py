"""Issue 13 (charts) on the chief's view of the network (N4.4): exchanges per month of the fiscal year and contact
persons by consent drawn as SVG, the same numbers as tables, each exportable to Excel (audited), and the page still
within the Content-Security-Policy (no inline style)."""

import datetime
import io
import re
import xml.etree.ElementTree as ET

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from liaison.audit.models import AuditEntry

from .test_figures import FY, START, _exchange
from .test_findings import make_contact

pytestmark = pytest.mark.django_db

SVG = "{http://www.w3.org/2000/svg}"


def _svgs(page: str) -> dict[str, ET.Element]:
    """Each chart's SVG on the page, parsed, by its chart key."""
    found = {}
    for figure_id, svg in re.findall(r'<figure class="chart" id="chart-([a-z-]+)-\d+">(<svg.*?</svg>)', page, re.S):
        found[figure_id] = ET.fromstring(svg)
    return found


def _bars(root):
    return [e for e in root.iter(f"{SVG}rect") if e.get("class") == "bar"]


def test_n4_4_the_chiefs_view_draws_exchanges_per_month_and_contacts_by_consent(world, client_for):
    staff = world.officers["koban_staff"]
    for day in (START, START, START + datetime.timedelta(days=40), datetime.date(FY, 6, 3)):
        _exchange(world, staff, day, koban=world.koban_a)
    make_contact(world, "青木", "アオキ")
    make_contact(world, "井上", "イノウエ")
    make_contact(world, "上田", "ウエダ", consent="declined")
    make_contact(world, "<script>江藤</script>", "エトウ", consent="asked")
    response = client_for("station_chief").get(reverse("network:figures"))
    page = response.content.decode()
    charts = _svgs(page)
    assert set(charts) == {"exchanges-by-month", "contacts-by-consent", "recruitment-by-section"}
    months = [float(b.get("data-value")) for b in _bars(charts["exchanges-by-month"])]
    assert months == [2, 1, 1] + [0] * 9  # April to March of the fiscal year
    heights = [float(b.get("height")) for b in _bars(charts["exchanges-by-month"])]
    assert heights[0] == pytest.approx(2 * heights[1], abs=0.02)
    consent = {
        "".join(t.itertext()) for t in charts["contacts-by-consent"].iter(f"{SVG}text") if t.get("class") == "value"
    }
    assert {"承諾 2人（50.0%）", "辞退 1人（25.0%）", "依頼中 1人（25.0%）"} <= consent
    # no sections' referrals yet: that chart says so rather than drawing nothing
    assert "データなし" in "".join(charts["recruitment-by-section"].itertext())
    # the numbers as tables after the charts, and nothing the CSP would block
    assert 'data-label="承諾の状況">承諾</td>' in page and 'data-label="人数（人）">2</td>' in page
    assert not re.search(r"\sstyle\s*=", page) and "<style" not in page
    assert "<script>江藤" not in page
    ids = re.findall(r'\sid="([^"]+)"', page)
    assert len(ids) == len(set(ids))
    assert "style-src 'self'" in response.headers["Content-Security-Policy"]


def test_n4_4_a_charts_numbers_export_to_excel_and_the_export_is_audited(world, client_for):
    make_contact(world, "青木", "アオキ")
    make_contact(world, "上田", "ウエダ", consent="declined")
    client = client_for("station_chief")
    page = client.get(reverse("network:figures")).content.decode()
    link = re.search(r'href="([^"]*chart=contacts-by-consent[^"]*)"', page).group(1).replace("&amp;", "&")
    response = client.get(link)
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("区分", "承諾の状況", "人数（人）", "割合")
    assert ("連絡員", "承諾", 1, "50.0%") in rows and ("連絡員", "辞退", 1, "50.0%") in rows
    entry = AuditEntry.objects.get(action="network.figures_chart_export")
    assert entry.station_id == world.station_a.pk and entry.detail["count"] == len(rows) - 1
    months = client.get(reverse("network:figures"), {"chart": "exchanges-by-month", "format": "csv"})
    text = b"".join(months.streaming_content).decode("utf-8-sig")
    assert text.splitlines()[0] == "月,情報交換（件）" and len(text.splitlines()) == 13


def test_n4_4_hq_gets_the_page_not_a_file_until_it_picks_a_station(world, client_for):
    hq = client_for("hq_admin")
    response = hq.get(reverse("network:figures"), {"chart": "contacts-by-consent", "format": "xlsx"})
    assert response.status_code == 200 and response["Content-Type"].startswith("text/html")
    assert not AuditEntry.objects.filter(action="network.figures_chart_export").exists()
