"""Issue 11, C6.3: a community-section officer imports a CP932 CSV of ten council members in Chromium: the preview
names the row with an impossible date, the fixed file imports, and the ten 委嘱状 print as one PDF."""

import csv
import datetime as dt
import io
import subprocess

import pytest

from e2e.conftest import login
from liaison.councils import actions as council_actions
from liaison.councils.models import Council, Membership
from liaison.testing import PASSWORD, World

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

HEADER = ["連絡協議会", "役職", "リーダー区分", "任期の始期", "氏名", "ふりがな", "生年月日", "職業"]
MEMBERS = [
    ("会長", "ア", "髙橋 健一", "たかはし けんいち", "1955-06-15", "農業"),
    ("副会長", "ア", "阿部 和子", "あべ かずこ", "1958-06-15", "主婦"),
    ("委員", "エ", "遠藤 恵美", "えんどう えみ", "1975-06-15", "教員"),
    ("委員", "ウ", "加藤 浩", "かとう ひろし", "1950-06-15", "自営業"),
    ("委員", "イ", "菅野 直樹", "かんの なおき", "1980-06-15", "市職員"),
    ("委員", "", "佐々木 幸子", "ささき さちこ", "1968-06-15", "㈱①看護"),
    ("委員", "", "高橋 次郎", "たかはし じろう", "1948-04-02", "会社役員"),
    ("委員", "", "千葉 美穂", "ちば みほ", "1985-06-15", "会社員"),
    ("委員", "", "早坂 隆", "はやさか たかし", "1948-06-15", "無職"),
    ("委員", "", "渡辺 順子", "わたなべ じゅんこ", "1972-06-15", "薬剤師"),
]


def roster(start_of_row_4: str) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(HEADER)
    for i, (post, leader, name, kana, born, job) in enumerate(MEMBERS):
        start = start_of_row_4 if i == 3 else "2025-04-01"
        writer.writerow(["一番町交番連絡協議会", post, leader, start, name, kana, born, job])
    return out.getvalue().encode("cp932")


def test_issue_11_import_a_cp932_roster_fix_the_impossible_date_and_print_ten_letters(page, live_server, tmp_path):
    world = World()
    council = council_actions.council_create(
        station=world.station_a,
        values={
            "name": "一番町交番連絡協議会",
            "kind": Council.Kind.JURISDICTION,
            "coverage": Council.Coverage.WHOLE,
            "established_on": dt.date(2010, 4, 1),
            "reason": "所管区の住民の意見・要望を把握するため",
        },
        kobans=[world.koban_a],
        acting_user=world.user("community_section"),
    )
    bad, good = tmp_path / "委員名簿.csv", tmp_path / "委員名簿_修正.csv"
    bad.write_bytes(roster("2025-02-30"))
    good.write_bytes(roster("2025-04-01"))
    login(page, live_server, "community_section", PASSWORD)

    page.get_by_role("navigation", name="メインメニュー").get_by_role("link", name="取り込み").click()
    page.get_by_role("link", name="ファイルから取り込む").click()
    page.get_by_label("連絡協議会の委員").check()
    page.get_by_label("ファイル").set_input_files(str(bad))
    page.get_by_role("button", name="内容を確認する").click()

    # The preview names the row (the 5th line of the file: the header is line 1) and the column.
    errors = page.locator("tr.row-error")
    errors.first.wait_for()
    assert errors.count() == 1
    cells = errors.first.locator("td").all_inner_texts()
    assert cells[0] == "5行目" and cells[1] == "加藤 浩" and cells[2] == "任期の始期"
    assert "存在しない日付" in cells[3]
    assert page.get_by_role("button", name="10行を取り込む").count() == 0
    assert not Membership.objects.exists()

    # The fixed file: no errors, one button writes the ten.
    page.get_by_role("link", name="取り込み", exact=True).first.click()
    page.get_by_role("link", name="ファイルから取り込む").click()
    page.get_by_label("連絡協議会の委員").check()
    page.get_by_label("ファイル").set_input_files(str(good))
    page.get_by_role("button", name="内容を確認する").click()
    page.get_by_role("button", name="10行を取り込む").click()
    page.get_by_text("10行を取り込みました。").wait_for()
    assert Membership.objects.filter(council=council).count() == 10
    assert Membership.objects.get(post="chair").person.family_name == "髙橋"

    # The result page prints the letters of the ten it appointed.
    with page.expect_download() as download_info:
        page.get_by_role("button", name="委嘱した10人の委嘱状を印刷する").click()
    path = tmp_path / "letters.pdf"
    download_info.value.save_as(path)
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    assert "Pages:           10" in info
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    assert text.count("一番町交番連絡協議会委員に委嘱します") == 10 and "髙橋 健一" in text
