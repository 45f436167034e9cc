"""Issue 10 "Done when": the community safety network from a referral to a request in the station's cases.

N2.3 (a 交通課 officer refers a candidate; the station's 地域課 accepts it from its queue and a candidate is recorded),
N4.2 (consent: 依頼中, then 承諾 with its date and how it was given), N2.4 (the station's list, read by a 刑事課
officer of the same station; an officer of another station gets a 404 for the contact person's page), N3.1イ (a koban
officer logs a 巡回連絡 with one request on a tablet held upright, 768×1024) and N3.1ウ (the request shows in the
station's cases, for every section of the station).

Each officer uses their own browser context (their own login), as they would on their own terminals.
"""

import pytest
from django.urls import reverse

from e2e.conftest import login
from e2e.pagechecks import layout_problems
from liaison.lib.dates import today_tokyo
from liaison.lib.wareki import to_wareki
from liaison.org.models import Section
from liaison.testing import PASSWORD, World, make_officer

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

CANDIDATE = ("松本", "清", "マツモト", "キヨシ")
FULL_NAME = "松本 清"
REASON = "交通安全キャンペーンで毎回ボランティアとして参加し、地域の事情に詳しい。"
MET_DETAIL = "春の全国交通安全運動 一番町駅前キャンペーン"
REQUEST = "公園前の道路で夕方にスピードを出す車が多い"


def section_officer(world: World, section_name: str, username: str, family: str, kana: str):
    """A section_staff officer of station A in the named section (created if the station has none of that name)."""
    section, _ = Section.objects.get_or_create(station=world.station_a, name=section_name, defaults={"order": 9})
    officer = make_officer("section_staff", station=world.station_a, username=username, family=family, family_kana=kana)
    officer.section = section
    officer.save(update_fields=["section"])
    return officer


def signed_in(browser, live_server, username, *, viewport=(1280, 800)):
    """A fresh browser context (the officer's own terminal) with that officer logged in."""
    width, height = viewport
    context = browser.new_context(locale="ja-JP", viewport={"width": width, "height": height})
    page = context.new_page()
    page.set_default_timeout(15000)
    login(page, live_server, username, PASSWORD)
    assert page.url.rstrip("/") == live_server.url, username  # logged in: the home page
    return context, page


def test_issue10_n2_3_n4_2_n2_4_n3_1_referral_consent_station_list_and_a_tablet_visit(browser, live_server):
    """N2.3, N4.2, N2.4, N3.1イ, N3.1ウ: the whole scenario of issue 10 in the browser."""
    world = World()
    traffic = section_officer(world, "交通課", "traffic_officer", "小林", "コバヤシ")
    detective = section_officer(world, "刑事課", "detective_officer", "中村", "ナカムラ")
    make_officer("community_section", station=world.station_b, username="community_b", family="斎藤")
    assert detective.station_id == traffic.station_id == world.station_a.pk
    today = to_wareki(today_tokyo())

    # --- N2.3: a 交通課 officer refers a candidate met at a campaign ------------------------------------------------
    context, page = signed_in(browser, live_server, "traffic_officer")
    page.goto(live_server.url + reverse("network:referral_create"))
    for label, value in zip(("姓", "名", "セイ", "メイ"), CANDIDATE, strict=True):
        page.get_by_label(label, exact=True).fill(value)
    page.get_by_label("推薦の理由").fill(REASON)
    page.get_by_label("把握した機会").select_option(label="キャンペーン")
    page.get_by_label("機会の詳細").fill(MET_DETAIL)
    page.get_by_role("button", name="地域課に連絡する").click()
    page.get_by_text("地域課に連絡しました。").wait_for()
    main = page.locator("main").inner_text()
    assert "交通課 小林 一郎" in main and REASON in main and "地域課の確認待ち" in main
    context.close()

    # --- N2.3: 地域課 opens its queue and accepts; the candidate is recorded on a new person record ----------------
    context, page = signed_in(browser, live_server, "community_section")
    page.get_by_role("link", name="地域課の確認待ちの連絡が1件あります").click()  # the home page's to-do
    row = page.locator("main table tbody tr").filter(has_text=FULL_NAME)
    assert "交通課 小林 一郎" in row.inner_text() and "地域課の確認待ち" in row.inner_text()
    row.get_by_role("link", name=FULL_NAME).click()
    page.get_by_role("link", name="受理して候補に登録する").click()
    assert "同じ読み・電話番号の住民等は見つかりませんでした。" in page.locator("main").inner_text()
    page.get_by_label("交番・駐在所の受持区").select_option(label="一番町交番")
    page.get_by_label("地区", exact=True).fill("一番町二丁目")
    page.get_by_label("依頼の経緯").select_option(label="既存の警察協力者")
    page.get_by_role("button", name="受理して候補に登録する").click()
    page.get_by_text(f"受理しました。{FULL_NAME}を地域安全連絡員の候補として記録しました。").wait_for()
    outcome = page.locator("section", has=page.locator("#h-outcome")).inner_text()
    assert "候補として受理" in outcome

    # --- N4.2: on the contact page, 依頼中 and then 承諾 with its date and how it was given -------------------------
    page.goto(live_server.url + reverse("network:contact_list"))
    page.locator("main table").get_by_role("link", name=FULL_NAME).click()
    page.get_by_role("heading", name=FULL_NAME).wait_for()
    consent = page.locator("section", has=page.locator("#h-consent"))
    assert consent.locator("p strong").inner_text() == "候補"
    consent.get_by_role("radio", name="依頼中").check()
    consent.get_by_role("button", name="承諾の状況を記録する").click()
    page.get_by_text("承諾の状況を記録しました。").wait_for()
    consent = page.locator("section", has=page.locator("#h-consent"))
    assert consent.locator("p strong").inner_text() == "依頼中"

    # 承諾 without saying how is refused (N4.2: the date and the way are required) ...
    consent.get_by_role("radio", name="承諾", exact=True).check()
    consent.get_by_label("日付").fill(today)
    consent.get_by_role("button", name="承諾の状況を記録する").click()
    page.get_by_text("承諾を記録するときは、承諾の方法を選んでください。").first.wait_for()
    # ... and recorded with it.
    page.get_by_role("radio", name="承諾", exact=True).check()
    page.get_by_label("日付").fill(today)
    page.get_by_label("承諾の方法").select_option(label="面談で口頭")
    page.get_by_role("button", name="承諾の状況を記録する").click()
    page.get_by_text("承諾の状況を記録しました。").wait_for()
    contact_url = page.url
    consent = page.locator("section", has=page.locator("#h-consent"))
    assert f"承諾（{today}、面談で口頭）" in consent.inner_text()
    history = [r.inner_text() for r in consent.locator("tbody tr").all()]
    assert [h.split("\t")[1] for h in history] == ["候補", "依頼中", "承諾"], history
    context.close()

    # --- N2.3: the referrer sees the outcome on their home page ------------------------------------------------------
    context, page = signed_in(browser, live_server, "traffic_officer")
    panel = page.locator("section", has=page.locator("#h-referrals-home"))
    assert f"{FULL_NAME}：候補として受理" in panel.inner_text()
    context.close()

    # --- N2.4: a 刑事課 officer of the same station reads the list and the contact person's page -------------------
    context, page = signed_in(browser, live_server, "detective_officer")
    page.goto(live_server.url + reverse("network:contact_list"))
    assert "地域安全連絡員一覧表（青葉警察署）" in page.locator("h1").inner_text()
    row = page.locator("main table tbody tr").filter(has_text=FULL_NAME)
    assert "一番町交番" in row.inner_text() and "承諾" in row.inner_text()
    row.get_by_role("link", name=FULL_NAME).click()
    page.get_by_role("heading", name=FULL_NAME).wait_for()
    assert page.url == contact_url
    context.close()

    # ... and an officer of another station, even its 地域課, does not learn that the page exists
    context, page = signed_in(browser, live_server, "community_b")
    response = page.goto(contact_url)
    assert response.status == 404
    page.goto(live_server.url + reverse("network:contact_list"))
    assert "泉警察署" in page.locator("h1").inner_text() and FULL_NAME not in page.locator("main").inner_text()
    context.close()

    # --- N3.1イ: the koban officer logs a 巡回連絡 with one request on a tablet held upright ------------------------
    context, page = signed_in(browser, live_server, "koban_staff", viewport=(768, 1024))
    page.goto(live_server.url + reverse("network:exchange_list"))
    page.get_by_role("link", name="情報交換を記録する").click()
    page.get_by_role("heading", name="情報交換の記録").wait_for()
    assert not layout_problems(page), layout_problems(page)
    assert page.get_by_role("radio", name="巡回連絡").is_checked()  # the usual kind, ready
    page.get_by_label(FULL_NAME, exact=False).check()
    page.get_by_label("意見・要望の内容（1件目）").fill(REQUEST)
    page.get_by_label("分類（1件目）").select_option(label="交通")
    page.get_by_role("button", name="記録する").click()
    page.get_by_text("情報交換を記録しました。").wait_for()
    main = page.locator("main").inner_text()
    assert "巡回連絡" in main and FULL_NAME in main and REQUEST in main

    # --- N3.1ウ: the request is in the station's cases, for the koban officer and for another section ------------
    page.goto(live_server.url + reverse("cases:list"))
    # The list marks where a line may break (<wbr>), so the row is read as text.
    assert page.locator("main table tbody tr").filter(has_text=REQUEST).count() == 1
    context.close()
    context, page = signed_in(browser, live_server, "detective_officer")
    page.goto(live_server.url + reverse("cases:list"))
    row = page.locator("main table tbody tr").filter(has_text=REQUEST)
    assert row.count() == 1
    row.get_by_role("link").first.click()
    assert REQUEST in page.locator("main").inner_text()
    context.close()
