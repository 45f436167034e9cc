"""The one Excel writer (X3: Excel out): stored text stays text, never a formula; A4 print set-up."""

import datetime
import os
import re
import shutil
import subprocess
import zipfile
from decimal import Decimal
from io import BytesIO
from pathlib import Path

import pytest
from django.utils.translation import gettext_lazy
from openpyxl import load_workbook

from liaison.lib.xlsxio import ExcelWriter, cell_value, era_date_format

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
    # exports.py is the list-to-file helper: its write-only workbook takes every value through xlsxio.cell_value and
    # its CSV goes through csvio.encode_csv (lib/tests/test_exports.py proves both).
    own = {root / "lib" / "xlsxio.py", root / "lib" / "csvio.py", root / "lib" / "exports.py"}
    bypass = [
        str(path.relative_to(root))
        for path in root.rglob("*.py")
        if path not in own and "tests" not in path.parts and re.search(writers, path.read_text(encoding="utf-8"))
    ]
    assert bypass == []


# --- Dates (issue 7): real dates in the era, so that Excel sorts and filters them -----------------------------------

ERA_FORMAT = '[$-411]ggge"年"m"月"d"日"'


def test_x3_dates_are_real_dates_shown_in_the_era():
    """X3 (issue 7): a date is a date cell (Excel sorts and filters it) with Excel's Japanese era number format."""
    days = [datetime.date(2026, 11, 26), datetime.date(2019, 5, 1), datetime.date(1989, 1, 8)]
    row = next(load_workbook(BytesIO(workbook_of([days]))).active.iter_rows())
    assert [c.value for c in row] == [datetime.datetime.combine(d, datetime.time()) for d in days]
    assert all(c.is_date and c.data_type != "s" for c in row)
    assert all(ERA_FORMAT in c.number_format and "@" not in c.number_format for c in row)


def test_x3_the_first_year_of_an_era_is_written_gannen_by_a_condition_on_the_value():
    """X3: 令和元年, 平成元年 as documents write them; a condition on the value, so an edited date stays right."""
    assert era_date_format(datetime.date(2026, 11, 26)) == (
        f'[<43586]{ERA_FORMAT};[<43831]"令和元年"m"月"d"日";{ERA_FORMAT}'
    )
    assert (
        era_date_format(datetime.date(1989, 1, 8)) == f'[<32516]{ERA_FORMAT};[<32874]"平成元年"m"月"d"日";{ERA_FORMAT}'
    )
    # 1989-01-07 is 昭和64年, not in the first year of 平成: the usual 令和 condition.
    assert '"令和元年"' in era_date_format(datetime.date(1989, 1, 7))
    assert era_date_format(datetime.datetime(2026, 11, 26, 9, 30, tzinfo=datetime.UTC)).endswith(f"{ERA_FORMAT} h:mm")


def test_x3_times_are_japan_times_and_odd_old_dates_are_text():
    """X3: a worksheet has no time zones, so an aware time is written as the time in Japan; a stored date before
    March 1900 has no serial number both Excel and LibreOffice agree on, so it is written as text."""
    aware = datetime.datetime(2026, 11, 25, 15, 30, tzinfo=datetime.UTC)
    assert cell_value(aware) == datetime.datetime(2026, 11, 26, 0, 30)  # noqa: DTZ001
    assert cell_value(datetime.date(1800, 1, 1)) == "1800年1月1日"
    assert cell_value(datetime.date(1900, 3, 1)) == datetime.date(1900, 3, 1)
    row = next(load_workbook(BytesIO(workbook_of([[datetime.date(1899, 12, 31)]]))).active.iter_rows())
    assert (row[0].value, row[0].data_type) == ("明治32年12月31日", "s")


def test_x3_the_header_of_a_table_gets_the_filter_buttons():
    """X3 (issue 7): the header row of a table has the autofilter over every row below it."""
    writer = ExcelWriter()
    sheet = writer.sheet("委員名簿")
    sheet.append(["委員名簿"], bold=True)
    sheet.append([])
    header = sheet.append(["氏名", "年齢", "任期の始期"], bold=True)
    sheet.repeat_rows(header)
    for i in range(5):
        sheet.append([f"委員{i}", 60 + i, datetime.date(2025, 4, 1 + i)])
    untitled = writer.sheet("メモ")
    untitled.append(["filter なし"])
    book = load_workbook(BytesIO(writer.to_bytes()))
    assert book["委員名簿"].auto_filter.ref == "A3:C8"
    assert not book["メモ"].auto_filter.ref


@pytest.mark.skipif(shutil.which("libreoffice") is None, reason="LibreOffice is not installed")
def test_x3_libreoffice_shows_the_era_dates(tmp_path):
    """X3: what a spreadsheet program actually shows for the era format, 元年 included (checked where LibreOffice is
    installed; Excel reads the same number format)."""
    days = [
        datetime.date(2026, 11, 26),
        datetime.date(2019, 5, 1),
        datetime.date(2019, 12, 31),
        datetime.date(2019, 4, 30),
        datetime.date(1989, 1, 7),
        datetime.date(1989, 1, 8),
        datetime.date(1926, 12, 25),
    ]
    (tmp_path / "dates.xlsx").write_bytes(workbook_of([[d] for d in days]))
    subprocess.run(
        [
            "libreoffice",
            "--headless",
            # CSV in UTF-8 (76), cells as shown (the 9th option), not their values
            "--convert-to",
            "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,true",
            "--outdir",
            str(tmp_path),
            str(tmp_path / "dates.xlsx"),
        ],
        env={**os.environ, "HOME": str(tmp_path)},
        capture_output=True,
        timeout=120,
        check=True,
    )
    shown = (tmp_path / "dates.csv").read_text(encoding="utf-8").split()
    assert shown == [
        "令和8年11月26日",
        "令和元年5月1日",
        "令和元年12月31日",
        "平成31年4月30日",
        "昭和64年1月7日",
        "平成元年1月8日",
        "昭和元年12月25日",
    ]
