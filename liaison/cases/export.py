"""The case list as an Excel workbook, through the safe writer (X3)."""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.utils import translation

from liaison.lib.xlsxio import ExcelWriter

from .models import Case

COLUMNS = [
    ("受付日", 16),
    ("警察署", 14),
    ("交番・駐在所", 16),
    ("分類", 12),
    ("申出者の区分", 14),
    ("申出者", 16),
    ("意見・要望の内容", 50),
    ("回答", 40),
    ("担当課", 14),
    ("措置状況", 10),
    ("措置日", 16),
    ("措置状況の連絡日", 16),
]


def raiser_name(case: Case) -> str:
    if case.raised_by_person_id:
        return case.raised_by_person.full_name
    return case.raised_by_name


def cases_xlsx(cases: Iterable[Case], *, with_names: bool) -> bytes:
    """One sheet of cases in the list's order; the raiser's name only when the reader may see people's names."""
    with translation.override(settings.LANGUAGE_CODE):  # an official record: in Japanese whatever the screen
        writer = ExcelWriter()
        sheet = writer.sheet("意見・要望", landscape=True)
        header = sheet.append([title for title, _width in COLUMNS], bold=True, center=True)
        for case in cases:
            sheet.append(
                [
                    case.received_on,
                    case.station.name,
                    case.koban.name if case.koban_id else "",
                    case.get_category_display(),
                    case.get_raised_by_kind_display(),
                    raiser_name(case) if with_names else "",
                    case.content,
                    case.answer,
                    case.section.name if case.section_id else "",
                    case.get_status_display(),
                    case.settled_on,
                    case.told_on,
                ]
            )
        sheet.column_widths([width for _title, width in COLUMNS])
        sheet.repeat_rows(header)
        return writer.to_bytes()
