import pytest
from hypothesis import given
from hypothesis import strategies as st

from liaison.lib.phone import PHONE_ERROR, format_phone, phone_digits


@pytest.mark.parametrize(
    ("text", "digits"),
    [
        ("090-1234-5678", "09012345678"),
        ("09012345678", "09012345678"),
        ("０９０－１２３４－５６７８", "09012345678"),  # full-width digits and hyphens
        ("０９０ー１２３４ー５６７８", "09012345678"),  # long vowel mark typed for a hyphen
        ("090‐1234‐5678", "09012345678"),  # U+2010
        ("090−1234−5678", "09012345678"),  # U+2212 minus
        ("03-1234-5678", "0312345678"),
        ("(03) 1234-5678", "0312345678"),
        ("03（1234）5678", "0312345678"),  # full-width brackets
        ("０３　１２３４　５６７８", "0312345678"),  # full-width spaces
        ("022.123.4567", "0221234567"),
        ("0120-123-456", "0120123456"),
        ("+81 90-1234-5678", "09012345678"),
        ("+81-3-1234-5678", "0312345678"),
        ("+81 (0)3 1234 5678", "0312345678"),
        ("  090 1234 5678  ", "09012345678"),
    ],
)
def test_phone_digits(text, digits):
    assert phone_digits(text) == digits


@pytest.mark.parametrize(
    "text",
    [
        "",
        "abc",
        "03-1234-567",  # 9 digits
        "090-1234-56789",  # 12 digits
        "1234567890",  # does not start with 0
        "090-1234-5678 内線12",
        "090/1234/5678",
        "０９０１２３４５６７８９",
        "+1 415 555 0100",
        "٠٩٠١٢٣٤٥٦٧٨",  # Arabic-Indic digits are digits to str.isdigit, not to us
    ],
)
def test_phone_digits_rejects(text):
    with pytest.raises(ValueError) as excinfo:
        phone_digits(text)
    assert str(excinfo.value) == PHONE_ERROR
    assert "電話番号" in PHONE_ERROR


def test_phone_digits_needs_a_string():
    with pytest.raises(ValueError):
        phone_digits(9012345678)


@pytest.mark.parametrize(
    ("digits", "shown"),
    [
        ("09012345678", "090-1234-5678"),
        ("08012345678", "080-1234-5678"),
        ("07012345678", "070-1234-5678"),
        ("05012345678", "050-1234-5678"),
        ("0312345678", "03-1234-5678"),
        ("0612345678", "06-1234-5678"),
        ("0221234567", "022-123-4567"),
        ("0451234567", "045-123-4567"),
        ("0120123456", "0120-123-456"),
        ("0570123456", "0570-123-456"),
        ("08001234567", "0800-123-4567"),
        ("０９０１２３４５６７８", "090-1234-5678"),
        ("090-1234-5678", "090-1234-5678"),
    ],
)
def test_format_phone(digits, shown):
    assert format_phone(digits) == shown


@pytest.mark.parametrize(("value", "shown"), [(None, ""), ("", ""), ("内線123", "内線123"), ("110", "110")])
def test_format_phone_leaves_non_numbers_alone(value, shown):
    assert format_phone(value) == shown


phone_numbers = st.from_regex(r"\A0[0-9]{9,10}\Z")


@given(phone_numbers)
def test_format_then_parse_round_trip(digits):
    shown = format_phone(digits)
    assert shown.replace("-", "") == digits
    assert shown.count("-") == 2
    assert phone_digits(shown) == digits


@given(phone_numbers)
def test_full_width_input(digits):
    full_width = digits.translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    assert phone_digits(full_width) == digits
