"""Council rosters as Excel workbooks (X3: Excel out), the way stations keep them today, through the safe writer;
the good-practice list as the one list-to-file helper writes it (Excel or CSV)."""

from __future__ import annotations

import datetime

from django.utils import timezone
from django.utils.translation import gettext as _

from liaison.councils.models import Council, Membership
from liaison.lib.exports import Column, Table
from liaison.lib.wareki import to_wareki
from liaison.lib.xlsxio import ExcelWriter

from .documents import in_official_language
from .models import Submission

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


def _status(status: str | None) -> str:
    """The report state as the list shows it; a report never sent has no submission."""
    return str(dict(Submission.Status.choices).get(status, _("未提出")))


def _submitted(practice):
    submitted = getattr(practice, "submitted_at", None)
    # A file has no time zone: the time as it was in Japan (a CSV would otherwise show UTC with its offset).
    return timezone.localtime(submitted).replace(tzinfo=None) if submitted else None


# C11.1(2): good-practice reports as listed, annotated with their report state, submission time and attachment count.
GOOD_PRACTICE_TABLE = Table(
    "好事例一覧",
    [
        Column("警察署", 14, lambda p: p.station.name),
        Column("交番・駐在所", 14, lambda p: p.koban.name if p.koban_id else ""),
        Column("実施日", 16, lambda p: p.occurred_on),
        Column("件名", 30, lambda p: p.title),
        Column("内容", 60, lambda p: p.text),
        Column("添付", 6, lambda p: p.attachment_count),
        Column("本部への報告", 14, lambda p: _status(p.report_status)),
        Column("提出日時", 18, _submitted),
    ],
)
