import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from liaison.lib.dates import (
    DATE_INPUT_ERROR,
    ImpossibleDate,
    age_on,
    check_birth_date,
    check_office_date,
    office_date_range,
    parse_date_input,
    require_office_date,
    today_tokyo,
)
from liaison.lib.wareki import TOKYO

D = dt.date


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("2025-05-20", D(2025, 5, 20)),
        ("2025/05/20", D(2025, 5, 20)),
        ("2025/5/2", D(2025, 5, 2)),
        ("2025-5-2", D(2025, 5, 2)),
        ("2025.5.20", D(2025, 5, 20)),
        ("20250520", D(2025, 5, 20)),
        ("2025年5月20日", D(2025, 5, 20)),
        ("2025年05月02日", D(2025, 5, 2)),
        ("2025年5月20", D(2025, 5, 20)),
        ("令和7年5月20日", D(2025, 5, 20)),
        ("令和元年5月1日", D(2019, 5, 1)),
        ("平成31年4月30日", D(2019, 4, 30)),
        ("昭和64年1月7日", D(1989, 1, 7)),
        ("R7.5.20", D(2025, 5, 20)),
        ("H31/4/30", D(2019, 4, 30)),
        # full-width digits, slashes, hyphens and spaces
        ("２０２５－０５－２０", D(2025, 5, 20)),
        ("２０２５／０５／２０", D(2025, 5, 20)),
        ("２０２５／５／２", D(2025, 5, 2)),
        ("２０２５年５月２０日", D(2025, 5, 20)),
        ("令和７年５月２０日", D(2025, 5, 20)),
        ("令和元年５月１日", D(2019, 5, 1)),
        ("Ｒ７．５．２０", D(2025, 5, 20)),
        ("　2025 / 5 / 20　", D(2025, 5, 20)),
        ("2025 年 5 月 20 日", D(2025, 5, 20)),
        ("２０２５ー０５ー２０", D(2025, 5, 20)),  # long vowel mark typed for a hyphen
        ("2025‐05‐20", D(2025, 5, 20)),  # U+2010 hyphen
        ("2024/2/29", D(2024, 2, 29)),
    ],
)
def test_parse_date_input_accepts(text, day):
    """X3: ISO, slashes, 年月日 and era dates, with full-width digits."""
    assert parse_date_input(text) == day


@pytest.mark.parametrize(
    "text",
    ["", "   ", "abc", "2025-05", "25/5/20", "2025-05/20", "2025/5/20 10:00", "5/20/2025", "２０２５５２０", "令和"],
)
def test_parse_date_input_rejects_unreadable_text(text):
    with pytest.raises(ValueError) as excinfo:
        parse_date_input(text)
    assert str(excinfo.value) == DATE_INPUT_ERROR


@pytest.mark.parametrize("text", ["2025-02-29", "2025/13/01", "2025年4月31日", "20250230", "２０２５／０２／３０"])
def test_parse_date_input_rejects_days_that_do_not_exist(text):
    with pytest.raises(ValueError, match="存在しない日付です"):
        parse_date_input(text)


@pytest.mark.parametrize("text", ["平成32年1月1日", "令和元年4月30日", "令和7年2月29日"])
def test_parse_date_input_rejects_impossible_era_dates(text):
    """X3: era dates outside their era are refused, with a Japanese message."""
    with pytest.raises(ValueError, match=r"[ぁ-んァ-ン一-龥]"):
        parse_date_input(text)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("平成32年1月1日", "平成は平成31年4月30日までです。"),
        ("Ｈ３２．１．１", "平成は平成31年4月30日までです。"),
        ("令和元年4月30日", "令和は令和元年5月1日からです。"),
        ("2026-02-30", "存在しない日付です"),
        ("令和8年（2025年）11月26日", "括弧の中の2025年と合いません"),
    ],
)
def test_parse_date_input_says_why_a_date_is_impossible(text, message):
    """X3 (issue 7): not the list of formats, but what is wrong with the day typed."""
    with pytest.raises(ImpossibleDate) as excinfo:
        parse_date_input(text)
    assert message in str(excinfo.value)
    assert str(excinfo.value) != DATE_INPUT_ERROR


@pytest.mark.parametrize(
    "text", ["令和8年（2026年）11月26日", "2026年（令和8年）11月26日", "２０２６年（令和８年）１１月２６日"]
)
def test_parse_date_input_reads_what_the_date_fields_show(text):
    assert parse_date_input(text) == D(2026, 11, 26)


def test_parse_date_input_passes_dates_through():
    assert parse_date_input(D(2025, 5, 20)) == D(2025, 5, 20)
    assert parse_date_input(dt.datetime(2025, 5, 19, 15, 0, tzinfo=dt.UTC)) == D(2025, 5, 20)


def test_parse_date_input_rejects_other_types():
    with pytest.raises(ValueError):
        parse_date_input(20250520)


def test_error_message_is_japanese():
    assert DATE_INPUT_ERROR == "日付は 2025-05-20、2025/05/20、2025年5月20日、令和7年5月20日 のように入力してください。"


@given(st.dates(min_value=D(1000, 1, 1), max_value=D(9999, 12, 31)))
def test_iso_and_slash_round_trip(day):
    assert parse_date_input(day.isoformat()) == day
    assert parse_date_input(f"{day.year}/{day.month}/{day.day}") == day
    assert parse_date_input(f"{day.year}年{day.month}月{day.day}日") == day
    full_width = day.isoformat().translate(str.maketrans("0123456789-", "０１２３４５６７８９－"))
    assert parse_date_input(full_width) == day


@pytest.mark.parametrize(
    ("birth", "on", "age"),
    [
        (D(1990, 5, 20), D(2025, 5, 19), 34),
        (D(1990, 5, 20), D(2025, 5, 20), 35),
        (D(1990, 5, 20), D(2025, 12, 31), 35),
        (D(1990, 12, 31), D(2025, 1, 1), 34),
        (D(2025, 5, 20), D(2025, 5, 20), 0),
        # born on 29 February
        (D(2000, 2, 29), D(2001, 2, 28), 0),
        (D(2000, 2, 29), D(2001, 3, 1), 1),
        (D(2000, 2, 29), D(2023, 2, 28), 22),
        (D(2000, 2, 29), D(2023, 3, 1), 23),
        (D(2000, 2, 29), D(2024, 2, 28), 23),
        (D(2000, 2, 29), D(2024, 2, 29), 24),
        (D(2004, 2, 29), D(2022, 3, 1), 18),
    ],
)
def test_age_on(birth, on, age):
    assert age_on(birth, on) == age


def test_age_on_before_birth_is_an_error():
    with pytest.raises(ValueError, match="生年月日"):
        age_on(D(2000, 1, 2), D(2000, 1, 1))


@given(st.dates(min_value=D(1900, 1, 1), max_value=D(2100, 12, 31)), st.integers(min_value=0, max_value=120))
def test_age_on_birthdays(birth, years):
    """On each birthday the age is the number of years; the day before it is one less."""
    try:
        birthday = birth.replace(year=birth.year + years)
    except ValueError:  # 29 February in a common year: the birthday is 1 March
        birthday = D(birth.year + years, 3, 1)
    assert age_on(birth, birthday) == years
    if years:
        assert age_on(birth, birthday - dt.timedelta(days=1)) == years - 1


@given(
    st.dates(min_value=D(1900, 1, 1), max_value=D(2100, 12, 31)),
    st.integers(min_value=0, max_value=40000),
    st.integers(min_value=0, max_value=400),
)
def test_age_never_decreases(birth, offset, step):
    on = birth + dt.timedelta(days=offset)
    later = on + dt.timedelta(days=step)
    assert 0 <= age_on(birth, on) <= age_on(birth, later)


def test_today_tokyo():
    before = dt.datetime.now(TOKYO).date()
    today = today_tokyo()
    after = dt.datetime.now(TOKYO).date()
    assert today in (before, after)


# --- Plausible ranges (X3) -----------------------------------------------------------------------------------------

TODAY = D(2026, 11, 26)


def test_office_date_range_runs_from_showa_to_ten_years_ahead():
    assert office_date_range(TODAY) == (D(1926, 12, 25), D(2036, 11, 26))
    assert office_date_range(D(2028, 2, 29)) == (D(1926, 12, 25), D(2038, 2, 28))


@pytest.mark.parametrize("day", [D(1926, 12, 25), D(2025, 4, 1), D(2036, 11, 26)])
def test_office_dates_in_range(day):
    assert check_office_date(day, today=TODAY) == day


@pytest.mark.parametrize("day", [D(1, 1, 1), D(1800, 1, 1), D(1926, 12, 24), D(2036, 11, 27), D(9999, 12, 31)])
def test_office_dates_out_of_range(day):
    """X3: 9999-12-31 (a term would end in year 10001), 0001-01-01 and 1800-01-01 (no era) are refused."""
    with pytest.raises(ValueError, match="昭和元年12月25日から令和18年11月26日までの日付を入力してください"):
        check_office_date(day, today=TODAY)


@pytest.mark.parametrize("day", [D(1900, 1, 1), D(1965, 5, 20), TODAY])
def test_plausible_birth_dates(day):
    assert check_birth_date(day, today=TODAY) == day


@pytest.mark.parametrize(
    ("day", "message"),
    [
        (D(2026, 11, 27), "未来の日付"),
        (D(9999, 12, 31), "未来の日付"),
        (D(1899, 12, 31), "1900年"),
        (D(1, 1, 1), "1900年"),
    ],
)
def test_implausible_birth_dates(day, message):
    """X3: a birth date is not in the future and not before 1900."""
    with pytest.raises(ValueError, match=message):
        check_birth_date(day, today=TODAY)


def test_require_office_date_raises_a_validation_error():
    from django.core.exceptions import ValidationError

    require_office_date(today_tokyo())
    with pytest.raises(ValidationError) as excinfo:
        require_office_date(D(9999, 12, 31), field="start_date")
    assert list(excinfo.value.message_dict) == ["start_date"]
