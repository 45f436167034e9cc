"""The cells of uploaded tables turned into stored values (issue 11): dates, readings, phones, names, addresses."""

import datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from liaison.lib.tabular import (
    parse_choice_cell,
    parse_date_cell,
    parse_phone_cell,
    parse_postal_cell,
    parse_reading_cell,
    split_address,
    split_full_name,
)

D = datetime.date


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("1980-04-01", D(1980, 4, 1)),
        ("1980/4/1", D(1980, 4, 1)),
        ("19800401", D(1980, 4, 1)),
        ("1980年4月1日", D(1980, 4, 1)),
        ("昭和55年4月1日", D(1980, 4, 1)),
        ("S55.4.1", D(1980, 4, 1)),
        ("令和元年5月1日", D(2019, 5, 1)),
        ("平成元年1月8日", D(1989, 1, 8)),
        ("１９８０／０４／０１", D(1980, 4, 1)),
        (" 1980-04-01 00:00:00 ", D(1980, 4, 1)),
        ("", None),
        ("  ", None),
    ],
)
def test_date_cells_in_western_and_era_form(text, day):
    """Issue 11: 生年月日 in Western or era form, 元年 and full-width digits included."""
    assert parse_date_cell(text) == day


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("2023-02-30", "存在しない日付です"),
        ("昭和55年2月30日", "存在しない日付です"),
        ("平成32年1月1日", "平成は平成31年4月30日までです"),
        ("令和元年4月1日", "令和は"),
        ("そのうち", "日付として読めません: そのうち"),
        ("1980-04", "日付として読めません"),
    ],
)
def test_impossible_or_unreadable_dates_say_why(text, message):
    """Issue 11: impossible dates get a clear message."""
    with pytest.raises(ValueError, match=message):
        parse_date_cell(text)


@pytest.mark.parametrize(
    ("text", "reading"),
    [
        ("やまだ", "ヤマダ"),
        ("ヤマダ", "ヤマダ"),
        ("ﾔﾏﾀﾞ", "ヤマダ"),
        ("やまだ　たろう", "ヤマダタロウ"),
        ("ｶｰﾄﾞ", "カード"),
        ("", ""),
    ],
)
def test_reading_cells_become_katakana(text, reading):
    assert parse_reading_cell(text) == reading


@pytest.mark.parametrize("text", ["山田", "やま田", "Yamada", "ヤマダ1"])
def test_a_reading_typed_in_kanji_or_latin_is_refused(text):
    """Issue 11: a reading typed in kanji gets a clear message."""
    with pytest.raises(ValueError, match=f"^読み仮名はかなで.*{text}"):
        parse_reading_cell(text)


@pytest.mark.parametrize(
    ("text", "digits"),
    [
        ("090-1234-5678", "09012345678"),
        ("０３（１２３４）５６７８", "0312345678"),
        ("022-123-4567", "0221234567"),
        ("9012345678", "09012345678"),  # a number cell in Excel dropped the leading 0
        ("312345678", "0312345678"),
        ("", ""),
    ],
)
def test_phone_cells_become_digits(text, digits):
    assert parse_phone_cell(text) == digits


@pytest.mark.parametrize("text", ["123", "電話なし", "0000000000", "12345678901"])
def test_a_wrong_phone_says_so_and_shows_it(text):
    with pytest.raises(ValueError, match=f"電話番号.*{text}"):
        parse_phone_cell(text)


@pytest.mark.parametrize(
    ("text", "code"),
    [("980-0811", "980-0811"), ("〒９８０－０８１１", "980-0811"), ("9800811", "980-0811"), ("600001", "060-0001")],
)
def test_postal_cells_become_the_stored_form(text, code):
    assert parse_postal_cell(text) == code
    assert parse_postal_cell("") == ""


@pytest.mark.parametrize("text", ["98008", "980-08111", "郵便"])
def test_a_wrong_postal_code_says_so(text):
    with pytest.raises(ValueError, match="郵便番号は7桁"):
        parse_postal_cell(text)


@pytest.mark.parametrize(
    ("text", "parts"),
    [
        ("山田 太郎", ("山田", "太郎")),
        ("山田　太郎", ("山田", "太郎")),
        (" 髙﨑  神子 ", ("髙﨑", "神子")),  # kept exactly: no NFKC on names
        ("ヤマダ タロウ", ("ヤマダ", "タロウ")),
        ("スミス ジョン ポール", ("スミス", "ジョン ポール")),
        ("", ("", "")),
    ],
)
def test_split_full_name(text, parts):
    assert split_full_name(text) == parts


def test_a_full_name_without_a_space_cannot_be_split():
    with pytest.raises(ValueError, match="姓と名の間に空白.*山田太郎"):
        split_full_name("山田太郎")


CHOICES = [("male", "男性"), ("female", "女性"), ("other", "その他")]


@pytest.mark.parametrize(("text", "value"), [("男性", "male"), (" 女 性 ", "female"), ("FEMALE", "female"), ("", "")])
def test_choice_cells_by_value_or_label(text, value):
    assert parse_choice_cell(text, CHOICES) == value


def test_an_unknown_choice_lists_the_labels():
    with pytest.raises(ValueError, match="「男」は選べません.*男性、女性、その他"):
        parse_choice_cell("男", CHOICES)


@pytest.mark.parametrize(
    ("text", "parts"),
    [
        ("宮城県仙台市青葉区一番町1-2-3 ビル5F", ("宮城県", "仙台市青葉区", "一番町", "1-2-3 ビル5F")),
        ("〒060-0001 北海道札幌市中央区北1条西2丁目1-1", ("北海道", "札幌市中央区", "北1条西2丁目", "1-1")),
        ("東京都西多摩郡奥多摩町氷川1", ("東京都", "西多摩郡奥多摩町", "氷川", "1")),
        ("千葉県市川市八幡2丁目3-4", ("千葉県", "市川市", "八幡2丁目", "3-4")),
        ("三重県四日市市諏訪町1-5", ("三重県", "四日市市", "諏訪町", "1-5")),
        ("東京都町田市森野２－２－２２", ("東京都", "町田市", "森野", "２－２－２２")),
        ("仙台市宮城野区榴岡5丁目", ("", "仙台市宮城野区", "榴岡5丁目", "")),
        ("宮城県 架空市 架空町1", ("宮城県", "架空市", "架空町", "1")),  # not in Japan Post's list: guessed
        ("", ("", "", "", "")),
    ],
)
def test_split_address(text, parts):
    """Issue 11: 住所 in one column split into 都道府県/市区町村/町域/番地 (best effort)."""
    assert split_address(text) == parts


@settings(max_examples=200, deadline=None)
@given(
    st.text(alphabet=st.sampled_from("北海道宮城県市区町村郡丁目条線〒-0123４ 　a\n") | st.characters(), max_size=30)
)
def test_split_address_never_raises(text):
    parts = split_address(text)
    assert len(parts) == 4 and all(isinstance(part, str) for part in parts)
