import datetime as dt

import pytest
from django import forms
from django.utils import formats, translation
from hypothesis import given
from hypothesis import strategies as st

from liaison.lib.forms import (
    BirthDateField,
    DateInput,
    Form,
    IdChoiceField,
    IdMultipleChoiceField,
    JapaneseDateField,
    JapaneseDateInput,
    OfficeDateField,
)

MESSAGE = "日付は 2025-05-20、2025/05/20、2025年5月20日、令和7年5月20日 のように入力してください。"


class EventForm(forms.Form):
    day = JapaneseDateField(label="日付")
    optional_day = JapaneseDateField(label="任意", required=False)


@pytest.mark.parametrize(
    "text",
    [
        "2025-05-20",
        "2025/05/20",
        "2025/5/20",
        "2025年5月20日",
        "令和7年5月20日",
        "R7.5.20",
        "２０２５／０５／２０",
        "令和７年５月２０日",
        " 2025-05-20 ",
    ],
)
def test_field_accepts(text):
    """X3: the date field reads era dates and full-width digits."""
    assert JapaneseDateField().clean(text) == dt.date(2025, 5, 20)


def test_field_accepts_gannen():
    """X3: 元年 in a form."""
    assert JapaneseDateField().clean("令和元年5月1日") == dt.date(2019, 5, 1)


@pytest.mark.parametrize("text", ["abc", "5/20", "令和7年", "平成三十二年一月一日"])
def test_field_error_message(text):
    """X3: bad input gets the Japanese guidance message."""
    with pytest.raises(forms.ValidationError) as excinfo:
        JapaneseDateField().clean(text)
    assert excinfo.value.messages == [MESSAGE]
    assert excinfo.value.error_list[0].code == "invalid"


@pytest.mark.parametrize(
    ("text", "named"),
    [("2026-02-30", "2026年2月30日"), ("2025/13/01", "2025年13月1日"), ("令和7年2月30日", "令和7年2月30日")],
)
def test_a_day_that_does_not_exist_is_named(text, named):
    """X3: 2026-02-30 is typed correctly but does not exist: the message says so instead of listing the formats."""
    with pytest.raises(forms.ValidationError) as excinfo:
        JapaneseDateField().clean(text)
    assert excinfo.value.messages == [f"存在しない日付です: {named}"]
    assert excinfo.value.error_list[0].code == "nonexistent"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("平成32年1月1日", "平成は平成31年4月30日までです。令和2年1月1日のことですか。"),
        ("平成31年5月1日", "平成は平成31年4月30日までです。令和元年5月1日のことですか。"),
        ("H32.1.1", "平成は平成31年4月30日までです。令和2年1月1日のことですか。"),
        ("昭和64年1月8日", "昭和は昭和64年1月7日までです。平成元年1月8日のことですか。"),
        ("大正15年12月25日", "大正は大正15年12月24日までです。昭和元年12月25日のことですか。"),
        ("明治45年7月30日", "明治は明治45年7月29日までです。大正元年7月30日のことですか。"),
        ("令和元年4月30日", "令和は令和元年5月1日からです。平成31年4月30日のことですか。"),
        ("平成元年1月7日", "平成は平成元年1月8日からです。昭和64年1月7日のことですか。"),
        ("明治元年1月1日", "明治は明治元年10月23日からです。"),  # before 明治 there is no era to suggest
    ],
)
def test_an_era_date_past_the_end_of_its_era_names_the_end(text, message):
    """X3 (issue 7, errors you can find): 平成32年1月1日 gets 「平成は平成31年4月30日までです」 and the day it would
    be, not the list of input formats; the same at every era boundary, both ends."""
    with pytest.raises(forms.ValidationError) as excinfo:
        JapaneseDateField().clean(text)
    assert excinfo.value.messages == [message]
    assert excinfo.value.error_list[0].code == "outside_era"


def test_the_era_messages_reach_every_kind_of_date_field_on_a_form():
    """X3: the specific messages come from the shared field, so office and birth dates on any form show them."""
    form = PersonLikeForm(data={"birth": "平成32年1月1日", "start": "2026-02-30"})
    assert not form.is_valid()
    assert form.errors["birth"] == ["平成は平成31年4月30日までです。令和2年1月1日のことですか。"]
    assert form.errors["start"] == ["存在しない日付です: 2026年2月30日"]


def test_a_western_year_that_is_not_the_era_year_is_refused():
    """X3: 令和8年（2025年） names two different years; which one was meant is for the person to say."""
    with pytest.raises(forms.ValidationError) as excinfo:
        JapaneseDateField().clean("令和8年（2025年）11月26日")
    assert excinfo.value.messages == ["令和8年は2026年です。括弧の中の2025年と合いません。"]
    assert excinfo.value.error_list[0].code == "year_mismatch"


def test_form_errors():
    form = EventForm(data={"day": "きのう", "optional_day": ""})
    assert not form.is_valid()
    assert form.errors["day"] == [MESSAGE]
    assert "optional_day" not in form.errors


def test_form_valid_and_optional():
    form = EventForm(data={"day": "令和7年5月20日", "optional_day": ""})
    assert form.is_valid(), form.errors
    assert form.cleaned_data == {"day": dt.date(2025, 5, 20), "optional_day": None}


def test_required():
    with pytest.raises(forms.ValidationError) as excinfo:
        JapaneseDateField().clean("")
    assert excinfo.value.error_list[0].code == "required"


def test_date_objects_pass():
    assert JapaneseDateField().clean(dt.date(2025, 5, 20)) == dt.date(2025, 5, 20)
    aware = dt.datetime(2025, 5, 19, 15, 0, tzinfo=dt.UTC)
    assert JapaneseDateField().clean(aware) == dt.date(2025, 5, 20)


def test_widget_is_a_text_box():
    html = EventForm()["day"].as_widget()
    assert 'type="text"' in html
    assert 'type="date"' not in html
    assert 'inputmode="numeric"' in html
    assert 'placeholder="例: 令和7年5月20日"' in html
    assert isinstance(EventForm().fields["day"].widget, JapaneseDateInput)
    assert DateInput is JapaneseDateInput


def test_widget_attrs_can_be_extended():
    html = JapaneseDateInput(attrs={"class": "date", "placeholder": "生年月日"}).render("d", None)
    assert 'class="date"' in html
    assert 'placeholder="生年月日"' in html
    assert 'inputmode="numeric"' in html


@pytest.mark.parametrize("language", ["ja", "en"])
def test_widget_shows_an_era_date_with_the_western_year(language):
    """X3 (issue 7): every date field shows 令和8年（2026年）11月26日, not 2026-11-26; 元年 as officers write it."""
    with translation.override(language):
        html = EventForm(initial={"day": dt.date(2026, 11, 26)})["day"].as_widget()
    assert 'value="令和8年（2026年）11月26日"' in html
    assert 'value="令和元年（2019年）5月1日"' in JapaneseDateInput().render("d", dt.date(2019, 5, 1))
    assert 'value="平成31年（2019年）4月30日"' in JapaneseDateInput().render("d", dt.date(2019, 4, 30))
    # An odd stored date before 明治 still renders, in the Western calendar, and reads back.
    assert 'value="1800年1月1日"' in JapaneseDateInput().render("d", dt.date(1800, 1, 1))
    assert 'value="2025-05-20"' in JapaneseDateInput(wareki=False).render("d", dt.date(2025, 5, 20))


def test_every_kind_of_date_field_shows_era_dates():
    """X3: the era display is the shared widget's default, so every form's date fields get it."""
    form = PersonLikeForm(initial={"birth": dt.date(1960, 4, 1), "start": dt.date(2026, 4, 1)})
    assert 'value="昭和35年（1960年）4月1日"' in form["birth"].as_widget()
    assert 'value="令和8年（2026年）4月1日"' in form["start"].as_widget()


def test_what_a_person_typed_is_shown_back_as_typed():
    form = EventForm(data={"day": "2026-02-30", "optional_day": "R8.4.1"})
    assert 'value="2026-02-30"' in form["day"].as_widget()
    assert 'value="R8.4.1"' in form["optional_day"].as_widget()


@given(st.dates(min_value=dt.date(1868, 10, 23), max_value=dt.date(2099, 12, 31)))
def test_the_shown_date_reads_back_as_the_same_day(day):
    """X3: a form sent back unchanged saves the date it showed, at every era boundary and every 元年."""
    shown = JapaneseDateInput().format_value(day)
    assert JapaneseDateField().clean(shown) == day
    form = EventForm(data={"day": shown, "optional_day": ""}, initial={"day": day})
    assert form.has_changed() is False


def test_changed_data_with_era_input():
    form = EventForm(data={"day": "令和7年5月20日", "optional_day": ""}, initial={"day": dt.date(2025, 5, 20)})
    assert form.has_changed() is False


# --- FORMAT_MODULE_PATH (config/formats) --------------------------------------------------------------------------


@pytest.mark.parametrize("language", ["ja", "en"])
@pytest.mark.parametrize("text", ["2025-05-20", "2025/05/20", "2025/5/20", "2025年5月20日"])
def test_plain_django_date_field_accepts_japanese_formats(language, text):
    """X3: even a stock DateField takes 2025/05/20 and 2025年5月20日 through our format modules."""
    with translation.override(language):
        assert forms.DateField().clean(text) == dt.date(2025, 5, 20)


@pytest.mark.parametrize("language", ["ja", "en"])
def test_datetime_input_formats(language):
    with translation.override(language):
        field = forms.DateTimeField()
        for text in ["2025/05/20 14:30", "2025年5月20日 14:30", "2025-05-20 14:30"]:
            value = field.clean(text)
            assert (value.year, value.month, value.day, value.hour, value.minute) == (2025, 5, 20, 14, 30)


def test_ja_display_formats():
    with translation.override("ja"):
        assert formats.get_format("DATE_FORMAT") == "Y年n月j日"
        assert formats.date_format(dt.date(2025, 5, 20)) == "2025年5月20日"
        assert formats.date_format(dt.date(2025, 5, 20), "SHORT_DATE_FORMAT") == "2025/05/20"
        assert formats.get_format("DATE_INPUT_FORMATS")[:3] == ["%Y-%m-%d", "%Y/%m/%d", "%Y年%m月%d日"]


def test_en_keeps_english_display_and_iso_first():
    with translation.override("en"):
        assert formats.date_format(dt.date(2025, 5, 20)) == "May 20, 2025"
        input_formats = formats.get_format("DATE_INPUT_FORMATS")
        assert input_formats[0] == "%Y-%m-%d"
        assert {"%Y/%m/%d", "%Y年%m月%d日", "%m/%d/%Y"} <= set(input_formats)


# --- Kinds of date, control characters, ids (X3) -------------------------------------------------------------------


class PersonLikeForm(Form):
    name = forms.CharField(required=False)
    note = forms.CharField(required=False, widget=forms.Textarea)
    birth = BirthDateField(required=False)
    start = OfficeDateField(required=False)


def test_birth_date_field_refuses_the_future_and_before_1900():
    for text, message in (("9999-12-31", "未来の日付"), ("0001-01-01", "1900年"), ("1899-12-31", "1900年")):
        form = PersonLikeForm(data={"birth": text})
        assert not form.is_valid()
        assert message in form.errors["birth"][0]
    assert PersonLikeForm(data={"birth": "昭和45年2月3日"}).is_valid()


@pytest.mark.parametrize("text", ["9999-12-31", "0001-01-01", "1800-01-01", "1926-12-24"])
def test_office_date_field_refuses_dates_out_of_range(text):
    form = PersonLikeForm(data={"start": text})
    assert not form.is_valid()
    assert "までの日付を入力してください" in form.errors["start"][0]


def test_office_date_field_takes_the_first_day_of_showa():
    assert PersonLikeForm(data={"start": "昭和元年12月25日"}).is_valid()


@pytest.mark.parametrize("char", ["\x00", "\x01", "\x1b", "\x7f", "\x9f"])
def test_control_characters_are_refused_with_a_clear_message(char):
    """X3: not Django's 「何か文字を入力してください。」 for NUL, but what is wrong."""
    form = PersonLikeForm(data={"name": f"山{char}田", "note": f"a{char}"})
    assert not form.is_valid()
    assert form.errors["name"] == ["制御文字は使用できません。"]
    assert form.errors["note"] == ["制御文字は使用できません。"]


def test_tabs_and_line_breaks_are_text():
    form = PersonLikeForm(data={"name": "山田\t太郎", "note": "一行目\r\n二行目"})
    assert form.is_valid(), form.errors


@pytest.mark.django_db
@pytest.mark.parametrize("value", ["99999999999999999999", "9" * 5000, "²", "-1", "abc", "1.5"])
def test_id_choice_fields_refuse_impossible_ids_as_invalid_choices(value):
    """X3: an id too large for the database is "not one of the choices", not an OverflowError."""
    from django.contrib.auth.models import Group

    Group.objects.create(name="g")

    class ChoiceForm(Form):
        one = IdChoiceField(queryset=Group.objects.all(), required=False)
        many = IdMultipleChoiceField(queryset=Group.objects.all(), required=False)

    form = ChoiceForm(data={"one": value, "many": [value]})
    assert not form.is_valid()
    assert form.errors["one"][0].startswith("正しく選択してください。")
    assert form.errors["many"][0].startswith("正しく選択してください。")
    group = Group.objects.get()
    form = ChoiceForm(data={"one": str(group.pk), "many": [str(group.pk)]})
    assert form.is_valid(), form.errors
