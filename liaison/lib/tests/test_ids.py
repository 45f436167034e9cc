"""Ids from requests: one parser, never an OverflowError or a ValueError from int()."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from liaison.lib.ids import MAX_ID, parse_id, parse_ids


@pytest.mark.parametrize(("value", "expected"), [("1", 1), ("42", 42), (" 7 ", 7), ("007", 7), (42, 42)])
def test_parse_id_reads_ids(value, expected):
    assert parse_id(value) == expected


def test_parse_id_takes_the_largest_bigint():
    assert parse_id(str(MAX_ID)) == MAX_ID == 2**63 - 1


@pytest.mark.parametrize(
    "value",
    [
        "",
        "0",
        "-1",
        "+1",
        "1.0",
        "1e3",
        "abc",
        "²",  # str.isdigit() is true, int() fails
        "١٢",  # Arabic-Indic digits: int() would read them
        "１２",  # full-width digits
        "99999999999999999999",  # past 2**63 - 1: OverflowError on SQLite
        str(MAX_ID + 1),
        "9" * 5000,  # int() refuses more than 4300 digits
        "1\x00",
        None,
        True,
        1.0,
        [],
        -5,
        0,
        MAX_ID + 1,
    ],
)
def test_parse_id_refuses_what_cannot_be_an_id(value):
    """X3: every value that cannot be a row id is None, without asking the database."""
    assert parse_id(value) is None


def test_parse_ids_keeps_order_drops_duplicates_and_bad_values():
    assert parse_ids(["3", "1", "x", "3", "99999999999999999999", "2"]) == [3, 1, 2]
    assert parse_ids([]) == []


@given(st.one_of(st.text(), st.integers(), st.none(), st.binary()))
def test_parse_id_never_raises_and_stays_in_range(value):
    result = parse_id(value)
    assert result is None or 1 <= result <= MAX_ID
