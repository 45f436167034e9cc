"""Council rosters as Excel workbooks (X3: Excel out), the way stations keep them today, through the safe writer."""

from __future__ import annotations

import datetime

from django.utils import timezone

from liaison.councils.models import Council, Membership
from liaison.lib.wareki import to_wareki
from liaison.lib.xlsxio import ExcelWriter

from .documents import in_official_language

ROSTER_COLUMNS = [
    ("氏名", 16),
    ("読み", 20),
    ("役職", 10),
    ("年齢", 6),
    ("性別", 8),
    ("職業", 14),
    ("団体名・役職", 28),
    ("コミュニティ・リーダーの区分", 30),
    ("委嘱の区分", 12),
    ("任期の始期", 16),
    ("任期の終期", 16),
    ("電話番号", 15),
    ("住所", 40),
]


@in_official_language
def council_roster_xlsx(council: Council, memberships: list[Membership], day: datetime.date) -> bytes:
    """One sheet: the council's members serving on ``day`` in 五十音順; terms as real dates shown in the era, so
    that the office can sort and filter them."""
    writer = ExcelWriter()
    sheet = writer.sheet("委員名簿", landscape=True)
    sheet.append([f"{council.name}　委員名簿（{to_wareki(day)}現在）"], bold=True, size=14)
    sheet.append([])
    header = sheet.append([title for title, _width in ROSTER_COLUMNS], bold=True, center=True)
    for m in memberships:
        person = m.person
        sheet.append(
            [
                person.full_name,
                person.full_kana,
                m.post_label,
                person.age(day),
                person.get_gender_display(),
                person.occupation,
                f"{person.organisation} {person.organisation_title}".strip(),
                m.get_leader_category_display(),
                m.get_kind_display(),
                m.start_date,
                m.end_date,
                person.phone_display,
                person.address,
            ]
        )
    sheet.column_widths([width for _title, width in ROSTER_COLUMNS])
    sheet.repeat_rows(header)
    return writer.to_bytes()


GOOD_PRACTICE_COLUMNS = [
    ("警察署", 14),
    ("交番・駐在所", 14),
    ("実施日", 16),
    ("件名", 30),
    ("内容", 60),
    ("添付", 6),
    ("本部への報告", 14),
    ("提出日時", 18),
]


@in_official_language
def good_practice_xlsx(practices: list, statuses: dict) -> bytes:
    """C11.1(2): good-practice reports as listed (annotated with their report state and attachment count)."""
    writer = ExcelWriter()
    sheet = writer.sheet("好事例", landscape=True)
    sheet.append(["好事例一覧"], bold=True, size=14)
    sheet.append([])
    header = sheet.append([title for title, _width in GOOD_PRACTICE_COLUMNS], bold=True, center=True)
    for p in practices:
        submitted = getattr(p, "submitted_at", None)
        sheet.append(
            [
                p.station.name,
                p.koban.name if p.koban else "",
                p.occurred_on,
                p.title,
                p.text,
                getattr(p, "attachment_count", 0),
                str(statuses.get(getattr(p, "report_status", None), "未提出")),
                timezone.localtime(submitted).replace(tzinfo=None) if submitted else None,
            ]
        )
    sheet.column_widths([width for _title, width in GOOD_PRACTICE_COLUMNS])
    sheet.repeat_rows(header)
    return writer.to_bytes()
