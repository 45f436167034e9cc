import csv
import datetime
import io

import pytest

from liaison.audit.models import AuditEntry
from liaison.councils import actions as council_actions
from liaison.councils.models import Council, Membership
from liaison.imports.models import ImportRun
from liaison.network.models import ContactPerson
from liaison.people.models import Person

MEMBER_HEADER = [
    "連絡協議会",
    "役職",
    "リーダー区分",
    "任期の始期",
    "氏名",
    "ふりがな",
    "生年月日",
    "性別",
    "職業",
    "電話",
]
# Ten members of 一番町交番連絡協議会, a chair first; 髙, ① and ㈱ need CP932 (plain Shift_JIS loses them).
MEMBER_ROWS = [
    ["会長", "ア", "高橋 健一", "たかはし けんいち", "1955-06-15", "男性", "農業"],
    ["副会長", "ア", "阿部 和子", "あべ かずこ", "1958-06-15", "女性", "主婦"],
    ["委員", "エ", "遠藤 恵美", "えんどう えみ", "1975-06-15", "女性", "教員"],
    ["委員", "ウ", "加藤 浩", "かとう ひろし", "1950-06-15", "男性", "自営業"],
    ["委員", "イ", "菅野 直樹", "かんの なおき", "1980-06-15", "男性", "市職員"],
    ["委員", "", "佐々木 幸子", "ささき さちこ", "1968-06-15", "女性", "看護師"],
    ["委員", "", "髙橋 次郎", "たかはし じろう", "1948-04-02", "男性", "㈱①商事 役員"],
    ["委員", "", "千葉 美穂", "ちば みほ", "1985-06-15", "女性", "会社員"],
    ["委員", "", "早坂 隆", "はやさか たかし", "1948-06-15", "男性", "無職"],
    ["委員", "", "渡辺 順子", "わたなべ じゅんこ", "1972-06-15", "女性", "薬剤師"],
]


def member_rows(council_name="一番町交番連絡協議会", start="2025-04-01"):
    return [
        [council_name, post, leader, start, name, kana, born, gender, job, ""]
        for post, leader, name, kana, born, gender, job in MEMBER_ROWS
    ]


def csv_bytes(header, rows, encoding="utf-8"):
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue().encode(encoding)


def counts():
    """What an import may write: persons, memberships, contact persons, audit entries."""
    return (
        Person.objects.count(),
        Membership.objects.count(),
        ContactPerson.objects.count(),
        AuditEntry.objects.count(),
    )


@pytest.fixture
def council(world):
    """一番町交番連絡協議会 of station A, with no members yet."""
    return council_actions.council_create(
        station=world.station_a,
        values={
            "name": "一番町交番連絡協議会",
            "kind": Council.Kind.JURISDICTION,
            "coverage": Council.Coverage.WHOLE,
            "established_on": datetime.date(2010, 4, 1),
            "reason": "所管区の住民の意見・要望を把握するため",
        },
        kobans=[world.koban_a],
        acting_user=world.user("community_section"),
    )


def upload(client, kind, name, data, **extra):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    return client.post(
        reverse("imports:start"), {"kind": kind, "file": SimpleUploadedFile(name, data), **extra}, follow=False
    )


def last_run() -> ImportRun:
    return ImportRun.objects.order_by("-pk").first()
