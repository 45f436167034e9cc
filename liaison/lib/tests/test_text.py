"""Text that cannot be stored: control characters, NUL, bytes that are not UTF-8."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from liaison.lib.text import find_control_character, form_encoded_is_readable, is_readable


@pytest.mark.parametrize("text", ["山田 太郎", "髙橋\t花子", "一行目\r\n二行目", "😀", "\u202e", "", "ｱｲｳ"])
def test_ordinary_text_has_no_control_character(text):
    assert find_control_character(text) is None


@pytest.mark.parametrize("char", ["\x00", "\x01", "\x07", "\x0b", "\x0c", "\x1b", "\x7f", "\x85", "\x9f"])
def test_control_characters_are_found(char):
    assert find_control_character(f"山{char}田") == char


@pytest.mark.parametrize(
    "raw", [b"", b"q=", b"q=%E5%B1%B1%E7%94%B0", b"q=a+b&page=2", b"ids=1&ids=2", b"a", b"=x", b"q=%E5%B1%B1&&x=1"]
)
def test_readable_form_data(raw):
    assert form_encoded_is_readable(raw)


@pytest.mark.parametrize(
    "raw",
    [
        b"q=%00",
        b"q=a%00b",
        b"%00=1",
        b"q=%FF",
        b"q=%E5%B1",  # truncated character
        b"q=%ED%A0%80",  # an encoded surrogate is not UTF-8
        b"q=\xff",  # a raw byte that is not UTF-8
        b"name=%C0%AF",  # overlong encoding
    ],
)
def test_unreadable_form_data(raw):
    """X3: NUL and invalid UTF-8 are found in the bytes, before a decoder turns them into U+FFFD."""
    assert not form_encoded_is_readable(raw)


def test_decoded_text_with_replacement_characters_is_not_readable():
    assert is_readable("山田")
    assert not is_readable("\ufffd\ufffd")
    assert not is_readable("a\x00")


@given(st.text())
def test_any_text_sent_as_utf8_is_readable_unless_it_holds_nul(text):
    from urllib.parse import quote_plus

    raw = f"q={quote_plus(text)}".encode()
    assert form_encoded_is_readable(raw) == ("\x00" not in text)
