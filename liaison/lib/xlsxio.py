"""Excel workbooks written from stored data (X3: Excel out): the one writer every export uses.

What people typed is stored as they typed it, and an export must not turn it into something that runs on the next
officer's PC. openpyxl stores any string beginning with ``=`` as a live formula, so cells are never assigned
directly: ``Sheet.append`` writes

* strings (and anything else that is not a number) as text cells in the Text number format (``@``), so a phone
  number, a postal code or ``0012`` keeps its leading zeros even after someone edits the cell; a leading
  ``= + - @``, tab or carriage return is neutralised with a ``'`` as OWASP recommends (the same rule as CSV export,
  :func:`liaison.lib.csvio.neutralise_formula`), and control characters that a worksheet cannot hold are dropped;
* numbers (an age, a count) as numbers; ``None`` as an empty cell.

Every sheet is set up to print on A4, fitted to the page width.
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

from liaison.lib.csvio import neutralise_formula

__all__ = ["ExcelWriter", "Sheet", "cell_value"]

TEXT_FORMAT = "@"


def cell_value(value: object) -> str | int | float | Decimal | None:
    """What a cell holds for ``value``: a number stays a number, ``None`` stays empty, the rest is safe text."""
    if value is None:
        return None
    if isinstance(value, int | Decimal) and not isinstance(value, bool):
        return value
    if isinstance(value, float) and math.isfinite(value):
        return value
    if isinstance(value, datetime.date):
        # Documents use era dates: callers pass the text they want; a bare date is shown the ISO way, as text.
        value = value.isoformat()
    return neutralise_formula(ILLEGAL_CHARACTERS_RE.sub("", str(value)))


class Sheet:
    """One worksheet; rows go in only through ``append`` so that no stored text becomes a formula."""

    def __init__(self, worksheet, *, landscape: bool):
        self._ws = worksheet
        self._rows = 0
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
        for column, raw in enumerate(values, start=1):
            cell = self._ws.cell(row=row, column=column)
            value = cell_value(raw)
            cell.value = value
            if isinstance(value, str):
                # Set after the value: openpyxl would otherwise guess a formula (=…) or an error code (#N/A).
                cell.data_type = TYPE_STRING
                cell.number_format = TEXT_FORMAT
            if font is not None:
                cell.font = font
            if center:
                cell.alignment = Alignment(horizontal="center")
        return row

    def column_widths(self, widths: Sequence[float]) -> None:
        for index, width in enumerate(widths, start=1):
            self._ws.column_dimensions[get_column_letter(index)].width = width

    def repeat_rows(self, first: int, last: int | None = None) -> None:
        """Print rows ``first``–``last`` (a header) at the top of every page, and keep them in view on screen."""
        last = last or first
        self._ws.print_title_rows = f"{first}:{last}"
        self._ws.freeze_panes = f"A{last + 1}"


class ExcelWriter:
    """A workbook of ``Sheet`` s, saved with ``to_bytes``."""

    def __init__(self):
        self._workbook = Workbook()
        self._fresh = True  # the workbook starts with one empty sheet; the first ``sheet`` call uses it

    def sheet(self, title: str, *, landscape: bool = False) -> Sheet:
        if self._fresh:
            worksheet = self._workbook.active
            self._fresh = False
        else:
            worksheet = self._workbook.create_sheet()
        # Excel refuses sheet titles longer than 31 characters or containing []:*?/\
        worksheet.title = "".join(c for c in title if c not in "[]:*?/\\")[:31] or "Sheet"
        return Sheet(worksheet, landscape=landscape)

    def to_bytes(self) -> bytes:
        out = BytesIO()
        self._workbook.save(out)
        return out.getvalue()
