import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from liaison.lib.wareki import (
    ERAS,
    TOKYO,
    ImpossibleDate,
    NonexistentDate,
    OutsideEra,
    WarekiFormatError,
    YearMismatch,
    era_for,
    era_year,
    local_date,
    parse_wareki,
    to_wareki,
    to_wareki_month,
)

D = dt.date

# (date, wareki) on both sides of every era change.
BOUNDARIES = [
    (D(1868, 10, 23), "明治元年10月23日"),
    (D(1912, 7, 29), "明治45年7月29日"),
    (D(1912, 7, 30), "大正元年7月30日"),
    (D(1926, 12, 24), "大正15年12月24日"),
    (D(1926, 12, 25), "昭和元年12月25日"),
    (D(1989, 1, 7), "昭和64年1月7日"),
    (D(1989, 1, 8), "平成元年1月8日"),
    (D(2019, 4, 30), "平成31年4月30日"),
    (D(2019, 5, 1), "令和元年5月1日"),
    (D(2020, 1, 1), "令和2年1月1日"),
    (D(2025, 5, 20), "令和7年5月20日"),
]


@pytest.mark.parametrize(("day", "text"), BOUNDARIES)
def test_to_wareki_at_era_boundaries(day, text):
    """X3: Japanese-era dates change era on the exact day, with 元年 for the first year."""
    assert to_wareki(day) == text


@pytest.mark.parametrize(("day", "text"), BOUNDARIES)
def test_parse_wareki_at_era_boundaries(day, text):
    """X3: every boundary date reads back to the same Gregorian date."""
    assert parse_wareki(text) == day


def test_before_meiji_has_no_era():
    """X3: the day before 明治 (1868-10-22) has no modern era."""
    with pytest.raises(ValueError, match="明治より前"):
        era_for(D(1868, 10, 22))
    with pytest.raises(ValueError):
        era_year(D(1800, 1, 1))


@pytest.mark.parametrize(
    ("day", "text", "month"),
    [
        (D(1868, 10, 22), "1868年10月22日", "1868年10月"),
        (D(1800, 1, 1), "1800年1月1日", "1800年1月"),
        (D(1, 1, 1), "1年1月1日", "1年1月"),
    ],
)
def test_a_date_before_meiji_is_shown_in_the_gregorian_calendar(day, text, month):
    """X3: a stored date before 明治 (0001-01-01, 1800-01-01) is still shown, so the page showing it does not break."""
    assert to_wareki(day) == text
    assert to_wareki_month(day) == month


def test_era_table_is_contiguous():
    """X3: each era ends the day before the next one starts."""
    newest_first = list(ERAS)
    assert newest_first[0].end is None
    for newer, older in zip(newest_first, newest_first[1:], strict=False):
        assert older.end + dt.timedelta(days=1) == newer.start
    assert [e.name for e in ERAS] == ["令和", "平成", "昭和", "大正", "明治"]


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (D(2025, 5, 20), ("令和", 7)),
        (D(2019, 5, 1), ("令和", 1)),
        (D(2019, 4, 30), ("平成", 31)),
        (D(1989, 1, 7), ("昭和", 64)),
        (D(1926, 12, 24), ("大正", 15)),
        (D(1912, 7, 29), ("明治", 45)),
    ],
)
def test_era_year(day, expected):
    """X3: era name and year number."""
    assert era_year(day) == expected


def test_era_for_gives_letter():
    assert era_for(D(2025, 1, 1)).letter == "R"
    assert era_for(D(2000, 1, 1)).letter == "H"


def test_to_wareki_month():
    """X3: 年月 only, in the era of the given day."""
    assert to_wareki_month(D(2025, 5, 20)) == "令和7年5月"
    assert to_wareki_month(D(2019, 5, 1)) == "令和元年5月"
    assert to_wareki_month(D(2019, 4, 30)) == "平成31年4月"
    assert to_wareki_month(None, empty="") == ""


def test_gannen_can_be_switched_off():
    assert to_wareki(D(2019, 5, 1), gannen=False) == "令和1年5月1日"
    assert to_wareki_month(D(2019, 5, 1), gannen=False) == "令和1年5月"


def test_none_needs_a_placeholder():
    assert to_wareki(None, empty="—") == "—"
    assert to_wareki(None, empty="") == ""
    with pytest.raises(TypeError):
        to_wareki(None)
    with pytest.raises(TypeError):
        to_wareki_month(None)
    with pytest.raises(TypeError):
        to_wareki("2025-05-20")


def test_aware_datetime_is_taken_in_tokyo():
    """X3: 2019-04-30 15:00 UTC is already 令和元年5月1日 in Japan."""
    assert to_wareki(dt.datetime(2019, 4, 30, 15, 0, tzinfo=dt.UTC)) == "令和元年5月1日"
    assert to_wareki(dt.datetime(2019, 4, 30, 14, 59, tzinfo=dt.UTC)) == "平成31年4月30日"
    assert to_wareki(dt.datetime(2025, 5, 20, 0, 30, tzinfo=TOKYO)) == "令和7年5月20日"
    assert local_date(dt.datetime(2025, 5, 19, 15, 0, tzinfo=dt.UTC)) == D(2025, 5, 20)


def test_naive_datetime_is_taken_as_is():
    assert to_wareki(dt.datetime(2019, 4, 30, 23, 59)) == "平成31年4月30日"  # noqa: DTZ001


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("令和7年5月20日", D(2025, 5, 20)),
        ("令和元年5月1日", D(2019, 5, 1)),
        ("令和1年5月1日", D(2019, 5, 1)),
        ("令和07年05月01日", D(2025, 5, 1)),
        ("令和7年5月20", D(2025, 5, 20)),
        ("令和７年５月２０日", D(2025, 5, 20)),  # full-width digits
        ("　令和 7 年 5 月 20 日 ", D(2025, 5, 20)),  # full-width and ASCII spaces
        ("㋿7年5月20日", D(2025, 5, 20)),  # the one-character 令和 ligature
        ("㍻31年4月30日", D(2019, 4, 30)),
        ("R7.5.20", D(2025, 5, 20)),
        ("r7.5.20", D(2025, 5, 20)),
        ("R07/05/20", D(2025, 5, 20)),
        ("Ｒ７．５．２０", D(2025, 5, 20)),
        ("H31-4-30", D(2019, 4, 30)),
        ("S64.1.7", D(1989, 1, 7)),
        ("T15.12.24", D(1926, 12, 24)),
        ("M45.7.29", D(1912, 7, 29)),
        ("R元.5.1", D(2019, 5, 1)),
        ("令和6年2月29日", D(2024, 2, 29)),
    ],
)
def test_parse_wareki_forms(text, day):
    """X3: era dates as typed, including 元年 and full-width digits."""
    assert parse_wareki(text) == day


@pytest.mark.parametrize(
    "text",
    [
        "平成32年1月1日",  # 平成 ended in its 31st year
        "平成31年5月1日",  # first day of 令和
        "昭和64年1月8日",  # first day of 平成
        "大正15年12月25日",
        "明治45年7月30日",
        "令和元年4月30日",  # before 令和 began
        "明治元年1月1日",  # before 1868-10-23
        "令和7年2月29日",  # 2025 is not a leap year
        "令和7年13月1日",
        "令和7年4月31日",
        "令和0年5月1日",
    ],
)
def test_parse_wareki_rejects_impossible_dates(text):
    """X3: dates that do not exist in that era raise ValueError with a Japanese message."""
    with pytest.raises(ValueError, match=r"[ぁ-んァ-ン一-龥]"):
        parse_wareki(text)


@pytest.mark.parametrize("text", ["", "令和", "2025-05-20", "令和七年五月二十日", "X7.5.20", "R7.5/20", "令和7年5月"])
def test_parse_wareki_rejects_non_era_text(text):
    with pytest.raises(WarekiFormatError, match="和暦の日付として読み取れません"):
        parse_wareki(text)


def test_parse_wareki_needs_a_string():
    with pytest.raises(TypeError):
        parse_wareki(D(2025, 5, 20))


def test_lenient_parsing_counts_past_the_end_of_an_era():
    """X3: 平成32年 on documents printed before 2019 means 2020 when strict=False."""
    assert parse_wareki("平成32年1月1日", strict=False) == D(2020, 1, 1)
    assert parse_wareki("平成33年3月31日", strict=False) == D(2021, 3, 31)
    assert parse_wareki("令和7年5月20日", strict=False) == D(2025, 5, 20)
    with pytest.raises(ValueError):
        parse_wareki("令和元年4月30日", strict=False)


@pytest.mark.parametrize(
    ("text", "error", "message"),
    [
        ("平成32年1月1日", OutsideEra, "平成は平成31年4月30日までです。令和2年1月1日のことですか。"),
        ("令和元年4月30日", OutsideEra, "令和は令和元年5月1日からです。平成31年4月30日のことですか。"),
        ("明治元年1月1日", OutsideEra, "明治は明治元年10月23日からです。"),
        ("令和7年2月29日", NonexistentDate, "存在しない日付です: 令和7年2月29日"),
        ("令和0年5月1日", NonexistentDate, "存在しない日付です: 令和0年5月1日"),
        ("令和8年（2025年）11月26日", YearMismatch, "令和8年は2026年です。括弧の中の2025年と合いません。"),
        ("2025年（令和8年）11月26日", YearMismatch, "令和8年は2026年です。括弧の中の2025年と合いません。"),
    ],
)
def test_each_impossible_date_says_what_is_wrong(text, error, message):
    """X3 (issue 7): 平成32年1月1日 → 「平成は平成31年4月30日までです」, with the day it would be in its own era."""
    with pytest.raises(error) as excinfo:
        parse_wareki(text)
    assert str(excinfo.value) == message
    assert isinstance(excinfo.value, ImpossibleDate) and isinstance(excinfo.value, ValueError)


def test_the_western_year_is_written_beside_the_era_year():
    """X3 (issue 7): 令和8年（2026年）11月26日, as prefectural documents write it; 元年 kept."""
    assert to_wareki(D(2026, 11, 26), western_year=True) == "令和8年（2026年）11月26日"
    assert to_wareki(D(2019, 5, 1), western_year=True) == "令和元年（2019年）5月1日"
    assert to_wareki(D(1989, 1, 7), western_year=True) == "昭和64年（1989年）1月7日"
    assert to_wareki(D(1800, 1, 1), western_year=True) == "1800年1月1日"  # no era: the Western year alone


@pytest.mark.parametrize(
    "text",
    [
        "令和8年（2026年）11月26日",
        "令和8年(2026年)11月26日",
        "令和8年(2026)11月26日",
        "令和８年（２０２６年）１１月２６日",
        "令和 8 年 （2026年） 11 月 26 日",
        "2026年（令和8年）11月26日",
        "2026年(R8)11月26日",
    ],
)
def test_an_era_date_with_its_western_year_reads_back(text):
    assert parse_wareki(text) == D(2026, 11, 26)


dates_1900_2100 = st.dates(min_value=D(1900, 1, 1), max_value=D(2100, 12, 31))


@given(dates_1900_2100)
def test_round_trip(day):
    """X3: parse_wareki(to_wareki(d)) == d for every day from 1900 to 2100."""
    assert parse_wareki(to_wareki(day)) == day
    assert parse_wareki(to_wareki(day, gannen=False)) == day
    assert parse_wareki(to_wareki(day, western_year=True)) == day


@given(dates_1900_2100)
def test_round_trip_short_form(day):
    """X3: the R7.5.20 abbreviation reads back too."""
    era = era_for(day)
    _, year = era_year(day)
    assert parse_wareki(f"{era.letter}{year}.{day.month}.{day.day}") == day


@given(dates_1900_2100)
def test_era_year_is_consistent(day):
    name, year = era_year(day)
    era = era_for(day)
    assert name == era.name
    assert year >= 1
    assert era.start <= day
    assert era.end is None or day <= era.end
    assert to_wareki(day).startswith(name)
    assert to_wareki(day).endswith(f"{day.month}月{day.day}日")
    assert to_wareki(day).startswith(to_wareki_month(day))
