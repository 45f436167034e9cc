"""Issue 9 "Done when": a council meeting from its scheduling to the chief's report list, as the demo koban chief, the
demo deputy and the demo station chief, on the demo prefecture.

C10.3 (a meeting inside an election period is refused until a reason is given, and the override is audited), C7.4 and
C10.2 (attendance: members, a guest and police, with Form 3's executive split shown before saving), C8.2 (requests
raised at the meeting, with the answers given there), C11.2 (Form 3 submitted as routine, decided by the deputy, seen
decided by the chief) and Form 3 itself (the members, officers and requests in the PDF).
"""

import subprocess

import pytest
from django.core.management import call_command
from django.urls import reverse

from e2e.conftest import login
from liaison.audit.models import AuditEntry
from liaison.councils.models import Council
from liaison.meetings.models import Meeting
from liaison.org.models import Officer, Station

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = "demo-pass-2025"
COUNCIL = "一番町交番連絡協議会"
# Inside the demo's 第27回参議院議員通常選挙 (2025-07-03 to 2025-07-19, the whole prefecture), and in the past, so the
# meeting can be marked held.
ELECTION_DAY = "令和7年7月15日"
VENUE = "一番町交番 2階会議室"
REASON = "夏祭りの雑踏警備について祭りの前に協議する必要があるため。選挙の話題は扱わない。"
GUEST = ("木村 校長", "一番町小学校", "通学路の見守りについて説明するため")
REQUESTS = [
    ("一番町二丁目の交差点で自転車の無灯火が多いので指導してほしい。", "夜間の街頭活動で重点的に指導します。"),
    ("アーケード街の放置自転車を減らす取組を知りたい。", "市の担当課と合同で警告札を付ける日を設けます。"),
]


def other_executive(station) -> Officer:
    """An executive of the station outside the community section (a 課長 of another section): その他の幹部."""
    return (
        Officer.objects.filter(station=station, active=True, rank="keibu", section__is_community=False)
        .exclude(title__contains="署長")
        .exclude(title__contains="次長")
        .order_by("pk")
        .first()
    )


def pdf_text(path, *options: str) -> str:
    out = subprocess.run(["pdftotext", *options, str(path), "-"], capture_output=True, text=True, check=True).stdout
    return "".join(out.split())


def logout(page):
    page.get_by_role("button", name="ログアウト").click()
    page.wait_for_url("**/accounts/login/")


def test_issue9_meeting_from_election_override_to_the_chiefs_decided_report(page, live_server, tmp_path):
    """C10.3, C7.4, C10.2, C8.2, C11.2: the whole scenario of issue 9 in the browser."""
    call_command("load_demo", verbosity=0)
    station = Station.objects.get(name="青葉警察署")
    council = Council.objects.get(name=COUNCIL)
    section_chief = Officer.objects.get(station=station, active=True, title="地域課長")
    koban_chief = Officer.objects.get(user__username="demo_koban_chief")
    other = other_executive(station)
    assert other is not None

    # --- C10.3: scheduling inside an election period is refused, what was typed kept; a reason is accepted -------
    login(page, live_server, "demo_koban_chief", PASSWORD)
    page.goto(live_server.url + reverse("meetings:create") + f"?council={council.pk}")
    page.get_by_label("協議会").select_option(label=COUNCIL)
    page.get_by_label("会議種別").select_option(label="定期会議")
    page.get_by_label("開催日", exact=True).fill(ELECTION_DAY)
    page.get_by_label("開始時刻").fill("18:30")
    page.get_by_label("終了時刻").fill("20:00")
    page.get_by_label("開催場所", exact=True).fill(VENUE)
    page.get_by_role("button", name="保存する").click()
    page.locator("[data-error-summary]").wait_for()
    reason_box = page.get_by_label("選挙運動期間中に開催する理由")
    page.get_by_text("第27回参議院議員通常選挙").first.wait_for()
    assert "やむを得ず開催するときは、その理由を入力してください" in page.locator("main").inner_text()
    assert page.get_by_label("開催場所", exact=True).input_value() == VENUE
    assert page.get_by_label("開始時刻").input_value() == "18:30"
    assert not Meeting.objects.filter(council=council, venue_name=VENUE).exists()

    reason_box.fill(REASON)
    page.get_by_role("button", name="保存する").click()
    page.get_by_text("を登録しました。").wait_for()
    meeting = Meeting.objects.get(council=council, venue_name=VENUE)
    assert page.url.endswith(reverse("meetings:detail", args=[meeting.pk]))
    assert meeting.election_override_reason == REASON and meeting.election_period.name == "第27回参議院議員通常選挙"
    override = AuditEntry.objects.get(action="meeting.election_override", object_id=str(meeting.pk))
    assert REASON in override.summary and override.user.username == "demo_koban_chief"
    facts = page.locator("main dl.facts")
    facts.get_by_text("第27回参議院議員通常選挙", exact=False).wait_for()
    assert "の期間中に開催" in facts.inner_text() and REASON in facts.inner_text()

    # --- held; C7.4, C10.2: six members, one guest, three officers; the split is shown before saving ---------------
    page.get_by_role("button", name="開催済にする").click()
    page.get_by_text("開催済にしました。").wait_for()
    page.get_by_role("link", name="出席者を記録する").click()
    members = page.get_by_role("group", name="出席した委員").get_by_role("checkbox")
    assert members.count() >= 6
    member_names = []
    for i in range(6):
        box = members.nth(i)
        box.check()
        member_names.append(page.locator(f"label[for='{box.get_attribute('id')}']").inner_text().split("（")[0])
    guests = page.get_by_role("group", name="委員以外の参加者", exact=False)
    for label, value in zip(("氏名", "所属", "参加の理由"), GUEST, strict=True):
        guests.get_by_role("textbox", name=label).first.fill(value)
    police = page.get_by_role("group", name="参加した警察官")
    police.get_by_role("checkbox", name=section_chief.full_name).check()
    police.get_by_role("checkbox", name=koban_chief.full_name).check()
    picker = police.get_by_role("combobox", name="警察官を追加")
    picker.fill(other.family_kana)
    page.get_by_role("option").filter(has_text=other.full_name).first.click()
    page.locator("[data-picker-chosen]").get_by_text(other.full_name).wait_for()

    page.get_by_role("button", name="人数を確認する").click()
    counts = page.locator("#counts")
    # 地域課長: 地域幹部; the other section's 課長: その他の幹部; the koban chief (警部補) is not an executive.
    counts.get_by_text(
        "参加委員数 6人、委員以外 1人、参加警察官数 3人（うち地域幹部 1人、その他の幹部 1人）"
    ).wait_for()
    assert not meeting.attendances.exists() and not meeting.guests.exists()  # a preview saves nothing
    page.get_by_role("button", name="記録する").click()
    page.get_by_text("出席者を記録しました。").wait_for()
    assert (meeting.attendances.count(), meeting.guests.count(), meeting.police_attendees.count()) == (6, 1, 3)
    attendance = page.locator("#attendance")
    attendance.get_by_text(
        "参加委員数 6人、委員以外 1人、参加警察官数 3人（うち地域幹部 1人、その他の幹部 1人）"
    ).wait_for()
    for name in member_names:
        attendance.get_by_text(name, exact=False).first.wait_for()

    # --- C8.2: two requests with the answers given at the meeting -------------------------------------------------
    for content, answer in REQUESTS:
        page.goto(live_server.url + reverse("meetings:detail", args=[meeting.pk]))
        page.get_by_role("link", name="意見・要望を記録する").click()
        page.get_by_label("意見・要望", exact=True).fill(content)
        page.get_by_label("回答", exact=True).fill(answer)
        page.get_by_role("button", name="記録する").click()
        page.get_by_text("意見・要望を記録しました。").wait_for()
    page.goto(live_server.url + reverse("meetings:detail", args=[meeting.pk]))
    opinions = page.locator("section", has=page.locator("#h-opinions"))
    for content, answer in REQUESTS:
        # The page breaks long text between words (<wbr>), so rows are found by their text, not by a link's name.
        row = opinions.get_by_role("row").filter(has_text=content)
        row.get_by_role("link").wait_for()  # to the case the request became
        assert answer in row.inner_text()

    # --- C11.2: submitted as routine (軽易かつ定型的) ------------------------------------------------------------------
    page.get_by_label("軽易かつ定型的な内容（副署長・次長の決裁で足りる）").check()
    page.get_by_role("button", name="開催結果報告書を提出する").click()
    page.get_by_text("開催結果報告書を提出しました。").wait_for()
    logout(page)

    # --- the deputy approves it on 報告の決裁 ------------------------------------------------------------------------
    login(page, live_server, "demo_deputy", PASSWORD)
    page.goto(live_server.url + reverse("reports:decisions"))
    waiting = page.locator("section", has=page.locator("#h-rounds"))
    row = waiting.get_by_role("row").filter(has_text=str(meeting))
    row.get_by_text("軽易かつ定型的", exact=False).wait_for()
    row.get_by_role("link").first.click()
    page.get_by_role("radio", name="受理・決裁する").check()
    page.get_by_role("button", name="決裁する").click()
    page.get_by_text("決裁しました。").wait_for()
    logout(page)

    # --- the station chief sees it decided in the chief's report list ---------------------------------------------
    login(page, live_server, "demo_chief", PASSWORD)
    page.goto(live_server.url + reverse("reports:decisions"))
    page.get_by_label("状態").select_option(label="決裁済み")
    page.get_by_role("button", name="絞り込む").click()
    decided = page.locator("section", has=page.locator("#h-rounds"))
    row = decided.get_by_role("row").filter(has_text=str(meeting))
    row.wait_for()
    deputy = Officer.objects.get(user__username="demo_deputy")
    assert deputy.full_name in row.inner_text() and "軽易かつ定型的" in row.inner_text()

    # --- Form 3: the six members, the three officers and both requests ---------------------------------------------
    page.goto(live_server.url + reverse("meetings:detail", args=[meeting.pk]))
    with page.expect_download() as download_info:
        page.get_by_role("link", name="開催結果報告書（様式第3号）を印刷する").click()
    path = tmp_path / "form3.pdf"
    download_info.value.save_as(path)
    # Content-stream order (-raw): each cell's lines stay together, as the form draws them.
    text = pdf_text(path, "-raw")
    # Form 3 (別記様式第3号) gives the attendance as figures, from the record: six members, three officers of whom one
    # 地域幹部 and one other executive.
    for figure in ("参加委員数6人", "参加警察官数3人", "地域幹部1人", "その他の幹部1人", "定期会議", "令和7年7月15日"):
        assert figure in text, figure
    assert VENUE.replace(" ", "") in text
    # Both requests beside their answers, in the order raised.
    places = [text.index(part) for content, answer in REQUESTS for part in (content, answer)]
    assert places == sorted(places), text
