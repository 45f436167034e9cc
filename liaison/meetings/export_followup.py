"""A council's problem-solving activities as an Excel workbook (C8.2), through the one Excel writer."""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.utils import translation

from liaison.lib.wareki import to_wareki
from liaison.lib.xlsxio import ExcelWriter

from .models import Activity

COLUMNS = [
    ("件名", 28),
    ("開始日", 12),
    ("状態", 8),
    ("計画", 40),
    ("中間連絡（期限・連絡日）", 36),
    ("関連する意見・要望", 10),
    ("終了日", 12),
    ("結果", 40),
]


def _interim(activity: Activity) -> str:
    parts = []
    for report in activity.interim_reports.all():
        done = f"連絡 {to_wareki(report.reported_on)}" if report.reported_on else "未連絡"
        parts.append(f"{to_wareki(report.due_on)}（{done}）")
    return "、".join(parts)


def activities_xlsx(council_name: str, activities: Iterable[Activity]) -> bytes:
    """One sheet: each activity with its interim reports and outcome, in the list's order (a record: in Japanese)."""
    with translation.override(settings.LANGUAGE_CODE):
        writer = ExcelWriter()
        sheet = writer.sheet("問題解決活動", landscape=True)
        sheet.append([f"{council_name} 問題解決活動"], bold=True)
        header = sheet.append([title for title, _width in COLUMNS], bold=True, center=True)
        for a in activities:
            sheet.append(
                [
                    a.title,
                    a.started_on,
                    a.get_status_display(),
                    a.plan,
                    _interim(a),
                    len(a.cases.all()),
                    a.closed_on,
                    a.outcome,
                ]
            )
        sheet.column_widths([width for _title, width in COLUMNS])
        sheet.repeat_rows(header)
        return writer.to_bytes()
