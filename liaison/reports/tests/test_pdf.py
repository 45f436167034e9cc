"""Forms 1 and 2 as PDF: wording of the seed, era dates, A4 pages, an embedded Japanese font."""

import datetime
import re

import pytest

from liaison.councils.models import Membership
from liaison.reports.documents import (
    appointment_letters_pdf,
    appointment_letters_pdf_in_chunks,
    council_committee_name,
    setup_report_pdf,
)

from .conftest import poppler

pytestmark = pytest.mark.django_db


def compact(text: str) -> str:
    return re.sub(r"\s+", "", text)


def page_sizes(info: str) -> list[str]:
    return re.findall(r"Page\s+\d+\s+size:\s+([\d.]+ x [\d.]+)", info)


def letters(council):
    return list(council.memberships.select_related("council", "person", "station").order_by("person__sort_key"))


def test_letter_wording_dates_and_issuer(council, tmp_path):
    """C6.3, X3: 委嘱状 with the member's name, the council, the term and letter date in 令和, the station chief."""
    pdf = appointment_letters_pdf(letters(council)[:1])
    text = compact(poppler("pdftotext", pdf, tmp_path, "-layout"))
    assert "委嘱状" in text
    assert "青木花子殿" in text
    assert "あなたを一番町交番連絡協議会委員に委嘱します。" in text
    assert "任期：令和7年4月1日から令和9年3月31日まで" in text
    assert "令和7年3月25日" in text
    assert "青葉警察署長鈴木正義印" in text


def test_letter_falls_back_to_start_date_and_title_without_chief(world, council, tmp_path):
    """C6.3: without a letter date the term start is the date; without an active chief only the title is printed."""
    chief = world.officers["station_chief"]
    chief.active = False
    chief.save()
    membership = letters(council)[0]
    membership.letter_date = None
    membership.letter_number = "青地第12号"
    text = compact(poppler("pdftotext", appointment_letters_pdf([membership]), tmp_path, "-layout"))
    assert "青地第12号" in text
    assert "令和7年4月1日青葉警察署長印" in text


def test_committee_name_follows_the_seed():
    class C:
        name = "一番町交番"

    assert council_committee_name(C) == "一番町交番連絡協議会"
    C.name = "一番町交番連絡協議会"
    assert council_committee_name(C) == "一番町交番連絡協議会"


def test_letters_are_a4_one_page_each_with_embedded_mincho(council, tmp_path):
    """X5: one A4 portrait page per letter; IPAex明朝 is embedded (not boxes)."""
    batch = letters(council)
    pdf = appointment_letters_pdf(batch)
    info = poppler("pdfinfo", pdf, tmp_path)
    assert re.search(r"Pages:\s+10\b", info)
    fonts = poppler("pdffonts", pdf, tmp_path)
    assert re.search(r"IPAexMincho.*\byes\b", fonts), fonts
    sizes = page_sizes(poppler("pdfinfo", pdf, tmp_path, "-f", "1", "-l", "10"))
    assert len(sizes) == 10 and all(s.startswith("595.") and " x 841.8" in s or s == "595 x 842" for s in sizes)
    text = poppler("pdftotext", pdf, tmp_path, "-layout")
    pages = text.split("\f")
    for membership, page in zip(batch, pages, strict=False):
        assert compact(membership.person.full_name) in compact(page)


def test_chunked_rendering_reports_progress_and_keeps_every_page(council, tmp_path):
    """C6.3: background rendering lays out chunks, reporting progress, and joins the pages in order."""
    batch = letters(council)
    seen = []
    pdf = appointment_letters_pdf_in_chunks(batch, chunk_size=4, progress=seen.append)
    assert seen == [4, 8, 10]
    info = poppler("pdfinfo", pdf, tmp_path)
    assert re.search(r"Pages:\s+10\b", info)
    pages = poppler("pdftotext", pdf, tmp_path, "-layout").split("\f")
    assert [compact(m.person.full_name) in compact(p) for m, p in zip(batch, pages, strict=False)] == [True] * 10
    assert "emb" in poppler("pdffonts", pdf, tmp_path)


def test_setup_report_content(council, tmp_path):
    """C11.1(1), X3, X5: Form 2 with addressee, number, era date, members with age in order, manager and notes."""
    pdf = setup_report_pdf(council, number="105", report_date=datetime.date(2025, 4, 10))
    raw = poppler("pdftotext", pdf, tmp_path, "-layout")
    text = compact(raw)
    assert "宮城県警察本部長殿" in text
    assert "宮地第105号" in text
    assert "令和7年4月10日" in text
    assert "青葉警察署長" in text
    assert "交番・駐在所連絡協議会設置報告書" in text
    assert "所管区ごとの連絡協議会" in text and "所管区の地域住民の意見・要望を把握するため" in text
    chair_line = next(line for line in raw.splitlines() if "髙橋 次郎" in line)
    assert chair_line.split()[-1] == "77"  # born 1948-04-02: 77 on the report date
    assert "会長" in text and "一番町町内会役員" in text
    # 会長, 副会長, その他の役職, then 五十音順
    order = [text.index(n) for n in ("髙橋次郎", "伊藤三郎", "山本健", "青木花子", "加藤恵", "小林誠", "渡辺久美子")]
    assert order == sorted(order)
    assert "職名一番町交番所長階級警部補氏名佐藤一郎" in text
    assert "注1名称は、連絡協議会の固有名称を記載すること。" in text
    assert "例○○○交番連絡協議会、○○地区○○連絡協議会等" in text
    assert "3委員の構成は、氏名、役職名、年齢等を記載すること。" in text
    assert re.search(r"Pages:\s+1\b", poppler("pdfinfo", pdf, tmp_path))
    assert re.search(r"IPAexMincho.*\byes\b", poppler("pdffonts", pdf, tmp_path))


def test_setup_report_number_is_blank_by_default_and_ended_members_are_left_out(council, tmp_path):
    """C11.1(1): 「宮地第　　号」 until a number is given; members who left are not listed."""
    gone = council.memberships.get(person__family_name="山田")
    gone.ended_on = datetime.date(2025, 4, 5)
    gone.end_reason = Membership.EndReason.RESIGNED
    gone.save()
    text = compact(poppler("pdftotext", setup_report_pdf(council, report_date=datetime.date(2025, 4, 10)), tmp_path))
    assert "宮地第号" in text
    assert "山田洋子" not in text


def test_x5_documents_made_one_after_another_share_the_fonts_and_each_embeds_them(council, tmp_path):
    """Issue 8: the font configuration is made once per thread and kept (making one costs a third of a one-page
    form); every PDF made with it still embeds the Mincho font and draws the same text."""
    from liaison.reports.pdf import font_configuration

    first_config = font_configuration()
    members = letters(council)
    for membership in (members[0], members[1], members[0]):
        pdf = appointment_letters_pdf([membership])
        assert re.search(r"IPAexMincho.*\byes\b", poppler("pdffonts", pdf, tmp_path))
        assert f"{compact(membership.person.full_name)}殿" in compact(poppler("pdftotext", pdf, tmp_path, "-layout"))
    assert font_configuration() is first_config
