"""C6.3, C6.4(1), C6.1: a community-section officer builds a council of ten in Chromium and prints the letters."""

import datetime as dt
import subprocess

import pytest

from e2e.conftest import login
from liaison.councils.models import Council, Membership
from liaison.people.models import PublicOfficeRecord
from liaison.testing import PASSWORD, SAMPLE_MEMBERS, World, make_person

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_c6_3_build_a_council_of_ten_refuse_public_office_and_print_letters(page, live_server, tmp_path):
    world = World()
    holder = make_person(world.station_a, "議員", "次郎", "ギイン", "ジロウ")
    PublicOfficeRecord.objects.create(
        person=holder, kind="office", office="仙台市議会議員", start_date=dt.date(2023, 8, 1)
    )
    login(page, live_server, "community_section", PASSWORD)

    # Set up the council.
    page.get_by_role("navigation", name="メインメニュー").get_by_role("link", name="連絡協議会").click()
    page.get_by_role("link", name="協議会を設置する").click()
    page.get_by_label("名称").fill("一番町交番連絡協議会")
    page.get_by_label("設置日").fill("令和7年4月1日")
    page.get_by_label("一番町交番").check()
    page.get_by_role("button", name="保存する").click()
    page.get_by_role("heading", level=1, name="一番町交番連絡協議会").wait_for()
    council = Council.objects.get(name="一番町交番連絡協議会")

    # Appoint ten new people, the first as chair.
    page.get_by_role("link", name="委員を委嘱する").click()
    for i, (family, given, family_kana, given_kana, _gender, year, job, leader) in enumerate(SAMPLE_MEMBERS):
        page.get_by_label("任期の始期").fill("令和7年4月1日")
        page.get_by_label("協議会での役職", exact=True).select_option("chair" if i == 0 else "member")
        page.get_by_label("コミュニティ・リーダーの区分").select_option(leader)
        page.get_by_label("姓", exact=True).fill(family)
        page.get_by_label("名", exact=True).fill(given)
        page.get_by_label("セイ（読み）").fill(family_kana)
        page.get_by_label("メイ（読み）").fill(given_kana)
        page.get_by_label("生年月日").fill(f"{year}年6月15日")
        page.get_by_label("職業").fill(job)
        page.get_by_role("button", name="委嘱して続けて入力").click()
        page.get_by_text(f"{family} {given}さんを委嘱しました。").wait_for()
    assert Membership.objects.filter(council=council).count() == 10

    # A public-office holder is refused with a clear message, and nothing is saved.
    page.get_by_role("combobox", name="委員にする人（登録済み）").fill("ぎいん")
    page.get_by_role("option", name="議員 次郎").click()
    page.get_by_label("任期の始期").fill("令和7年4月1日")
    # The findings the appointment would cause appear before saving (C6.4(1) is an error).
    page.locator("#preview").get_by_text("議員 次郎さんは公職にあります").wait_for()
    page.get_by_role("button", name="委嘱する", exact=True).click()
    page.get_by_text("公職（仙台市議会議員）にあるため、委員に委嘱できません").wait_for()
    assert not Membership.objects.filter(person=holder).exists()

    # The council page lists the ten members with no size warning; print all letters as one PDF.
    page.get_by_role("link", name="一番町交番連絡協議会").first.click()
    assert page.get_by_role("heading", name="現在の委員（10人・五十音順）").count() == 1
    assert "委員は10人です" not in page.content()
    with page.expect_download() as download_info:
        page.get_by_role("link", name="委嘱状を一括印刷（PDF）").click()
    path = tmp_path / "letters.pdf"
    download_info.value.save_as(path)
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    assert "Pages:           10" in info
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    assert "一番町交番連絡協議会委員に委嘱します" in text and "阿部 和子" in text
