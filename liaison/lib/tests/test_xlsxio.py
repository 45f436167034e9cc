"""The one Excel writer (X3: Excel out): stored text stays text, never a formula; A4 print set-up."""

import re
import zipfile
from decimal import Decimal
from io import BytesIO
from pathlib import Path

import pytest
from django.utils.translation import gettext_lazy
from openpyxl import load_workbook

from liaison.lib.xlsxio import ExcelWriter, cell_value

HOSTILE = [
    "=1+1 太郎",
    '=HYPERLINK("http://example.invalid/","x")',
    "=cmd|' /C calc'!A0",
    "+81-22-123-4567",
    "-1+2",
    "@SUM(A1:A2)",
    "\t=1+1",
    "\r=1+1",
    "＝1+1",
]


def workbook_of(rows, **sheet_options):
    writer = ExcelWriter()
    sheet = writer.sheet("名簿", **sheet_options)
    for row in rows:
        sheet.append(row)
    return writer.to_bytes()


def formulas(content: bytes) -> list[str]:
    with zipfile.ZipFile(BytesIO(content)) as archive:
        sheets = [archive.read(n).decode() for n in archive.namelist() if n.startswith("xl/worksheets/")]
    assert sheets
    return [m for xml in sheets for m in re.findall(r"<f[ >].*?</f>", xml)]


@pytest.mark.parametrize("text", HOSTILE)
def test_x3_a_leading_formula_sign_is_neutralised_with_a_quote(text):
    """X3: OWASP's rule: a cell starting with = + - @, tab or CR is written as text with a leading '."""
    content = workbook_of([[text]])
    assert formulas(content) == []
    cell = load_workbook(BytesIO(content)).active["A1"]
    # XML reads a stored CR back as LF; what matters is the quote in front.
    assert (cell.value, cell.data_type, cell.number_format) == ("'" + text.replace("\r", "\n"), "s", "@")


def test_x3_numbers_stay_numbers_and_text_stays_text():
    """X3: ages and counts are numbers; phone numbers, postal codes and digits typed as text keep their zeros."""
    content = workbook_of([[77, -5, 2.5, Decimal("1.25"), None, "0221234567", "980-0811", "#N/A", "0012"]])
    row = next(load_workbook(BytesIO(content)).active.iter_rows())
    assert [c.value for c in row[:4]] == [77, -5, 2.5, 1.25] and {c.data_type for c in row[:4]} == {"n"}
    assert row[4].value is None
    assert [(c.value, c.data_type, c.number_format) for c in row[5:]] == [
        ("0221234567", "s", "@"),
        ("980-0811", "s", "@"),
        ("#N/A", "s", "@"),  # openpyxl would store this as an error cell
        ("0012", "s", "@"),
    ]


def test_x3_characters_a_worksheet_cannot_hold_are_dropped_not_fatal():
    """X3: a stored value with a control character (pasted from elsewhere) does not break the export."""
    content = workbook_of([["山田\x0b太郎\x00", "a\tb\nc"]])
    row = next(load_workbook(BytesIO(content)).active.iter_rows(values_only=True))
    assert row == ("山田太郎", "a\tb\nc")


def test_cell_value_of_other_types_is_neutralised_text():
    assert cell_value(gettext_lazy("=x")) == "'=x"
    assert cell_value(True) == "True"
    assert cell_value(float("nan")) == "nan"


def test_x3_sheets_print_on_a4_fitted_to_width_with_repeated_header():
    writer = ExcelWriter()
    first = writer.sheet("委員名簿", landscape=True)
    first.append(["タイトル"], bold=True, size=14)
    first.append([])
    header = first.append(["氏名", "年齢"], bold=True, center=True)
    first.append(["山田 太郎", 70])
    first.column_widths([16, 6])
    first.repeat_rows(header)
    writer.sheet("a/b:c*d?[e]" + "x" * 40)
    book = load_workbook(BytesIO(writer.to_bytes()))
    sheet = book["委員名簿"]
    assert int(sheet.page_setup.paperSize) == 9 and sheet.page_setup.orientation == "landscape"
    assert sheet.sheet_properties.pageSetUpPr.fitToPage and int(sheet.page_setup.fitToWidth) == 1
    assert sheet["A1"].font.bold and sheet["A2"].value is None and sheet["A3"].value == "氏名"
    assert sheet.freeze_panes == "A4" and sheet.print_title_rows == "$3:$3"
    assert sheet.column_dimensions["A"].width == 16
    assert book.sheetnames[1] == "abcde" + "x" * 26


def test_x3_every_export_goes_through_the_safe_writers():
    """X3: no app builds a workbook or a CSV writer of its own (it would bypass the neutralising); reading is fine."""
    writers = (
        r"from openpyxl import [^\n]*\bWorkbook\b|openpyxl\.Workbook\(|\bcsv\.(writer|DictWriter)\(|\bxlsxwriter\b"
    )

    root = Path(__file__).resolve().parents[2]
    own = {root / "lib" / "xlsxio.py", root / "lib" / "csvio.py"}
    bypass = [
        str(path.relative_to(root))
        for path in root.rglob("*.py")
        if path not in own and "tests" not in path.parts and re.search(writers, path.read_text(encoding="utf-8"))
    ]
    assert bypass == []
