"""Printing forms through the web (C6.3, C11.1(1)): access rules and audited exports (X2), background batches."""

import datetime
import re
from urllib.parse import quote

import pytest
from django.core.management import call_command
from django.urls import reverse

from liaison.audit.models import AuditEntry
from liaison.councils.models import Membership
from liaison.org.models import Rank
from liaison.reports.models import PrintJob
from liaison.testing import make_officer

from .conftest import make_council, poppler

pytestmark = pytest.mark.django_db

KANA = "アイウエオカキクケコサシスセソタチツテトナニヌネノハヒフヘホマミムメモヤユヨラリルレロワ"


def many_members(count):
    return [
        (
            f"委員{i:02d}",
            "太郎",
            f"{KANA[i % len(KANA)]}ノ",
            "タロウ",
            datetime.date(1960, 1, 1),
            Membership.Post.MEMBER,
        )
        for i in range(count)
    ]


def exports(action):
    return AuditEntry.objects.filter(action=action, kind=AuditEntry.Kind.EXPORT, personal_data=True)


def pages(pdf, tmp_path):
    return int(re.search(r"Pages:\s+(\d+)", poppler("pdfinfo", pdf, tmp_path))[1])


def test_one_letter_is_an_audited_pdf_download(council, client_for, world, tmp_path):
    """C6.3, X2: the letter downloads as a PDF with a Japanese file name and an export audit entry."""
    membership = council.memberships.get(person__family_name="髙橋")
    response = client_for("community_section").get(reverse("reports:letter", args=[membership.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert f"filename*=UTF-8''{quote('委嘱状_一番町交番連絡協議会_髙橋 次郎.pdf')}" in response["Content-Disposition"]
    assert "髙橋 次郎" in poppler("pdftotext", response.content, tmp_path)
    entry = exports("form1.print").get()
    assert entry.user == world.user("community_section")
    assert entry.station_id == world.station_a.pk
    assert entry.detail == {"membership_ids": [membership.pk]}
    assert "一番町交番連絡協議会" in entry.summary and "1件" in entry.summary


def test_council_letters_print_every_current_member(council, client_for, tmp_path):
    """C6.3: a page per member serving today; members whose term is over are left out."""
    past = council.memberships.first()
    Membership.objects.filter(pk=past.pk).update(
        start_date=datetime.date(2021, 4, 1), end_date=datetime.date(2023, 3, 31)
    )
    Membership.objects.exclude(pk=past.pk).update(
        start_date=datetime.date(2025, 4, 1), end_date=datetime.date(2099, 3, 31)
    )
    response = client_for("koban_chief").get(reverse("reports:council_letters", args=[council.pk]))
    assert response.status_code == 200
    assert pages(response.content, tmp_path) == 9
    entry = exports("form1.print").get()
    assert len(entry.detail["membership_ids"]) == 9 and past.pk not in entry.detail["membership_ids"]
    assert "9件" in entry.summary


def test_setup_report_takes_number_and_date(council, client_for, tmp_path):
    """C11.1(1), X3: Form 2 with the given document number and date; the download is audited."""
    url = reverse("reports:setup_report", args=[council.pk])
    response = client_for("deputy").post(url, {"number": "58", "date": "2025-04-10"})
    assert response.status_code == 200
    text = re.sub(r"\s+", "", poppler("pdftotext", response.content, tmp_path))
    assert "宮地第58号" in text and "令和7年4月10日" in text and "設置報告書" in text
    entry = exports("form2.print").get()
    assert entry.object_id == str(council.pk) and len(entry.detail["membership_ids"]) == 10


def test_other_station_gets_404(council, client_for, world):
    """X2: station B cannot tell a station A council or membership from a missing one."""
    client = client_for(world.chief_b.user)
    membership = council.memberships.first()
    assert client.get(reverse("reports:letter", args=[membership.pk])).status_code == 404
    assert client.get(reverse("reports:council_letters", args=[council.pk])).status_code == 404
    assert client.get(reverse("reports:setup_report", args=[council.pk])).status_code == 404
    assert client.post(reverse("reports:batch_letters"), {"ids": [membership.pk]}).status_code == 404
    assert not AuditEntry.objects.filter(kind=AuditEntry.Kind.EXPORT).exists()


def test_koban_chief_of_another_koban_gets_403(council, client_for, world):
    """X2: a koban chief prints only the councils of the own koban."""
    other = make_officer("koban_chief", station=world.station_a, koban=world.chuzaisho_a, rank=Rank.KEIBUHO)
    client = client_for(other.user)
    membership = council.memberships.first()
    assert client.get(reverse("reports:letter", args=[membership.pk])).status_code == 403
    assert client.get(reverse("reports:council_letters", args=[council.pk])).status_code == 403
    assert client.get(reverse("reports:setup_report", args=[council.pk])).status_code == 403
    assert client.post(reverse("reports:batch_letters"), {"ids": [membership.pk]}).status_code == 403
    assert not AuditEntry.objects.filter(kind=AuditEntry.Kind.EXPORT).exists()


def test_batch_of_a_few_letters_downloads_at_once(council, client_for, tmp_path):
    """C6.3: up to 30 letters come back directly, in the order chosen."""
    chosen = list(council.memberships.order_by("-pk").values_list("pk", flat=True)[:3])
    response = client_for("station_chief").post(reverse("reports:batch_letters"), {"ids": chosen})
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert pages(response.content, tmp_path) == 3
    assert exports("form1.print").get().detail == {"membership_ids": chosen}
    assert not PrintJob.objects.exists()


def test_batch_rejects_unknown_ids(council, client_for):
    response = client_for("station_chief").post(reverse("reports:batch_letters"), {"ids": ["x"]})
    assert response.status_code == 404
    assert client_for("station_chief").post(reverse("reports:batch_letters"), {"ids": [999999]}).status_code == 404


@pytest.mark.django_db(transaction=True)  # the worker closes its database connection when it finishes
def test_batch_of_40_letters_runs_in_the_background(world, client_for, tmp_path):
    """C6.3, X2: 40 letters become a print job run by the db_worker; progress shows, and the download is audited."""
    big = make_council(world, name="一番町地区防犯連絡協議会", members=many_members(40))
    ids = list(big.memberships.values_list("pk", flat=True))
    client = client_for("community_section")
    response = client.post(reverse("reports:batch_letters"), {"ids": ids})
    job = PrintJob.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("reports:job", args=[job.pk])
    assert (job.total, job.done, job.status, job.kind, job.object_ids) == (40, 0, PrintJob.Status.QUEUED, "form1", ids)
    assert job.station == world.station_a and job.requested_by == world.user("community_section")

    page = client.get(response["Location"])
    assert page.status_code == 200
    html = page.content.decode()
    assert '<progress value="0" max="40">' in html and 'hx-trigger="every 2s"' in html
    assert client.get(reverse("reports:job_download", args=[job.pk])).status_code == 404
    assert not exports("form1.print").exists()

    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", "--nice", "0")
    job.refresh_from_db()
    assert job.status == PrintJob.Status.DONE, job.error
    assert job.done == 40 and job.finished_at is not None

    fragment = client.get(response["Location"], headers={"HX-Request": "true"})
    body = fragment.content.decode()
    assert "<html" not in body and "hx-trigger" not in body
    assert '<progress value="40" max="40">' in body
    assert reverse("reports:job_download", args=[job.pk]) in body

    download = client.get(reverse("reports:job_download", args=[job.pk]))
    assert download.status_code == 200 and download["Content-Type"] == "application/pdf"
    pdf = b"".join(download.streaming_content)
    assert pages(pdf, tmp_path) == 40
    text = poppler("pdftotext", pdf, tmp_path).split("\f")
    assert "委員00" in text[0] and "委員39" in text[39]
    entry = exports("form1.print").get()
    assert entry.detail["membership_ids"] == ids and entry.object_type == "reports.PrintJob"


def test_print_job_of_another_station_is_hidden(world, client_for):
    """X2: a print job holds personal data; other stations get 404, other kobans 403."""
    big = make_council(world, members=many_members(2))
    job = PrintJob.objects.create(
        station=world.station_a,
        requested_by=world.user("community_section"),
        kind="form1",
        object_ids=list(big.memberships.values_list("pk", flat=True)),
        total=2,
    )
    assert client_for(world.chief_b.user).get(reverse("reports:job", args=[job.pk])).status_code == 404
    other = make_officer("koban_chief", station=world.station_a, koban=world.chuzaisho_a)
    assert client_for(other.user).get(reverse("reports:job", args=[job.pk])).status_code == 403
    assert client_for("koban_chief").get(reverse("reports:job", args=[job.pk])).status_code == 200


def test_c11_1_1_setup_report_form_on_the_council_page_sends_number_and_date(world, client_for, tmp_path):
    """C11.1(1): the council page asks for the document number and date of Form 2; they are shown, then printed."""
    council = make_council(world, name="一番町交番連絡協議会", members=many_members(3))
    client = client_for("station_chief")
    page = client.get(reverse("councils:detail", args=[council.pk])).content.decode()
    assert 'name="number"' in page and reverse("reports:setup_report", args=[council.pk]) in page
    url = reverse("reports:setup_report", args=[council.pk])
    shown = client.get(url, {"number": "321", "date": "令和8年4月10日"}).content.decode()
    assert "宮地第321号" in shown and "令和8年4月10日" in shown
    pdf = client.post(url, {"number": "321", "date": "令和8年4月10日"})
    text = poppler("pdftotext", pdf.content, tmp_path)
    assert "321" in text and "令和8年4月10日" in text


def test_x3_council_roster_downloads_as_excel_and_is_audited(world, client_for):
    """X3 (Excel out), X2 (audited export): the roster lists current members in kana order; the terms are real
    dates shown in the era (so the office can sort and filter them), and the header has the filter buttons."""
    from io import BytesIO

    from openpyxl import load_workbook

    council = make_council(world, name="一番町交番連絡協議会", members=many_members(3))
    response = client_for("koban_chief").get(reverse("reports:council_roster", args=[council.pk]))
    assert response.status_code == 200 and response["Content-Type"].endswith("spreadsheetml.sheet")
    sheet = load_workbook(BytesIO(response.content)).active
    assert sheet["A1"].value.startswith("一番町交番連絡協議会　委員名簿") and sheet["A3"].value == "氏名"
    rows = [row for row in sheet.iter_rows(min_row=4, values_only=True)]
    assert len(rows) == 3 and [r[1] for r in rows] == sorted(r[1] for r in rows)
    members = {m.person.full_kana: m for m in council.memberships.select_related("person")}
    for row in rows:
        term = members[row[1]]
        assert (row[9].date(), row[10].date()) == (term.start_date, term.end_date)
    assert '[$-411]ggge"年"m"月"d"日"' in sheet["J4"].number_format and sheet["J4"].is_date
    assert sheet.auto_filter.ref == f"A3:M{3 + len(rows)}"
    entry = exports("roster.xlsx").get()
    assert entry.personal_data and len(entry.detail["membership_ids"]) == 3


def test_c6_3_term_history_links_the_letters_of_past_terms(world, client_for, tmp_path):
    """C6.3: the council page's history of terms links each term's 委嘱状 for those who may print; printing one is
    an audited export like any other letter."""
    council = make_council(world, members=many_members(2))
    past = council.memberships.first()
    Membership.objects.filter(pk=past.pk).update(
        start_date=datetime.date(2021, 4, 1), end_date=datetime.date(2023, 3, 31)
    )
    page = reverse("councils:detail", args=[council.pk])
    letter = reverse("reports:letter", args=[past.pk])
    for role in ("hq_admin", "community_section", "koban_chief"):
        html = client_for(role).get(page).content.decode()
        history = html[html.index('id="h-history"') :]
        assert f'href="{letter}"' in history, role
    for role in ("section_staff", "koban_staff", "hq_staff"):
        assert letter not in client_for(role).get(page).content.decode(), role

    response = client_for("hq_admin").get(letter)
    assert response.status_code == 200 and "委員" in poppler("pdftotext", response.content, tmp_path)
    assert exports("form1.print").get().detail == {"membership_ids": [past.pk]}
