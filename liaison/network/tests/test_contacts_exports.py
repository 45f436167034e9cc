"""N2.4: the 連絡員一覧表 as Excel and as PDF — the list's filters applied, the columns the reader may see, A4
landscape with the header repeated, era dates, the Japanese font embedded, every export audited."""

import io
import re
import shutil
import subprocess

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from liaison.audit.models import AuditEntry
from liaison.lib.dates import today_tokyo
from liaison.lib.wareki import to_wareki
from liaison.network.actions import contacts as actions
from liaison.testing import make_person

TODAY = today_tokyo()
pytestmark = pytest.mark.django_db


def _contacts(world):
    user = world.user("community_section")
    aoki = make_person(
        world.station_a,
        "青木",
        "花子",
        "アオキ",
        "ハナコ",
        phone="0229990001",
        email="aoki@example.jp",
        address_city="仙台市青葉区",
        address_town="一番町ZQ",
    )
    watanabe = make_person(world.station_a, "渡辺", "順子", "ワタナベ", "ジュンコ")
    endo = make_person(world.station_a, "遠藤", "恵美", "エンドウ", "エミ")
    first = actions.contact_create(
        station=world.station_a,
        person=aoki,
        values={"koban": world.koban_a, "source": "group", "municipality": "仙台市青葉区", "district": "一番町"},
        roles=[("neighbourhood_head", "一番町町内会"), ("safety_promoter", "")],
        acting_user=user,
    )
    actions.consent_change(contact=first, consent="consented", on=TODAY, method="document", acting_user=user)
    actions.contact_create(
        station=world.station_a,
        person=watanabe,
        values={"koban": world.chuzaisho_a, "source": "cooperator"},
        roles=[("juvenile_guidance", "")],
        acting_user=user,
    )
    declined = actions.contact_create(
        station=world.station_a, person=endo, values={"koban": world.koban_a, "source": "other"}, acting_user=user
    )
    actions.consent_change(contact=declined, consent="declined", on=TODAY, acting_user=user)
    return first


def _sheet(response):
    assert response.status_code == 200
    return load_workbook(io.BytesIO(b"".join(response.streaming_content) if response.streaming else response.content))


def test_n2_4_excel_holds_the_filtered_list_with_the_readers_fields(world, client_for):
    _contacts(world)
    response = client_for("community_section").get(reverse("network:contact_export"))
    ws = _sheet(response).active
    header = [c.value for c in ws[1]]
    assert header[:4] == ["交番・駐在所", "市区町村", "地区", "氏名"]
    assert {"電話番号", "メールアドレス", "住所", "読み"} <= set(header)
    rows = [[c.value for c in row] for row in ws.iter_rows(min_row=2)]
    names = [r[header.index("氏名")] for r in rows]
    assert names == ["青木 花子", "渡辺 順子"]  # 五十音順; the declined person only on request
    aoki = dict(zip(header, rows[0], strict=True))
    assert aoki["兼任の役割"] == "自治会長 一番町町内会、地域安全推進委員"
    assert aoki["承諾の状況"] == "承諾" and aoki["電話番号"] and aoki["メールアドレス"] == "aoki@example.jp"
    assert aoki["承諾日"].date() == TODAY and "ggge" in ws.cell(row=2, column=header.index("承諾日") + 1).number_format
    # A4 landscape, the header row printed on every page.
    assert ws.page_setup.orientation == "landscape" and int(ws.page_setup.paperSize) == int(ws.PAPERSIZE_A4)
    assert ws.print_title_rows.replace("$", "") == "1:1"
    entry = AuditEntry.objects.get(action="network.contact_export_excel")
    assert entry.kind == AuditEntry.Kind.EXPORT and entry.personal_data and entry.detail["count"] == 2
    # The filters of the list apply.
    response = client_for("community_section").get(reverse("network:contact_export") + "?consent=declined")
    rows = list(_sheet(response).active.iter_rows(min_row=2, values_only=True))
    assert len(rows) == 1 and "遠藤 恵美" in rows[0]


def test_n2_4_section_staff_excel_has_name_roles_area_and_koban_only(world, client_for):
    _contacts(world)
    ws = _sheet(client_for("section_staff").get(reverse("network:contact_export"))).active
    header = [c.value for c in ws[1]]
    assert {"氏名", "兼任の役割", "市区町村", "地区", "交番・駐在所"} <= set(header)
    assert not {"電話番号", "メールアドレス", "住所", "読み"} & set(header)
    cells = " ".join(str(v) for row in ws.iter_rows(values_only=True) for v in row if v)
    assert "aoki@example.jp" not in cells and "一番町ZQ" not in cells and "アオキ" not in cells
    entry = AuditEntry.objects.get(action="network.contact_export_excel")
    assert entry.kind == AuditEntry.Kind.EXPORT and not entry.personal_data


def _poppler(tool: str, pdf: bytes, tmp_path, *args: str) -> str:
    if shutil.which(tool) is None:
        pytest.skip(f"{tool} (poppler-utils) is not installed")
    path = tmp_path / "out.pdf"
    path.write_bytes(pdf)
    cmd = [tool, *args, str(path)] + (["-"] if tool == "pdftotext" else [])
    return subprocess.run(cmd, check=True, capture_output=True, text=True).stdout


def test_n2_4_pdf_is_a4_landscape_with_era_dates_and_the_font_embedded(world, client_for, tmp_path):
    _contacts(world)
    response = client_for("community_section").get(reverse("reports:contact_list_pdf"))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    pdf = response.content
    info = _poppler("pdfinfo", pdf, tmp_path)
    assert re.search(r"Page size:\s+841\.\d+ x 595\.\d+ pts \(A4\)", info), info
    fonts = _poppler("pdffonts", pdf, tmp_path).splitlines()[2:]
    assert fonts and all(line.split()[-5] == "yes" for line in fonts), fonts  # the "emb" column
    assert any("IPAex" in line for line in fonts), fonts
    text = re.sub(r"\s+", "", _poppler("pdftotext", pdf, tmp_path))
    assert "連絡員一覧表" in text and "青木花子" in text and "渡辺順子" in text and "遠藤" not in text
    assert text.index("青木花子") < text.index("渡辺順子")
    assert "自治会長" in text and "aoki@example.jp" in text
    assert re.sub(r"\s+", "", to_wareki(TODAY)) in text
    entry = AuditEntry.objects.get(action="network.contact_export_pdf")
    assert entry.kind == AuditEntry.Kind.EXPORT and entry.personal_data


def test_n2_4_pdf_repeats_the_header_on_every_page_and_keeps_filters(world, client_for, tmp_path):
    user = world.user("community_section")
    for i in range(45):
        actions.contact_create(
            station=world.station_a,
            person=make_person(world.station_a, given=f"太郎{i:02d}", given_kana="タロウ"),
            values={"koban": world.koban_a, "source": "group"},
            acting_user=user,
        )
    pdf = client_for("section_staff").get(reverse("reports:contact_list_pdf")).content
    pages = int(re.search(r"Pages:\s+(\d+)", _poppler("pdfinfo", pdf, tmp_path)).group(1))
    assert pages >= 2
    last = re.sub(r"\s+", "", _poppler("pdftotext", pdf, tmp_path, "-f", str(pages), "-l", str(pages)))
    assert "氏名" in last and "兼任の役割" in last
    # Section staff: no phone or e-mail column; the audit entry is an export without personal fields.
    assert "電話番号" not in last and "メールアドレス" not in last
    assert not AuditEntry.objects.get(action="network.contact_export_pdf").personal_data
    # Another station's officer prints their own (empty) list, never station A's people.
    other = client_for(world.chief_b.user).get(reverse("reports:contact_list_pdf") + f"?station={world.station_a.pk}")
    assert "山田" not in re.sub(r"\s+", "", _poppler("pdftotext", other.content, tmp_path))


def test_n2_4_a_pdf_longer_than_the_limit_is_refused_with_a_message_and_writes_nothing(world, client_for, monkeypatch):
    """A list the size of the prefecture (HQ without a station filter) would hold a server process for minutes: the
    PDF asks for a narrower list instead, and nothing is exported or audited."""
    from liaison.reports import contact_list

    _contacts(world)
    monkeypatch.setattr(contact_list, "PDF_LIMIT", 1)
    response = client_for("hq_admin").get(reverse("reports:contact_list_pdf"), {"consent": "all"}, follow=True)
    assert response.redirect_chain and "/network/contacts/" in response.redirect_chain[0][0]
    assert "PDFは1人までです" in response.content.decode()
    assert not AuditEntry.objects.filter(kind=AuditEntry.Kind.EXPORT).exists()
