"""The station chief's view as an Excel workbook, one sheet per figure, through the safe writer (X3)."""

from __future__ import annotations

from django.conf import settings
from django.utils import translation

from liaison.lib.xlsxio import ExcelWriter


def _get(row, name: str):
    """A value of a recruitment row, a dict or an object alike."""
    return row.get(name) if isinstance(row, dict) else getattr(row, name, None)


def _table(writer: ExcelWriter, title: str, header: list[str], rows, widths: list[float]) -> None:
    sheet = writer.sheet(title, landscape=True)
    first = sheet.append(header, bold=True, center=True)
    for row in rows:
        sheet.append(row)
    sheet.column_widths(widths)
    sheet.repeat_rows(first)


def figures_xlsx(
    *, station, period, by_officer, visit_days, by_koban, by_area, stale, stale_days, recruitment=None
) -> bytes:
    """The figures of one station and period; the contact persons not contacted are named (an audited export)."""
    with translation.override(settings.LANGUAGE_CODE):  # an official record: in Japanese whatever the screen
        writer = ExcelWriter()
        months = [f"{m.year}年{m.month}月" for m in by_officer["months"]]
        _table(
            writer,
            "警察官別・月別の情報交換",
            ["警察官", *months, "計"],
            [
                *([o["name"], *o["counts"], o["total"]] for o in by_officer["rows"]),
                ["計", *by_officer["totals"], by_officer["total"]],
            ],
            [18, *[9] * len(months), 9],
        )
        _table(
            writer,
            f"{stale_days}日以上情報交換なし",
            ["氏名", "交番・駐在所", "担当警察官", "承諾日", "最後の情報交換日"],
            (
                [
                    c.person.full_name,
                    c.koban.name if c.koban_id else "",
                    c.officer.full_name if c.officer_id else "",
                    c.consent_on,
                    c.last_exchange_on,
                ]
                for c in stale
            ),
            [18, 16, 16, 16, 16],
        )
        _table(
            writer,
            "巡回連絡強化日",
            ["実施日", "交番・駐在所", "備考", "情報交換の件数", "情報交換した連絡員"],
            ([d.on, d.koban.name, d.note, d.exchange_count, d.contacts_met] for d in visit_days),
            [16, 16, 30, 14, 16],
        )
        if recruitment:
            _table(
                writer,
                "課別の連絡員候補の連絡",
                ["課", "連絡", "候補として受理", "承諾"],
                (
                    [str(_get(r, "section")), _get(r, "made"), _get(r, "accepted"), _get(r, "consented")]
                    for r in recruitment
                ),
                [18, 10, 14, 10],
            )
        _table(
            writer,
            "交番・駐在所別",
            ["交番・駐在所", "承諾済みの連絡員", "情報交換の件数"],
            ([k.name, k.consenting, k.exchanges] for k in by_koban),
            [18, 16, 14],
        )
        _table(
            writer,
            "地域別",
            ["市区町村", "地区", "承諾済みの連絡員", "情報交換の件数"],
            ([a["municipality"], a["district"], a["consenting"], a["exchanges"]] for a in by_area),
            [16, 20, 16, 14],
        )
        info = writer.sheet("対象")
        info.append(["警察署", station.name])
        info.append(["期間", period.start, period.end])
        return writer.to_bytes()
