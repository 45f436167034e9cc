import codecs
import csv
import io

import pytest
from hypothesis import given
from hypothesis import strategies as st

from liaison.lib.csvio import DECODE_ERROR, decode_csv_bytes, encode_csv

TRICKY = "髙橋,①,㈱警察,﨑,神,〜"  # NEC/IBM extension characters that plain shift_jis cannot handle


def test_shift_jis_really_fails_on_these_characters():
    """X3: the reason cp932 is used: shift_jis cannot encode 髙 ① ㈱."""
    for ch in "髙①㈱":
        with pytest.raises(UnicodeEncodeError):
            ch.encode("shift_jis")
        ch.encode("cp932")


def test_decode_cp932():
    """X3: a CSV saved by Excel in CP932 decodes with 髙 ① ㈱ intact."""
    text = "氏名,備考\r\n髙橋,①㈱\r\n"
    assert decode_csv_bytes(text.encode("cp932")) == text


def test_decode_cp932_extension_characters():
    """X3: all the NEC/IBM extension characters round-trip through cp932."""
    data = TRICKY.replace("〜", "").encode("cp932")
    assert decode_csv_bytes(data) == TRICKY.replace("〜", "")


def test_decode_utf8_with_bom():
    """X3: a UTF-8 BOM is stripped."""
    text = "氏名,読み\r\n髙橋,タカハシ\r\n"
    decoded = decode_csv_bytes(codecs.BOM_UTF8 + text.encode("utf-8"))
    assert decoded == text
    assert not decoded.startswith("\ufeff")


def test_decode_utf8_without_bom():
    text = "氏名\n\ufa19田\n"
    assert decode_csv_bytes(text.encode("utf-8")) == text


def test_decode_utf16_with_bom():
    text = "氏名\t読み\r\n髙橋\tタカハシ\r\n"
    assert decode_csv_bytes(text.encode("utf-16")) == text


def test_decode_plain_ascii():
    assert decode_csv_bytes(b"a,b\r\n1,2\r\n") == "a,b\r\n1,2\r\n"
    assert decode_csv_bytes(b"") == ""


@pytest.mark.parametrize(
    "data",
    [
        b"\x81",  # a lone CP932 lead byte
        "髙".encode("cp932") + b"\xff\x81",
        codecs.BOM_UTF8 + "あ".encode("cp932"),  # BOM says UTF-8, body is not
        codecs.BOM_UTF16_BE + b"\x30",  # odd length
    ],
)
def test_decode_garbage(data):
    with pytest.raises(ValueError) as excinfo:
        decode_csv_bytes(data)
    assert str(excinfo.value) == DECODE_ERROR


def _read(data: bytes, encoding: str):
    return list(csv.reader(io.StringIO(data.decode(encoding), newline="")))


def test_encode_utf8_sig_default():
    """X3: the default export is UTF-8 with a BOM, CRLF line ends, so Excel opens Japanese correctly."""
    data = encode_csv([["氏名", "読み"], ["髙橋", "タカハシ"]])
    assert data.startswith(codecs.BOM_UTF8)
    assert data == codecs.BOM_UTF8 + "氏名,読み\r\n髙橋,タカハシ\r\n".encode()


def test_encode_cp932():
    """X3: a CP932 export keeps 髙 ① ㈱ and decodes back."""
    rows = [["氏名", "備考"], ["髙橋", "①㈱"], ["\ufa11", "〜"]]
    data = encode_csv(rows, encoding="cp932")
    assert not data.startswith(codecs.BOM_UTF8)
    assert "髙橋".encode("cp932") in data
    assert decode_csv_bytes(data) == "氏名,備考\r\n髙橋,①㈱\r\n\ufa11,～\r\n"  # CP932 reads 〜 back as ～ (U+FF5E)


@pytest.mark.parametrize("alias", ["shift_jis", "SJIS", "ms932", "Windows-31J", "CP932"])
def test_shift_jis_means_cp932(alias):
    """X3: asking for shift_jis still writes cp932, so 髙 does not fail."""
    assert encode_csv([["髙"]], encoding=alias) == "髙\r\n".encode("cp932")


def test_encode_cp932_em_dash_becomes_horizontal_bar():
    assert encode_csv([["A—B"]], encoding="cp932").decode("cp932") == "A―B\r\n"


@pytest.mark.parametrize("text", ["😀", "𠮷野家", "한국"])
def test_encode_cp932_unrepresentable(text):
    with pytest.raises(ValueError, match="CP932"):
        encode_csv([[text]], encoding="cp932")


def test_encode_unknown_encoding():
    with pytest.raises(ValueError, match="utf-8-sig または cp932"):
        encode_csv([["a"]], encoding="latin-1")


def test_encode_quoting_and_types():
    data = encode_csv([["a,b", 'say "hi"', "two\nlines", None, 12, 3.5]], encoding="utf-8")
    assert data.decode() == '"a,b","say ""hi""","two\nlines",,12,3.5\r\n'
    assert _read(data, "utf-8") == [["a,b", 'say "hi"', "two\nlines", "", "12", "3.5"]]


@pytest.mark.parametrize(
    "cell", ["=1+1", "+81", "-5", "@SUM(A1)", "\tx", "\r=1", '=HYPERLINK("http://x")', "＝1+1", "＠SUM(A1)"]
)
def test_formulas_are_escaped(cell):
    """X3: CSV export neutralises a leading formula sign the way OWASP recommends, like the Excel writer."""
    rows = _read(encode_csv([[cell]], encoding="utf-8"), "utf-8")
    assert rows == [["'" + cell]]


def test_formulas_are_escaped_in_values_that_are_not_str():
    """X3: a translated label or any other object is written as its text, and neutralised like text."""
    from django.utils.translation import gettext_lazy

    assert _read(encode_csv([[gettext_lazy("=1+1"), 2.5]], encoding="utf-8"), "utf-8") == [["'=1+1", "2.5"]]


def test_formula_escape_can_be_turned_off():
    assert _read(encode_csv([["=1+1"]], encoding="utf-8", escape_formulas=False), "utf-8") == [["=1+1"]]
    assert _read(encode_csv([[-5]], encoding="utf-8"), "utf-8") == [["-5"]]  # numbers are not escaped


cells = st.text(
    alphabet=st.characters(codec="cp932", exclude_characters="\x00\r〜‖−¢£¬").filter(
        lambda c: c not in "=+-@\t＝＋－＠"
    ),
    max_size=12,
)


@given(
    st.lists(st.lists(cells, min_size=1, max_size=5), min_size=1, max_size=5), st.sampled_from(["utf-8-sig", "cp932"])
)
def test_round_trip(rows, encoding):
    """X3: what we export decodes and parses back to the same rows, in both encodings."""
    data = encode_csv(rows, encoding=encoding)
    assert list(csv.reader(io.StringIO(decode_csv_bytes(data), newline=""))) == rows
