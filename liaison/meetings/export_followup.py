"""A council's problem-solving activities as a file (C8.2): the list's table for the one list-to-file helper."""

from __future__ import annotations

from liaison.lib.exports import Column, Table
from liaison.lib.wareki import to_wareki

from .models import Activity


def _interim(activity: Activity) -> str:
    parts = []
    for report in activity.interim_reports.all():
        done = f"連絡 {to_wareki(report.reported_on)}" if report.reported_on else "未連絡"
        parts.append(f"{to_wareki(report.due_on)}（{done}）")
    return "、".join(parts)


def activity_table(council_name: str) -> Table:
    """Each activity with its interim reports, findings and outcome; rows carry ``case_count`` (annotated) and
    ``export_findings`` (read per chunk)."""
    return Table(
        f"問題解決活動_{council_name}",
        [
            Column("件名", 28, lambda a: a.title),
            Column("開始日", 16, lambda a: a.started_on),
            Column("状態", 8, lambda a: a.get_status_display()),
            Column("計画", 40, lambda a: a.plan),
            Column("中間連絡（期限・連絡日）", 36, _interim),
            Column("関連する意見・要望", 10, lambda a: a.case_count),
            Column("確認事項", 40, lambda a: "\n".join(f.message for f in a.export_findings)),
            Column("終了日", 16, lambda a: a.closed_on),
            Column("結果", 40, lambda a: a.outcome),
        ],
    )
