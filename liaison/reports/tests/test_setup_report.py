"""Form 2 describes the council on its report date (C11.1(1)): its members then, the number as typed, a real date."""

import datetime
import re

import pytest
from django.urls import reverse

from liaison.audit.models import AuditEntry
from liaison.councils.models import Membership
from liaison.org.models import PrefectureSettings

from .conftest import MEMBERS, make_council, poppler

pytestmark = pytest.mark.django_db

FIRST = (datetime.date(2023, 4, 1), datetime.date(2025, 3, 31))
SECOND = (datetime.date(2025, 4, 1), datetime.date(2027, 3, 31))


def compact(text: str) -> str:
    return re.sub(r"\s+", "", text)


def exports():
    return AuditEntry.objects.filter(action="form2.print", kind=AuditEntry.Kind.EXPORT, personal_data=True)


@pytest.fixture
def renewed(world):
    """Nine members served 2023–2025 and were all renewed for 2025–2027; 山田 resigned in the first term.

    In the first term 青木 was 会長; in the second 髙橋 is. 吉田 joined only in the second term.
    """
    first_members = [m for m in MEMBERS if m[0] not in ("吉田", "山田")] + [
        ("山田", "洋子", "ヤマダ", "ヨウコ", datetime.date(1962, 11, 11), Membership.Post.MEMBER)
    ]
    council = make_council(world, members=first_members, start=FIRST[0], end=FIRST[1])
    Membership.objects.filter(council=council, person__family_name="髙橋").update(post=Membership.Post.MEMBER)
    Membership.objects.filter(council=council, person__family_name="青木").update(post=Membership.Post.CHAIR)
    Membership.objects.filter(council=council, person__family_name="山田").update(
        ended_on=datetime.date(2024, 3, 31), end_reason=Membership.EndReason.RESIGNED
    )
    for old in council.memberships.exclude(person__family_name="山田").select_related("person"):
        Membership.objects.create(
            council=council,
            person=old.person,
            station=old.station,
            kind=Membership.Kind.REAPPOINTMENT,
            previous=old,
            start_date=SECOND[0],
            end_date=SECOND[1],
            post=Membership.Post.CHAIR if old.person.family_name == "髙橋" else Membership.Post.MEMBER,
        )
    yoshida = make_council(world, name="仮", members=[m for m in MEMBERS if m[0] == "吉田"]).memberships.get()
    yoshida.council = council
    yoshida.start_date, yoshida.end_date = SECOND
    yoshida.save()
    return council


def print_form2(client, council, **data):
    return client.post(reverse("reports:setup_report", args=[council.pk]), data)


def test_c11_1_1_form2_lists_exactly_the_members_serving_on_the_report_date(renewed, client_for, tmp_path):
    """C11.1(1): after a renewal each member is listed once, in the post and at the age of the report date;
    members appointed later and members who had resigned are not listed; the audit names exactly those printed."""
    assert renewed.memberships.count() == 18
    response = print_form2(client_for("deputy"), renewed, number="58", date="2024-05-01")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    raw = poppler("pdftotext", response.content, tmp_path, "-layout")
    text = compact(raw)
    serving = ["青木花子", "髙橋次郎", "伊藤三郎", "渡辺久美子", "山本健", "中村和子", "小林誠", "加藤恵"]
    assert all(text.count(name) == 1 for name in serving), text
    assert "山田洋子" not in text and "吉田実" not in text
    assert re.search(r"Pages:\s+1\b", poppler("pdfinfo", response.content, tmp_path))
    assert "会長青木花子73" in text  # born 1950-06-01: 73 on 2024-05-01
    assert "髙橋次郎一番町町内会役員76" in text  # a plain member in that term; born 1948-04-02
    assert text.index("青木花子") < text.index("伊藤三郎") < text.index("髙橋次郎")  # 会長, 副会長, then 五十音順

    first_term = renewed.memberships.filter(start_date=FIRST[0]).exclude(person__family_name="山田")
    entry = exports().get()
    assert sorted(entry.detail["membership_ids"]) == sorted(first_term.values_list("pk", flat=True))
    assert entry.detail["report_date"] == "2024-05-01" and entry.detail["document_number"] == "宮地第58号"


def test_c11_1_1_form2_in_the_second_term_lists_its_chair_and_new_member(renewed, client_for, tmp_path):
    """C11.1(1): on 2025-05-01 the second term's members are listed, 髙橋 as 会長, with 吉田 who joined."""
    response = print_form2(client_for("deputy"), renewed, date="2025-05-01")
    text = compact(poppler("pdftotext", response.content, tmp_path, "-layout"))
    assert text.count("髙橋次郎") == 1 and "吉田実" in text and "山田洋子" not in text
    assert "会長髙橋次郎77" in text and "会長青木" not in text
    second_term = renewed.memberships.filter(start_date=SECOND[0])
    assert sorted(exports().get().detail["membership_ids"]) == sorted(second_term.values_list("pk", flat=True))


@pytest.mark.parametrize("typed", ["宮地第1234号", "1234", "１２３４", " 宮地第 1234 号 ", "第1234号", "1234号"])
def test_c11_1_1_document_number_is_accepted_bare_or_whole(council, client_for, tmp_path, typed):
    """C11.1(1), X4: the bare number and the whole number both print 宮地第1234号 (never 宮地第宮地第1234号号)."""
    response = print_form2(client_for("deputy"), council, number=typed, date="2025-04-10")
    assert response["Content-Type"] == "application/pdf"
    text = compact(poppler("pdftotext", response.content, tmp_path))
    assert "宮地第1234号" in text and "宮地第宮地第" not in text and "号号" not in text


def test_c11_1_1_document_number_follows_the_prefecture_prefix(council, client_for, tmp_path):
    """C11.1(1), X4: the prefix is the one configured for the prefecture."""
    settings = PrefectureSettings.current()
    settings.station_doc_prefix = "青地第"
    settings.save()
    response = print_form2(client_for("deputy"), council, number="青地第77号", date="2025-04-10")
    assert "青地第77号" in compact(poppler("pdftotext", response.content, tmp_path))


def test_c11_1_1_the_page_shows_the_number_and_date_as_they_will_print(council, client_for):
    """C11.1(1): before printing, the page shows 「宮地第1234号」, the era date and how many members will be listed;
    the council page's form leads here, and nothing is printed or audited yet."""
    client = client_for("koban_chief")
    url = reverse("reports:setup_report", args=[council.pk])
    response = client.get(url, {"number": "宮地第1234号", "date": "2025-04-10"})
    assert response.status_code == 200 and response["Content-Type"].startswith("text/html")
    html = response.content.decode()
    preview = html[html.index('id="preview"') :]
    assert "<strong>宮地第1234号</strong>" in preview and "<strong>令和7年4月10日</strong>" in preview
    assert "報告日に在任している委員 10人" in preview
    assert f'method="post" action="{url}"' in html and 'hx-get="' in html and 'hx-select="#preview"' in html
    assert 'value="宮地第1234号"' in html
    assert not exports().exists()

    fragment = client.get(url, {"number": "58", "date": "令和7年4月10日"}, headers={"HX-Request": "true"})
    assert "<strong>宮地第58号</strong>" in fragment.content.decode()

    blank = client.get(url).content.decode()
    assert "宮地第　　　　号" in blank and "番号欄は空けて印刷します" in blank


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"date": "2026-02-30"}, "date", "存在しない日付です"),
        ({"date": "あした"}, "date", "日付は 2025-05-20"),
        ({"date": "1860-01-01"}, "date", "までの日付を入力してください"),
        ({"date": "2999-01-01"}, "date", "までの日付を入力してください"),
        ({"number": "宮地第宮地第1234号号"}, "number", "数字で入力してください"),
        ({"number": "千二百"}, "number", "数字で入力してください"),
    ],
)
def test_c11_1_1_bad_input_is_a_form_error_that_keeps_what_was_typed(council, client_for, data, field, message):
    """C11.1(1): an impossible report date (2026-02-30) or a number that is not a number is a form error, not a
    PDF dated today; the page keeps what was typed and nothing is exported."""
    response = print_form2(client_for("deputy"), council, **{"number": "", "date": "", **data})
    assert response.status_code == 200 and response["Content-Type"].startswith("text/html")
    html = response.content.decode()
    assert f'id="id_{field}_error"' in html and message in html
    assert f'value="{data[field]}"' in html
    assert not exports().exists()
