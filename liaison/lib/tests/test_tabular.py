"""Reading uploaded CSV and Excel files (issue 11): encodings, bad files refused with a message, never a crash."""

import codecs
import datetime
import io
import zipfile

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from liaison.lib.tabular import (
    HEADER_ALIASES,
    XLSX_MAX_UNCOMPRESSED,
    Column,
    Table,
    TableError,
    match_headers,
    read_table,
    template_csv,
    template_xlsx,
)

CSV_TEXT = "氏名,ふりがな,電話番号\r\n髙橋 一郎,たかはし いちろう,090-1234-5678\r\n㈱①商店 店主,ｼｮｳﾃﾝ,03-1234-5678\r\n"


def workbook_bytes(rows, *, title="名簿", extra=None) -> bytes:
    """A real .xlsx as openpyxl writes it, with ``rows`` from A1; ``extra(ws)`` may change the sheet first."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = title
    for row in rows:
        sheet.append(row)
    if extra:
        extra(sheet)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def refused(data, filename="a.csv", **limits) -> str:
    with pytest.raises(TableError) as caught:
        read_table(data, filename, **limits)
    return str(caught.value)


# --- Encodings ----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        (CSV_TEXT.encode("utf-8"), "utf-8"),
        (codecs.BOM_UTF8 + CSV_TEXT.encode("utf-8"), "utf-8-sig"),
        (CSV_TEXT.encode("cp932"), "cp932"),
        (CSV_TEXT.replace(",", "\t").encode("utf-16"), "utf-16"),  # Excel's "Unicode text", with its BOM
    ],
)
def test_each_encoding_reads_the_same_table(data, encoding):
    """Issue 11: UTF-8 with or without BOM and CP932 are detected; 髙 ① ㈱ survive (plain Shift_JIS loses them)."""
    table = read_table(data, "members.csv" if encoding != "utf-16" else "members.txt")
    assert table == Table(
        headers=["氏名", "ふりがな", "電話番号"],
        rows=[["髙橋 一郎", "たかはし いちろう", "090-1234-5678"], ["㈱①商店 店主", "ｼｮｳﾃﾝ", "03-1234-5678"]],
        row_numbers=[2, 3],
        encoding=encoding,
    )


def test_the_bom_is_not_part_of_the_first_header():
    table = read_table(codecs.BOM_UTF8 + "姓,名\n山田,太郎\n".encode(), "a.csv")
    assert table.headers == ["姓", "名"]


@pytest.mark.parametrize(
    "data",
    [
        pytest.param("氏名,住所\n山田太郎,宮城県仙台市\n".encode("euc_jp"), id="euc-jp"),
        pytest.param("氏名,住所\n山田太郎,宮城県仙台市\n".encode("utf-16-le"), id="utf-16-without-bom"),
        pytest.param(bytes(range(256)) * 4, id="random-bytes"),
    ],
)
def test_text_in_neither_utf8_nor_cp932_is_refused(data):
    """Issue 11: a wrong encoding gets a clear message, not mojibake and not a server error."""
    message = refused(data)
    assert "UTF-8" in message and "CP932" in message


def test_nul_bytes_are_refused_naming_the_line():
    message = refused("氏名\n山田\n田\x00中\n".encode())
    assert "3行目" in message and "制御文字" in message


@pytest.mark.parametrize(
    ("data", "filename"),
    [
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n", "members.csv"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "members.csv"),
    ],
)
def test_a_pdf_or_image_is_refused(data, filename):
    assert "CSV ファイルではありません" in refused(data, filename)


def test_an_old_excel_file_is_refused_with_how_to_save_it():
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504)
    assert refused(ole, "members.xls") == "Excel 97-2003 形式（.xls）は読めません。.xlsx で保存し直してください。"
    assert "パスワード" in refused(ole, "members.xlsx")  # an encrypted .xlsx is an OLE file too


def test_other_kinds_of_file_are_refused():
    assert ".xlsx" in refused(b"a,b\n1,2\n", "members.docx")
    assert ".xlsx" in refused(b"a,b\n1,2\n", "members.xlsx")  # text named .xlsx: not a workbook


# --- Empty, header only, limits -------------------------------------------------------------------------------------


@pytest.mark.parametrize("data", [b"", b"   \r\n\r\n", codecs.BOM_UTF8, b",,,\r\n,,\r\n"])
def test_an_empty_file_is_refused(data):
    assert "空" in refused(data)


def test_a_file_with_only_a_header_is_refused():
    assert "データの行がありません" in refused("氏名,電話\r\n,\r\n".encode())


def test_a_file_without_a_header_row_is_refused():
    """Issue 11: data from the first row (numbers and dates only) is not taken for the header."""
    assert "1行目に見出しがありません" in refused(b"090-1234-5678,1980/4/1\n0312345678,1990/1/2\n")
    data = workbook_bytes([[None], [datetime.date(1980, 4, 1), 12], [datetime.date(1990, 1, 2), 3]])
    assert "2行目に見出しがありません" in refused(data, "a.xlsx")


def test_the_size_limit_is_said_in_mb():
    """Issue 11: a file over the size limit is refused before it is read, saying the limit."""
    data = b"a,b\n" + b"x,y\n" * 1000
    assert len(read_table(data, "a.csv", max_bytes=len(data)).rows) == 1000
    assert "上限 1.5 MB" in refused(b"a,b\n" * 400_000, max_bytes=1536 * 1024)
    assert "上限 2 KB" in refused(data, max_bytes=2048)
    assert "上限 5 MB" in refused(b"x" * (5 * 1024 * 1024 + 1))


def test_the_row_limit_counts_data_rows():
    data = "氏名\n" + "".join(f"人{n}\n" for n in range(3))
    assert len(read_table(data.encode(), "a.csv", max_rows=3).rows) == 3
    assert "上限 2 行" in refused(data.encode(), max_rows=2)
    assert "上限 2 行" in refused(workbook_bytes([["氏名"], ["a"], ["b"], ["c"]]), "a.xlsx", max_rows=2)


def test_more_than_100_columns_are_refused():
    header = ",".join(f"h{n}" for n in range(101))
    assert "列が多すぎます" in refused(f"{header}\n{header}\n".encode())


# --- CSV shapes -----------------------------------------------------------------------------------------------------


def test_blank_rows_are_dropped_and_rows_keep_their_number_in_the_file():
    data = '\r\n氏名,備考\r\n山田,"二行の\r\n備考"\r\n,\r\n 田中 , \r\n'.encode()
    table = read_table(data, "a.csv")
    assert table.headers == ["氏名", "備考"]
    assert table.rows == [["山田", "二行の\r\n備考"], ["田中", ""]]
    assert table.row_numbers == [3, 5]  # a quoted line break is inside one row, as Excel shows it


def test_ragged_rows_are_padded_and_long_rows_reported():
    table = read_table("氏名,電話,住所\n山田\n田中,03,仙台,余分\n".encode(), "a.csv")
    assert table.headers == ["氏名", "電話", "住所", ""]
    assert table.rows == [["山田", "", "", ""], ["田中", "03", "仙台", "余分"]]
    assert table.long_rows == (3,)


def test_trailing_empty_cells_do_not_make_a_row_long():
    table = read_table("氏名,電話\n山田,03,,,\n".encode(), "a.csv")
    assert table.rows == [["山田", "03"]] and table.long_rows == ()


def test_tabs_are_sniffed():
    table = read_table("氏名\t住所\n山田\t仙台市, 青葉区\n".encode(), "a.txt")
    assert table.rows == [["山田", "仙台市, 青葉区"]]


def test_a_quote_left_open_is_refused_naming_the_line():
    """Issue 11: a quote left open must not swallow the rest of the file nor crash."""
    message = refused('氏名,備考\n山田,ok\n田中,"閉じていない\n鈴木,x\n'.encode())
    assert "3行目" in message and "引用符" in message


# --- Excel ----------------------------------------------------------------------------------------------------------


def test_xlsx_dates_and_numbers_become_text_as_shown():
    """Issue 11: a date cell becomes YYYY-MM-DD, an integral number has no .0."""
    data = workbook_bytes(
        [
            ["氏名", "生年月日", "年齢", "郵便番号", "比率", "時刻付き"],
            ["山田", datetime.date(1980, 4, 1), 45.0, 9800811, 0.1 + 0.2, datetime.datetime(2025, 5, 20, 9, 30)],  # noqa: DTZ001 (a worksheet has no time zones)
            [None, None, None, None, None, None],
            ["  田中 ", datetime.datetime(1990, 1, 2), 7, "0600001", 1.5, True],  # noqa: DTZ001
        ]
    )
    table = read_table(data, "members.xlsx")
    assert table.encoding == "xlsx" and table.sheet == "名簿"
    assert table.rows == [
        ["山田", "1980-04-01", "45", "9800811", "0.3", "2025-05-20 09:30"],
        ["田中", "1990-01-02", "7", "0600001", "1.5", "TRUE"],
    ]
    assert table.row_numbers == [2, 4]


def test_xlsx_is_recognised_by_content_whatever_its_name():
    data = workbook_bytes([["氏名"], ["山田"]])
    assert read_table(data, "members.csv").rows == [["山田"]]


def test_only_the_first_sheet_is_read():
    def second(sheet):
        other = sheet.parent.create_sheet("別")
        other.append(["x"])
        other.append(["y"])

    assert read_table(workbook_bytes([["氏名"], ["山田"]], extra=second), "a.xlsx").sheet == "名簿"


def test_a_formula_is_refused_naming_the_cell():
    """Issue 11: formulas in Excel get a clear message naming the cell."""
    data = workbook_bytes(
        [["氏名", "年齢", "合計"], ["山田", 40, 1], ["田中", 30, 2], [None], ["計", None, "=SUM(C2:C3)"]]
    )
    message = refused(data, "a.xlsx")
    assert "C5" in message and "数式" in message


def test_text_starting_with_an_equals_sign_is_not_a_formula():
    def text_cell(sheet):
        sheet["A2"].value = "=山田"
        sheet["A2"].data_type = "s"

    assert read_table(workbook_bytes([["氏名"], ["x"]], extra=text_cell), "a.xlsx").rows == [["=山田"]]


def test_merged_cells_are_refused_naming_the_range():
    data = workbook_bytes([["氏名", "住所"], ["山田", "仙台"], ["田中", None]], extra=lambda s: s.merge_cells("B2:B3"))
    message = refused(data, "a.xlsx")
    assert "B2:B3" in message and "結合" in message


def test_an_empty_sheet_is_refused():
    assert "空" in refused(workbook_bytes([]), "a.xlsx")


def test_a_far_formatted_cell_does_not_make_the_sheet_huge():
    def far(sheet):
        sheet["XFD1048576"].number_format = "@"  # formatted, no value

    assert read_table(workbook_bytes([["氏名"], ["山田"]], extra=far), "a.xlsx").rows == [["山田"]]


def test_a_value_beyond_100_columns_is_refused():
    assert "列が多すぎます" in refused(
        workbook_bytes([["氏名"], ["山田"]], extra=lambda s: s.cell(2, 101, "x")), "a.xlsx"
    )


@pytest.mark.parametrize("cut", [10, 100, 1000, -100, -22])
def test_a_truncated_workbook_is_refused(cut):
    data = workbook_bytes([["氏名"], ["山田"]])
    assert "壊れて" in refused(data[:cut], "a.xlsx")


def _rezip(data: bytes, replace: dict[str, bytes]) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            target.writestr(info.filename, replace.get(info.filename, source.read(info)))
    return out.getvalue()


def test_a_zip_bomb_is_refused_before_it_is_inflated():
    """Issue 11: the uncompressed size of the parts is checked before openpyxl loads them."""
    bomb = b"<x>" + b" " * (XLSX_MAX_UNCOMPRESSED + 1) + b"</x>"
    data = _rezip(workbook_bytes([["氏名"], ["山田"]]), {"xl/worksheets/sheet1.xml": bomb})
    assert len(data) < 200_000
    assert "大きすぎます" in refused(data, "a.xlsx")


def test_too_many_cells_are_refused_before_loading():
    cells = "".join(f'<c r="A{n}" s="0"/>' for n in range(1, 700))
    sheet = (
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
        f'<row r="1">{cells}</row></sheetData></worksheet>'
    ).encode()
    data = _rezip(workbook_bytes([["氏名"], ["山田"]]), {"xl/worksheets/sheet1.xml": sheet})
    assert "セルが多すぎます" in refused(data, "a.xlsx", max_rows=10)


def test_xml_with_a_dtd_is_refused():
    """Entity expansion (billion laughs) needs a DTD, which Excel never writes: a part with one is refused."""
    original = workbook_bytes([["氏名"], ["山田"]])
    sheet = zipfile.ZipFile(io.BytesIO(original)).read("xl/worksheets/sheet1.xml")
    declaration, _, body = sheet.partition(b"?>")
    with_dtd = declaration + b'?><!DOCTYPE worksheet [<!ENTITY a "aaaa">]>' + body
    assert read_table(_rezip(original, {"xl/worksheets/sheet1.xml": sheet}), "a.xlsx").rows == [["山田"]]
    assert "壊れて" in refused(_rezip(original, {"xl/worksheets/sheet1.xml": with_dtd}), "a.xlsx")


# --- Headers --------------------------------------------------------------------------------------------------------

PERSON_COLUMNS = [
    Column(key, header, HEADER_ALIASES[key])
    for key, header in [
        ("full_name", "氏名"),
        ("family_name", "姓"),
        ("given_name", "名"),
        ("full_reading", "ふりがな"),
        ("family_kana", "セイ"),
        ("given_kana", "メイ"),
        ("birth_date", "生年月日"),
        ("phone", "電話番号"),
        ("postal_code", "郵便番号"),
        ("address", "住所"),
        ("prefecture", "都道府県"),
        ("city", "市区町村"),
        ("town", "町域"),
        ("street", "番地"),
    ]
]


@pytest.mark.parametrize(
    ("header", "key"),
    [
        ("氏名", "full_name"),
        ("姓・名", "full_name"),
        ("姓", "family_name"),
        ("名", "given_name"),
        ("ふりがな", "full_reading"),
        ("フリガナ", "full_reading"),
        ("ﾌﾘｶﾞﾅ", "full_reading"),
        ("カナ", "full_reading"),
        ("よみがな", "full_reading"),
        ("読み", "full_reading"),
        ("セイ", "family_kana"),
        ("メイ", "given_kana"),
        ("生年月日", "birth_date"),
        ("誕生日", "birth_date"),
        ("電話", "phone"),
        ("電話番号", "phone"),
        ("TEL", "phone"),
        ("Tel", "phone"),
        ("ＴＥＬ", "phone"),
        ("連絡先", "phone"),
        ("郵便番号", "postal_code"),
        ("〒", "postal_code"),
        ("郵便", "postal_code"),
        ("住所", "address"),
        ("都道府県", "prefecture"),
        ("市区町村", "city"),
        ("町域", "town"),
        ("番地", "street"),
        (" 氏　名 ", "full_name"),
        ("氏名※", "full_name"),
        ("氏名*", "full_name"),
        ("氏名（必須）", "full_name"),
        ("生年月日 ※（必須）", "birth_date"),
        ("postal_code", "postal_code"),
    ],
)
def test_each_header_variant_is_recognised(header, key):
    """Issue 11: common header variants are recognised (normalised: NFKC, spaces, case, ※/*/（必須））."""
    assert match_headers(["備考", header], PERSON_COLUMNS) == {1: key}


def test_unknown_headers_are_left_and_each_key_is_taken_once():
    assert match_headers(["電話", "携帯", "TEL", ""], PERSON_COLUMNS) == {0: "phone"}


# --- Templates ------------------------------------------------------------------------------------------------------

TEMPLATE_COLUMNS = [
    Column("family_name", "姓", ("苗字",), required=True, help="漢字で"),
    Column("given_name", "名", required=True),
    Column("phone", "電話番号", help="ハイフンは省略できます"),
]


def test_the_xlsx_template_filled_in_reads_back_with_exactly_its_headers():
    template = template_xlsx("委員名簿", TEMPLATE_COLUMNS, [["山田", "太郎", "090-1234-5678"]])
    assert "データの行がありません" in refused(template, "t.xlsx")  # the examples are not on the first sheet
    workbook = openpyxl.load_workbook(io.BytesIO(template))
    sheet = workbook.worksheets[0]
    assert sheet.column_dimensions["C"].number_format == "@"  # a phone typed later keeps its leading 0
    assert [row[0] for row in workbook.worksheets[1].iter_rows(values_only=True)][3:6] == ["姓", "名", "電話番号"]
    sheet.append(["髙橋", "一郎", "09012345678"])
    out = io.BytesIO()
    workbook.save(out)
    table = read_table(out.getvalue(), "委員名簿.xlsx")
    assert table.headers == ["姓", "名", "電話番号"] and table.rows == [["髙橋", "一郎", "09012345678"]]
    assert match_headers(table.headers, TEMPLATE_COLUMNS) == {0: "family_name", 1: "given_name", 2: "phone"}


@pytest.mark.parametrize("encoding", ["utf-8-sig", "cp932"])
def test_the_csv_template_reads_back_with_exactly_its_headers(encoding):
    data = template_csv(TEMPLATE_COLUMNS, encoding) + "髙橋,一郎,\r\n".encode(encoding)
    table = read_table(data, "t.csv")
    assert table.headers == ["姓", "名", "電話番号"] and table.encoding == encoding


# --- Hypothesis: nothing but TableError ---------------------------------------------------------------------------

FILENAMES = st.sampled_from(["a.csv", "a.txt", "a.tsv", "a.xlsx", "a.xls", "a", "a.pdf", "", "..", "a.CSV"])
FUZZ = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
VALID_XLSX = workbook_bytes(
    [["氏名", "生年月日", "電話"], ["山田 太郎", datetime.date(1980, 4, 1), "090-1234-5678"], ["髙橋", 12, 1.5]]
)


def _read_or_refuse(data: bytes, filename: str) -> None:
    try:
        table = read_table(data, filename, max_bytes=100_000, max_rows=50)
    except TableError as error:
        assert str(error)
        return
    assert len(table.rows) == len(table.row_numbers) > 0
    assert all(len(row) == len(table.headers) for row in table.rows)


@FUZZ
@given(st.binary(max_size=2000), FILENAMES)
def test_arbitrary_bytes_raise_nothing_but_table_error(data, filename):
    """Issue 11: hypothesis-generated broken files never produce a server error."""
    _read_or_refuse(data, filename)


@FUZZ
@given(
    st.lists(st.lists(st.text(alphabet='",\t\r\n "髙①a=', max_size=6), max_size=5), max_size=8),
    st.sampled_from(["utf-8", "utf-8-sig", "cp932"]),
    st.data(),
)
def test_mutated_csv_raises_nothing_but_table_error(rows, encoding, data):
    text = "\r\n".join(",".join(row) for row in rows)
    raw = bytearray(text.encode(encoding))
    for _ in range(data.draw(st.integers(0, 3))):
        if raw:
            raw[data.draw(st.integers(0, len(raw) - 1))] = data.draw(st.integers(0, 255))
    _read_or_refuse(bytes(raw), data.draw(FILENAMES))


@FUZZ
@given(st.data())
def test_mutated_xlsx_raises_nothing_but_table_error(data):
    raw = bytearray(VALID_XLSX)
    for _ in range(data.draw(st.integers(1, 8))):
        raw[data.draw(st.integers(0, len(raw) - 1))] ^= data.draw(st.integers(1, 255))
    cut = data.draw(st.integers(0, len(raw)))
    _read_or_refuse(bytes(raw[:cut] if data.draw(st.booleans()) else raw), "a.xlsx")


VALID_PARTS = {
    name: zipfile.ZipFile(io.BytesIO(VALID_XLSX)).read(name)
    for name in zipfile.ZipFile(io.BytesIO(VALID_XLSX)).namelist()
}


@FUZZ
@given(st.sampled_from(sorted(VALID_PARTS)), st.data())
def test_a_workbook_with_mutated_xml_raises_nothing_but_table_error(name, data):
    """The zip is sound, so openpyxl itself meets the damaged XML (bad tags, bad numbers, bad references)."""
    part = bytearray(VALID_PARTS[name])
    for _ in range(data.draw(st.integers(1, 6))):
        position = data.draw(st.integers(0, len(part) - 1))
        part[position] = data.draw(st.sampled_from(b'<>/="0 9aZ-\xe3'))
    if data.draw(st.booleans()):
        part = part[: data.draw(st.integers(0, len(part)))]
    _read_or_refuse(_rezip(VALID_XLSX, {name: bytes(part)}), "a.xlsx")
