"""Japanese phone numbers: typed any way, stored as digits, shown grouped by their real area code."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from liaison.lib.phone import PHONE_ERROR, PHONE_NOT_IN_USE_ERROR, format_phone, phone_digits


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
        ("０４６７（１２）３４５６", "0467123456"),
        ("04992－2－1234", "0499221234"),
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


@pytest.mark.parametrize(
    "text",
    [
        "090-1234-567",  # a mobile number one digit short: 10 digits, but no such number
        "0901234567",
        "080-123-4567",
        "00-1234-5678",  # no area code starts 00
        "0001234567",
        "090-0000-0001",  # 090-0 is not given out
    ],
)
def test_a_number_that_japan_does_not_use_is_refused_in_japanese(text):
    """X3: the right number of digits is not enough: the number must exist in Japan's numbering plan."""
    with pytest.raises(ValueError) as excinfo:
        phone_digits(text)
    assert str(excinfo.value) == PHONE_NOT_IN_USE_ERROR
    assert "日本で使われている電話番号ではありません" in PHONE_NOT_IN_USE_ERROR


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
        # 4- and 5-digit area codes (Kamakura, Marugame, Shiroishi, Izu Ōshima): a grouping by rule of thumb
        # showed them as 046-712-3456, 087-722-1234, 022-453-1234 and 049-922-1234.
        ("0467123456", "0467-12-3456"),
        ("0877221234", "0877-22-1234"),
        ("0224531234", "0224-53-1234"),
        ("0499221234", "04992-2-1234"),
        ("0225123456", "0225-12-3456"),  # Ishinomaki
        ("0229123456", "0229-12-3456"),  # Ōsaki
        ("0120123456", "0120-123-456"),
        ("0570123456", "0570-123-456"),
        ("08001234567", "0800-123-4567"),
        ("0570123456", "0570-123-456"),
        ("0990123456", "0990-123-456"),
        ("０９０１２３４５６７８", "090-1234-5678"),
        ("090-1234-5678", "090-1234-5678"),
        ("046-712-3456", "0467-12-3456"),  # typed with the wrong grouping, shown with the right one
    ],
)
def test_format_phone(digits, shown):
    """X3: numbers are shown as Japanese offices write them, grouped after the real area code."""
    assert format_phone(digits) == shown


@pytest.mark.parametrize(
    ("value", "shown"),
    [(None, ""), ("", ""), ("内線123", "内線123"), ("110", "110"), ("0001234567", "0001234567")],
)
def test_format_phone_leaves_non_numbers_alone(value, shown):
    """A stored value that is not a Japanese number is shown as it is, never grouped wrongly or raised on."""
    assert format_phone(value) == shown


phone_numbers = st.from_regex(r"\A0[0-9]{9,10}\Z")


@given(phone_numbers)
def test_every_number_is_either_refused_or_shown_and_read_back(digits):
    """Whatever ten or eleven digits are typed: a clear refusal, or a grouping that reads back to the same digits."""
    try:
        stored = phone_digits(digits)
    except ValueError as error:
        assert str(error) == PHONE_NOT_IN_USE_ERROR
        assert format_phone(digits) == digits
        return
    shown = format_phone(stored)
    assert stored == digits
    assert shown.replace("-", "") == digits
    assert shown.count("-") == 2 and "" not in shown.split("-")
    assert phone_digits(shown) == digits


@given(phone_numbers)
def test_full_width_input_reads_as_the_ascii_digits(digits):
    full_width = digits.translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    try:
        assert phone_digits(full_width) == phone_digits(digits)
    except ValueError:
        with pytest.raises(ValueError):
            phone_digits(digits)


def test_digits_the_numbering_plan_reads_otherwise_are_refused_not_stored_ungrouped():
    """Found by the property above: "00066000000" was accepted and then shown without hyphens, because the library
    reads it as 0066-000-000 (one zero fewer). Digits that do not read back as typed are not a number in use."""
    with pytest.raises(ValueError) as refused:
        phone_digits("00066000000")
    assert str(refused.value) == PHONE_NOT_IN_USE_ERROR
    assert format_phone("00066000000") == "00066000000"
    assert phone_digits("0066-000-000") == "0066000000"
