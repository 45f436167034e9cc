"""A list as a file (X3: Excel and CSV out): one table of columns, written row by row to .xlsx or .csv.

Every list screen exports what it shows through here, so each list gives only its columns and its rows. A list can
be the whole prefecture (300,000 cases), so nothing is held whole in memory: the rows come from a queryset read in
chunks (``.iterator(chunk_size=…)``), each row is written as it comes, and the file grows in a temporary file that
spills to disk (``SpooledTemporaryFile``) and is streamed to the browser from there.

* ``.xlsx`` is written by openpyxl's write-only workbook (rows go to disk as they are appended; strings are written
  inline, so no table of every string builds up) with every rule of :class:`liaison.lib.xlsxio.Sheet`: values
  through :func:`~liaison.lib.xlsxio.cell_value` (text stays text in the Text format, nothing becomes a formula,
  dates in era format), A4 fitted to the page width, the header row printed on every page, frozen, with filter
  buttons.
* ``.csv`` is UTF-8 with a BOM and CRLF (what Excel opens) or CP932 on request, through
  :func:`liaison.lib.csvio.encode_csv`: the same formula rule, and a character CP932 cannot hold is never replaced
  but named (:class:`Unencodable`, with the row and the column), and the file is not sent.
"""

from __future__ import annotations

import datetime
import tempfile
from collections.abc import Callable, Iterable, Iterator, Sequence, Sized
from dataclasses import dataclass, field
from typing import IO, Any

from django.conf import settings
from django.db.models import QuerySet
from django.utils import translation
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import TYPE_STRING
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet

from liaison.lib.csvio import encode_csv
from liaison.lib.xlsxio import TEXT_FORMAT, cell_value, era_date_format

__all__ = [
    "CHUNK",
    "FORMATS",
    "Chunked",
    "Column",
    "Table",
    "Unencodable",
    "in_chunks",
    "row_count",
    "write_csv",
    "write_file",
    "write_xlsx",
]

CHUNK = 500  # rows read from the database at a time: about 1 MB of objects whatever the length of the list
SPOOL = 1024 * 1024  # a file up to this size stays in memory; a larger one goes to the system's temporary directory
FORMATS = {"xlsx": "xlsx", "csv": "csv"}
CSV_ENCODINGS = ("utf-8-sig", "cp932")


@dataclass(frozen=True)
class Column:
    """One column: its Japanese header, its width in Excel, how to get its value from a row object, and whether it
    holds civilians' personal data (an export of such a column is audited as one of personal data)."""

    title: str
    width: float
    value: Callable[[Any], object]
    personal: bool = False


@dataclass(frozen=True)
class Table:
    """What a list exports: a title (the sheet's name and the file's), its columns in order, and the counter word of
    its rows in the audit entry (件, or 人 for a list of people, as its other exports of the same list say)."""

    title: str
    columns: Sequence[Column]
    landscape: bool = True
    unit: str = "件"
    headers: list[str] = field(init=False)

    def __post_init__(self):
        object.__setattr__(self, "headers", [column.title for column in self.columns])

    @property
    def personal(self) -> bool:
        return any(column.personal for column in self.columns)

    def values(self, row) -> list[object]:
        return [column.value(row) for column in self.columns]


class Unencodable(ValueError):
    """A character the chosen encoding cannot hold, named with where it is (row as Excel counts it, header = 1)."""

    def __init__(self, message: str, *, char: str, row: int, column: str):
        self.char, self.row, self.column = char, row, column
        super().__init__(f"{message}（{row}行目「{column}」）")


class Chunked:
    """The rows of a queryset read ``CHUNK`` at a time with ``add(chunk)`` run on each chunk (see :func:`in_chunks`);
    it keeps its queryset, so the export can count the rows in one query before it writes any."""

    def __init__(self, queryset, add: Callable[[list], object]):
        self.queryset, self.add = queryset, add

    def __iter__(self) -> Iterator[object]:
        chunk: list = []
        for row in self.queryset.iterator(chunk_size=CHUNK):
            chunk.append(row)
            if len(chunk) == CHUNK:
                self.add(chunk)
                yield from chunk
                chunk = []
        if chunk:
            self.add(chunk)
            yield from chunk


def in_chunks(queryset, add: Callable[[list], object]) -> Chunked:
    """The rows of ``queryset`` read ``CHUNK`` at a time, with ``add(chunk)`` run on each chunk before its rows are
    written: what a list reads per page in one query (counts, stored findings) is read per chunk the same way, so
    the number of queries grows with the chunks, never with the rows."""
    return Chunked(queryset, add)


def row_count(rows) -> int | None:
    """How many rows an export will write, in one query (None for an iterable that cannot say without reading it)."""
    if isinstance(rows, QuerySet):
        return rows.count()
    if isinstance(rows, Chunked):
        return rows.queryset.count()
    if isinstance(rows, Sized):
        return len(rows)
    return None


def _counted(rows: Iterable[object], progress: Callable[[int], object]) -> Iterator[object]:
    count = 0
    for row in rows:
        yield row
        count += 1
        if count % CHUNK == 0:
            progress(count)


def write_xlsx(table: Table, rows: Iterable[object], out: IO[bytes]) -> int:
    """Write ``table`` over ``rows`` as a workbook into ``out``; returns the number of rows written."""
    workbook = Workbook(write_only=True)
    ws = workbook.create_sheet("".join(c for c in table.title if c not in "[]:*?/\\")[:31] or "Sheet")
    # As xlsxio.Sheet: A4, fitted to the width, as many pages down as the rows need.
    ws.page_setup.paperSize = Worksheet.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape" if table.landscape else "portrait"
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    # A write-only sheet writes its views and column widths before the first row: set them first.
    for index, column in enumerate(table.columns, start=1):
        ws.column_dimensions[get_column_letter(index)].width = column.width
    ws.freeze_panes = "A2"
    ws.print_title_rows = "1:1"

    header_font, centred = Font(bold=True), Alignment(horizontal="center")
    header = []
    for title in table.headers:
        cell = _cell(ws, title)
        cell.font, cell.alignment = header_font, centred
        header.append(cell)
    ws.append(header)
    count = 0
    for row in rows:
        ws.append([_cell(ws, value) for value in table.values(row)])
        count += 1
    last = get_column_letter(max(len(table.columns), 1))
    ws.auto_filter.ref = f"A1:{last}{count + 1}"  # the tail of the sheet is written on saving: the row count is known
    workbook.save(out)
    return count


def _cell(ws, raw: object) -> WriteOnlyCell:
    value = cell_value(raw)
    cell = WriteOnlyCell(ws, value=value)
    if isinstance(value, str):
        # Set after the value: openpyxl would otherwise guess a formula (=…) or an error code (#N/A).
        cell.data_type = TYPE_STRING
        cell.number_format = TEXT_FORMAT
    elif isinstance(value, datetime.date):
        cell.number_format = era_date_format(value)
    return cell


def write_csv(table: Table, rows: Iterable[object], out: IO[bytes], encoding: str = "utf-8-sig") -> int:
    """Write ``table`` over ``rows`` as CSV (CRLF) into ``out`` in ``encoding`` (``utf-8-sig`` or ``cp932``);
    returns the number of rows. Raises :class:`Unencodable` at the first character ``cp932`` cannot hold."""
    if encoding not in CSV_ENCODINGS:
        raise ValueError(f"CSVの文字コードは utf-8-sig または cp932 を指定してください: {encoding}")
    codec = "cp932" if encoding == "cp932" else "utf-8"
    if encoding == "utf-8-sig":
        out.write("\ufeff".encode())
    _write_line(out, table.headers, codec, table, 1)
    count = 0
    for row in rows:
        count += 1
        _write_line(out, table.values(row), codec, table, count + 1)
    return count


def _write_line(out: IO[bytes], values: list[object], codec: str, table: Table, line: int) -> None:
    try:
        out.write(encode_csv([values], codec))
    except ValueError:
        # csvio names the character; find the cell it is in, so the officer can correct that record.
        for title, value in zip(table.headers, values, strict=True):
            try:
                encode_csv([[value]], codec)
            except ValueError as cell_exc:
                char = next((c for c in str(value) if not _encodes(c, codec)), "")
                raise Unencodable(str(cell_exc), char=char, row=line, column=title) from None
        raise  # not a single cell's fault (cannot happen with the codecs above)


def _encodes(char: str, codec: str) -> bool:
    try:
        encode_csv([[char]], codec)
    except ValueError:
        return False
    return True


def write_file(
    table: Table,
    rows: Iterable[object],
    fmt: str,
    encoding: str = "utf-8-sig",
    progress: Callable[[int], object] | None = None,
) -> tuple[IO[bytes], int]:
    """The whole file in a temporary file (rewound, for streaming) and its row count; headers and text in Japanese
    whatever the screen language (an official record). On :class:`Unencodable` nothing is kept. ``progress(count)``,
    when given, hears of every ``CHUNK`` rows written (a background export shows how far it is)."""
    if progress is not None:
        rows = _counted(rows, progress)
    out = tempfile.SpooledTemporaryFile(max_size=SPOOL)  # noqa: SIM115 - closed by the response that streams it
    try:
        with translation.override(settings.LANGUAGE_CODE):
            if fmt == "xlsx":
                count = write_xlsx(table, rows, out)
            else:
                count = write_csv(table, rows, out, encoding)
    except BaseException:
        out.close()
        raise
    out.seek(0)
    return out, count
