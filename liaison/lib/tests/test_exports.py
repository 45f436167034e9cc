"""The list-to-file helper (X3: Excel and CSV out): text stays text, nothing becomes a formula, A4 with the header
on every page; CSV in UTF-8 with BOM and CRLF or CP932, a character CP932 cannot hold named, never replaced."""

import codecs
import datetime
import io
import tracemalloc
import zipfile
from types import SimpleNamespace

import pytest
from openpyxl import load_workbook

from liaison.lib.exports import (
    CHUNK,
    SPOOL,
    Column,
    Table,
    Unencodable,
    in_chunks,
    row_count,
    write_csv,
    write_file,
    write_xlsx,
)

TABLE = Table(
    "名簿",
    [
        Column("氏名", 16, lambda r: r.name, personal=True),
        Column("郵便番号", 10, lambda r: r.postal, personal=True),
        Column("電話番号", 16, lambda r: r.phone, personal=True),
        Column("年齢", 6, lambda r: r.age),
        Column("委嘱日", 16, lambda r: r.on),
    ],
)


def row(name="山田太郎", postal="060-0001", phone="0120123456", age=42, on=datetime.date(2026, 4, 1)):
    return SimpleNamespace(name=name, postal=postal, phone=phone, age=age, on=on)


def xlsx(rows):
    out = io.BytesIO()
    count = write_xlsx(TABLE, rows, out)
    return load_workbook(io.BytesIO(out.getvalue())), count, out.getvalue()


def test_xlsx_keeps_postal_codes_and_phones_as_text_and_no_formula():
    """X3: the header row, a postal code and a phone in the Text format, ``=1+2`` stays text; numbers and dates
    stay numbers and dates."""
    workbook, count, content = xlsx([row(), row(name="=1+2")])
    ws = workbook.active
    assert count == 2
    assert ws.title == "名簿"
    assert [c.value for c in ws[1]] == ["氏名", "郵便番号", "電話番号", "年齢", "委嘱日"]
    assert ws["B2"].value == "060-0001" and ws["B2"].number_format == "@" and ws["B2"].data_type == "s"
    assert ws["C2"].value == "0120123456" and ws["C2"].number_format == "@"
    assert ws["A3"].value == "'=1+2" and ws["A3"].data_type == "s"
    assert ws["D2"].value == 42
    assert ws["E2"].value.date() == datetime.date(2026, 4, 1)
    assert "ggge" in ws["E2"].number_format  # the era date format of xlsxio
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        sheet_xml = archive.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet_xml and "<f " not in sheet_xml


def test_xlsx_prints_on_a4_with_the_header_on_every_page():
    """X3: A4, fitted to the width, header row repeated on print, frozen, filter buttons over every row."""
    workbook, _count, _content = xlsx([row() for _ in range(3)])
    ws = workbook.active
    assert str(ws.page_setup.paperSize) == ws.PAPERSIZE_A4
    assert ws.page_setup.orientation == "landscape"
    assert ws.sheet_properties.pageSetUpPr.fitToPage
    assert ws.page_setup.fitToWidth == 1 and ws.page_setup.fitToHeight == 0
    assert ws.print_title_rows == "$1:$1"
    assert ws.freeze_panes == "A2"
    assert ws.auto_filter.ref == "A1:E4"
    assert ws.column_dimensions["A"].width == 16
    assert ws["A1"].font.bold


def test_csv_is_utf8_with_bom_and_crlf_by_default():
    """X3: UTF-8 with BOM, rows end with CRLF, a formula-like text neutralised."""
    out = io.BytesIO()
    assert write_csv(TABLE, [row(name="=1+2"), row(name="𠮷田")], out) == 2
    data = out.getvalue()
    assert data.startswith(codecs.BOM_UTF8)
    assert data.count(codecs.BOM_UTF8) == 1
    lines = data[3:].decode("utf-8").split("\r\n")
    assert lines[0] == "氏名,郵便番号,電話番号,年齢,委嘱日"
    assert lines[1] == "'=1+2,060-0001,0120123456,42,2026-04-01"
    assert lines[2].startswith("𠮷田,")
    assert lines[3] == ""
    assert b"\n" not in data.replace(b"\r\n", b"")


def test_csv_cp932_round_trip_of_nec_and_ibm_extensions():
    """X3: CP932 on request holds 髙, ① and ㈱ (which plain Shift_JIS cannot)."""
    out = io.BytesIO()
    write_csv(TABLE, [row(name="髙橋①㈱")], out, "cp932")
    data = out.getvalue()
    assert not data.startswith(codecs.BOM_UTF8)
    assert data.decode("cp932").split("\r\n")[1].startswith("髙橋①㈱,060-0001,")


@pytest.mark.parametrize(("name", "char", "code"), [("𠮷田", "𠮷", "U+20BB7"), ("山田😀", "😀", "U+1F600")])
def test_csv_cp932_names_a_character_it_cannot_hold(name, char, code):
    """X3: a character outside CP932 is named (character, U+ code, row, column); never replaced, no file."""
    with pytest.raises(Unencodable) as caught:
        write_file(TABLE, [row(), row(), row(name=name)], "csv", "cp932")
    message = str(caught.value)
    assert char in message and code in message
    assert "4行目" in message and "「氏名」" in message  # header is row 1: the third row is row 4
    assert caught.value.row == 4 and caught.value.column == "氏名" and caught.value.char == char


def test_write_file_returns_a_rewound_file_and_the_count():
    file, count = write_file(TABLE, iter([row(), row()]), "csv")
    assert count == 2
    assert file.read().startswith(codecs.BOM_UTF8)
    file.close()


def _export_peak(rows: int, fmt: str) -> int:
    many = (row(name=f"山田{i}", phone=f"0120{i:06d}") for i in range(rows))
    tracemalloc.start()
    try:
        file, count = write_file(TABLE, many, fmt)
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    file.close()
    assert count == rows
    return peak


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_memory_stays_flat_as_the_list_grows(fmt):
    """Large exports stream: the peak memory of 15,000 rows exceeds that of 1,500 by no more than the part of the file
    kept in memory before it spills to disk (``SPOOL``). A version that built the rows or the sheet in memory grows
    with the rows: 15,000 of these rows alone take over 4 MB, openpyxl's normal workbook over 1 KB a row."""
    small = _export_peak(1_500, fmt)
    large = _export_peak(15_000, fmt)
    assert large < small + SPOOL + 256 * 1024, (small, large)


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_issue11_write_file_reports_progress_every_chunk(fmt):
    """Issue 11: a background export hears of every CHUNK rows written, so its page shows how far it is."""
    seen = []
    _file, count = write_file(TABLE, (row() for _ in range(2 * CHUNK + 3)), fmt, progress=seen.append)
    assert count == 2 * CHUNK + 3 and seen == [CHUNK, 2 * CHUNK]


@pytest.mark.django_db
def test_issue11_row_count_counts_a_list_in_one_query(django_assert_num_queries):
    """Issue 11: the export counts its rows before writing any (to decide on a background job): one query for a
    queryset, read in chunks or not; a list is counted without one; a generator cannot say."""
    from django.contrib.auth.models import User

    User.objects.bulk_create(User(username=f"u{i}") for i in range(3))
    with django_assert_num_queries(1):
        assert row_count(User.objects.all()) == 3
    with django_assert_num_queries(1):
        assert row_count(in_chunks(User.objects.all(), lambda chunk: None)) == 3
    with django_assert_num_queries(0):
        assert row_count([row(), row()]) == 2
        assert row_count(row() for _ in range(2)) is None
