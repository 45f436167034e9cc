"""C11.1(1): Form 2 shows the document number as it will print, live, before the PDF is made."""

import datetime as dt
import subprocess

import pytest
from django.urls import reverse

from e2e.conftest import login
from liaison.testing import PASSWORD, World, make_council_with_members

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_c11_1_1_form2_number_preview_date_error_then_print(page, live_server, tmp_path):
    world = World()
    council, _members = make_council_with_members(
        world, world.koban_a, acting_user=world.user("deputy"), count=3, start=dt.date(2025, 4, 1)
    )
    login(page, live_server, "community_section", PASSWORD)
    page.goto(live_server.url + reverse("councils:detail", args=[council.pk]))

    # The council page's form leads to the Form 2 page, which shows the number as it will print.
    page.get_by_label("設置報告書の文書番号").fill("宮地第1234号")
    page.get_by_label("報告日").fill("2026-02-30")
    page.get_by_role("button", name="設置報告書（PDF）").click()
    preview = page.locator("#preview")
    preview.get_by_text("宮地第1234号", exact=True).wait_for()
    page.locator("#id_date_error").wait_for()  # the impossible date is an error, kept as typed
    assert page.get_by_label("報告日").input_value() == "2026-02-30"

    # Typing updates the preview without reloading the page.
    page.get_by_label("文書番号").fill("58")
    preview.get_by_text("宮地第58号", exact=True).wait_for()
    page.get_by_label("報告日").fill("令和7年5月1日")
    preview.get_by_text("令和7年5月1日", exact=True).wait_for()
    preview.get_by_text("報告日に在任している委員 3人").wait_for()

    with page.expect_download() as download_info:
        page.get_by_role("button", name="印刷（PDF）").click()
    path = tmp_path / "form2.pdf"
    download_info.value.save_as(path)
    text = "".join(
        subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout.split()
    )
    assert "宮地第58号" in text and "令和7年5月1日" in text and "宮地第宮地第" not in text
