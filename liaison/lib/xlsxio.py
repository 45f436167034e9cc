"""Excel workbooks written from stored data (X3: Excel out): the one writer every export uses.

What people typed is stored as they typed it, and an export must not turn it into something that runs on the next
officer's PC. openpyxl stores any string beginning with ``=`` as a live formula, so cells are never assigned
directly: ``Sheet.append`` writes

* strings (and anything else that is not a number) as text cells in the Text number format (``@``), so a phone
  number, a postal code or ``0012`` keeps its leading zeros even after someone edits the cell; a leading
  ``= + - @``, tab or carriage return is neutralised with a ``'`` as OWASP recommends (the same rule as CSV export,
  :func:`liaison.lib.csvio.neutralise_formula`), and control characters that a worksheet cannot hold are dropped;
* numbers (an age, a count) as numbers; ``None`` as an empty cell;
* dates as real dates, so that Excel sorts and filters them, shown as era dates (令和8年11月26日) by a number format
  of Excel's Japanese calendar, see :func:`era_date_format` (a datetime is taken in Asia/Tokyo and shows its time).

Every sheet is set up to print on A4, fitted to the page width; the header of a table (``repeat_rows``) is printed
on every page, stays in view and gets the filter buttons.
"""

from __future__ import annotations

import datetime
import math
from collections.abc import Iterable, Sequence
from decimal import Decimal
from io import BytesIO

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, TYPE_STRING
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.utils.datetime import to_excel

from liaison.lib.csvio import neutralise_formula
from liaison.lib.wareki import ERAS, TOKYO, local_date, to_wareki

__all__ = ["ExcelWriter", "Sheet", "cell_value", "era_date_format"]

TEXT_FORMAT = "@"

# Excel counts days from 1900 and wrongly takes 1900 as a leap year, so serial numbers before 1 March 1900 differ
# between Excel and LibreOffice: such a (stored, odd) date is written as text instead.
FIRST_EXCEL_DATE = datetime.date(1900, 3, 1)

# Excel's Japanese calendar: locale 411 (ja-JP) makes ``ggg`` the era name and ``e`` the era year. Excel and
# LibreOffice both show it. Excel writes the first year as 1年; its newer ``[$-ja-JP-x-gannen]`` tag, which writes
# 元年, leaves the cell as a bare serial number in LibreOffice, so 元年 is written by a condition instead (below).
_ERA_DAY = '[$-411]ggge"年"m"月"d"日"'


def era_date_format(value: datetime.date) -> str:
    """The number format of a cell holding ``value``: ``令和8年11月26日`` (and ``h:mm`` after it for a datetime).

    The first year of an era is 元年 in Japanese documents, which Excel's era format cannot write; the format of a
    cell therefore says, by a condition on the value, 「from the first day of 令和 to the end of that year, write
    令和元年」 — for the era whose first year ``value`` falls in, otherwise for 令和 (the year a date typed into the
    cell later is most likely to fall in). Being a condition, it stays right when someone edits the date.
    """
    time = " h:mm" if isinstance(value, datetime.datetime) else ""
    day = local_date(value)
    era = next((e for e in ERAS if e.start.year == day.year and day >= e.start), ERAS[0])
    first_day = to_excel(era.start)
    next_year = to_excel(datetime.date(era.start.year + 1, 1, 1))
    era_format = _ERA_DAY + time
    return f'[<{first_day:.0f}]{era_format};[<{next_year:.0f}]"{era.name}元年"m"月"d"日"{time};{era_format}'


def cell_value(value: object) -> str | int | float | Decimal | datetime.date | datetime.datetime | None:
    """What a cell holds for ``value``: a number stays a number, a date a date, ``None`` stays empty, the rest is
    safe text."""
    if value is None:
        return None
    if isinstance(value, int | Decimal) and not isinstance(value, bool):
        return value
    if isinstance(value, float) and math.isfinite(value):
        return value
    if isinstance(value, datetime.date):
        day = local_date(value)
        if day < FIRST_EXCEL_DATE:
            value = to_wareki(day)  # no serial number means the same day in Excel and LibreOffice
        elif isinstance(value, datetime.datetime):
            # A worksheet has no time zones: the time as it was in Japan.
            if value.tzinfo is not None and value.utcoffset() is not None:
                value = value.astimezone(TOKYO)
            return value.replace(tzinfo=None)
        else:
            return value
    return neutralise_formula(ILLEGAL_CHARACTERS_RE.sub("", str(value)))


class Sheet:
    """One worksheet; rows go in only through ``append`` so that no stored text becomes a formula."""

    def __init__(self, worksheet, *, landscape: bool):
        self._ws = worksheet
        self._rows = 0
        self._widths: dict[int, int] = {}  # row → number of values written in it
        self._header: int | None = None
        self._ws.page_setup.paperSize = self._ws.PAPERSIZE_A4
        self._ws.page_setup.orientation = "landscape" if landscape else "portrait"
        self._ws.sheet_properties.pageSetUpPr.fitToPage = True
        self._ws.page_setup.fitToWidth = 1
        self._ws.page_setup.fitToHeight = 0  # as many pages down as the rows need

    def append(self, values: Iterable[object], *, bold: bool = False, size: float | None = None, center=False) -> int:
        """Write one row after the last one (an empty ``values`` leaves a blank row); returns its row number."""
        self._rows += 1
        row = self._rows
        font = Font(bold=bold, size=size) if bold or size else None
        width = 0
        for column, raw in enumerate(values, start=1):
            width = column
            cell = self._ws.cell(row=row, column=column)
            value = cell_value(raw)
            cell.value = value
            if isinstance(value, str):
                # Set after the value: openpyxl would otherwise guess a formula (=…) or an error code (#N/A).
                cell.data_type = TYPE_STRING
                cell.number_format = TEXT_FORMAT
            elif isinstance(value, datetime.date):
                cell.number_format = era_date_format(value)
            if font is not None:
                cell.font = font
            if center:
                cell.alignment = Alignment(horizontal="center")
        self._widths[row] = width
        return row

    def column_widths(self, widths: Sequence[float]) -> None:
        for index, width in enumerate(widths, start=1):
            self._ws.column_dimensions[get_column_letter(index)].width = width

    def text_columns(self, count: int) -> None:
        """Columns 1–``count`` are formatted as text, also in rows not written yet: what someone types into a blank
        form later (090-1234-5678, 0012, 1-2-3, which Excel would otherwise turn into a number or a date) stays as
        typed."""
        for index in range(1, count + 1):
            self._ws.column_dimensions[get_column_letter(index)].number_format = TEXT_FORMAT

    def repeat_rows(self, first: int, last: int | None = None) -> None:
        """Rows ``first``–``last`` are the header of a table: printed at the top of every page, kept in view on
        screen, and row ``last`` gets the filter buttons over the rows below it (all of them, also those appended
        later)."""
        last = last or first
        self._ws.print_title_rows = f"{first}:{last}"
        self._ws.freeze_panes = f"A{last + 1}"
        self._header = last

    def finish(self) -> None:
        """Set what depends on the last row; the writer calls it before saving."""
        if self._header is not None and self._widths.get(self._header):
            last_column = get_column_letter(self._widths[self._header])
            self._ws.auto_filter.ref = f"A{self._header}:{last_column}{max(self._rows, self._header)}"


class ExcelWriter:
    """A workbook of ``Sheet`` s, saved with ``to_bytes``."""

    def __init__(self):
        self._workbook = Workbook()
        self._fresh = True  # the workbook starts with one empty sheet; the first ``sheet`` call uses it
        self._sheets: list[Sheet] = []

    def sheet(self, title: str, *, landscape: bool = False) -> Sheet:
        if self._fresh:
            worksheet = self._workbook.active
            self._fresh = False
        else:
            worksheet = self._workbook.create_sheet()
        # Excel refuses sheet titles longer than 31 characters or containing []:*?/\
        worksheet.title = "".join(c for c in title if c not in "[]:*?/\\")[:31] or "Sheet"
        sheet = Sheet(worksheet, landscape=landscape)
        self._sheets.append(sheet)
        return sheet

    def to_bytes(self) -> bytes:
        for sheet in self._sheets:
            sheet.finish()
        out = BytesIO()
        self._workbook.save(out)
        return out.getvalue()
