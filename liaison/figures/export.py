"""The figures' tables as files, one per table on the screen (``?table=…&format=xlsx``), through the one export
helper (X3): the same rows the screen shows, in the same order."""

from __future__ import annotations

from liaison.cases.models import Case
from liaison.lib.exports import Column, Table
from liaison.network.models import ContactPerson


def _month(m) -> str:
    return f"{m.year}年{m.month}月"


STATIONS = Table(
    "警察署別の状況",
    [
        Column("警察署", 16, lambda s: s.name),
        Column("要確認の計", 10, lambda s: s.attention),
        Column("連絡協議会", 10, lambda s: s.council_count),
        Column("要対応の協議会", 12, lambda s: s.councils_error),
        Column("定期会議が未開催の協議会", 14, lambda s: s.behind_plan),
        Column("会議（予定・開催）", 12, lambda s: s.meetings_scheduled),
        Column("会議（開催済）", 12, lambda s: s.meetings_held),
        Column("意見・要望", 10, lambda s: s.case_count),
        Column("連絡期限切れ", 12, lambda s: s.cases_not_told),
        Column("情報交換", 10, lambda s: s.exchanges),
        Column("承諾済みの連絡員", 12, lambda s: s.contacts),
        Column("連絡員候補の連絡", 12, lambda s: s.referrals),
    ],
)

COUNCILS = Table(
    "協議会別の状況",
    [
        Column("協議会", 30, lambda c: c.name),
        Column("要対応", 8, lambda c: c.errors),
        Column("注意", 8, lambda c: c.warnings),
        Column("定期会議の未開催", 12, lambda c: "あり" if c.behind_plan else ""),
        Column("定期会議（予定・開催）", 14, lambda c: c.regular_scheduled),
        Column("定期会議（開催済）", 12, lambda c: c.regular_held),
        Column("臨時会議（開催済）", 12, lambda c: c.ad_hoc_held),
    ],
)

MEETINGS = Table(
    "月別の会議",
    [
        Column("月", 12, lambda r: _month(r["month"])),
        Column("予定・開催", 10, lambda r: r["scheduled"]),
        Column("開催済", 10, lambda r: r["held"]),
    ],
)


def cases_table() -> Table:
    statuses = [Column(str(label), 10, lambda r, s=s: r[f"status_{s}"]) for s, label in Case.Status.choices]
    return Table(
        "分類別の意見・要望",
        [
            Column("分類", 14, lambda r: str(r["label"])),
            Column("件数", 8, lambda r: r["total"]),
            *statuses,
            Column("期限内に連絡", 12, lambda r: r["told_in_time"]),
            Column("期限後に連絡", 12, lambda r: r["told_late"]),
            Column("未連絡", 10, lambda r: r["not_told"]),
        ],
    )


def exchanges_table(months) -> Table:
    per_month = [Column(_month(m), 9, lambda r, i=i: r["counts"][i]) for i, m in enumerate(months)]
    return Table(
        "警察官別・月別の情報交換",
        [Column("警察官", 18, lambda r: r["name"]), *per_month, Column("計", 9, lambda r: r["total"])],
    )


def contacts_table() -> Table:
    consents = [Column(str(label), 9, lambda r, c=c: r["counts"][c]) for c, label in ContactPerson.Consent.choices]
    return Table(
        "地域別・承諾の状況別の連絡員",
        [
            Column("市区町村", 16, lambda r: r["municipality"]),
            Column("地区", 20, lambda r: r["district"]),
            *consents,
            Column("計", 9, lambda r: r["total"]),
        ],
        unit="人",
    )


RECRUITMENT = Table(
    "課別の連絡員候補の連絡",
    [
        Column("課", 18, lambda r: r["section"]),
        Column("連絡", 10, lambda r: r["made"]),
        Column("候補として受理", 14, lambda r: r["accepted"]),
        Column("承諾", 10, lambda r: r["consented"]),
    ],
)
