import datetime as dt

import pytest
from django.conf import settings
from django.template import Context, Engine
from django.utils import translation

from liaison.lib.dates import parse_date_input
from liaison.lib.templatetags import japanese

LIBRARY = "liaison.lib.templatetags.japanese"


@pytest.fixture
def engine():
    # The same builtins setting the project uses, without loading every app's template libraries.
    return Engine(builtins=[LIBRARY])


def render(engine, source, **context):
    return engine.from_string(source).render(Context(context))


def test_registered_as_builtin_in_settings():
    builtins = [b for t in settings.TEMPLATES for b in t.get("OPTIONS", {}).get("builtins", [])]
    assert LIBRARY in builtins
    assert set(japanese.register.filters) >= {"wareki", "wareki_month", "phone", "age", "katakana"}


def test_wareki_filter(engine):
    """X3: {{ d|wareki }} shows the Japanese-era date without any {% load %}."""
    assert render(engine, "{{ d|wareki }}", d=dt.date(2025, 5, 20)) == "令和7年5月20日"
    assert render(engine, "{{ d|wareki }}", d=dt.date(2019, 5, 1)) == "令和元年5月1日"
    assert render(engine, "{{ d|wareki }}", d=dt.date(2019, 4, 30)) == "平成31年4月30日"
    assert render(engine, "{{ d|wareki }}", d=None) == ""
    assert render(engine, "{{ d|wareki }}", d="") == ""
    assert render(engine, "{{ missing|wareki }}") == ""


def test_wareki_filter_on_aware_datetime(engine):
    """X3: an aware datetime is shown as its date in Japan."""
    moment = dt.datetime(2019, 4, 30, 15, 0, tzinfo=dt.UTC)
    assert render(engine, "{{ d|wareki }}", d=moment) == "令和元年5月1日"


def test_wareki_filter_on_strings(engine):
    assert render(engine, "{{ d|wareki }}", d="2025-05-20") == "令和7年5月20日"
    assert render(engine, "{{ d|wareki }}", d="不明") == "不明"
    with translation.override("ja"):  # before 明治: the date is shown as an ordinary localised date
        assert render(engine, "{{ d|wareki }}", d=dt.date(1800, 1, 1)) == "1800年1月1日"


def test_wareki_filter_with_the_western_year_for_text_boxes(engine):
    """X3 (issue 7): a hand-written date box shows what the date fields show, and the parser reads it back."""
    shown = render(engine, '{{ d|wareki:"western" }}', d=dt.date(2026, 11, 26))
    assert shown == "令和8年（2026年）11月26日"
    assert parse_date_input(shown) == dt.date(2026, 11, 26)
    assert render(engine, '{{ d|wareki:"western" }}', d=None) == ""


def test_wareki_month_filter(engine):
    assert render(engine, "{{ d|wareki_month }}", d=dt.date(2025, 5, 20)) == "令和7年5月"
    assert render(engine, "{{ d|wareki_month }}", d=None) == ""


def test_phone_filter(engine):
    """X3 (issue 7): grouped after the real area code."""
    assert render(engine, "{{ t|phone }}", t="09012345678") == "090-1234-5678"
    assert render(engine, "{{ t|phone }}", t="0312345678") == "03-1234-5678"
    assert render(engine, "{{ t|phone }}", t="0877221234") == "0877-22-1234"
    assert render(engine, "{{ t|phone }}", t=None) == ""
    assert render(engine, "{{ t|phone }}", t="内線12") == "内線12"


def test_phone_filter_escapes(engine):
    assert render(engine, "{{ t|phone }}", t="<b>") == "&lt;b&gt;"


def test_age_filter(engine, monkeypatch):
    monkeypatch.setattr(japanese, "today_tokyo", lambda: dt.date(2025, 5, 20))
    assert render(engine, "{{ b|age }}", b=dt.date(1990, 5, 20)) == "35"
    assert render(engine, "{{ b|age }}", b=dt.date(1990, 5, 21)) == "34"
    assert render(engine, "{{ b|age }}", b=dt.date(2000, 2, 29)) == "25"
    assert render(engine, "{{ b|age }}", b=None) == ""
    assert render(engine, "{{ b|age }}", b=dt.date(2030, 1, 1)) == ""  # not born yet
    assert render(engine, "{{ b|age }}", b="x") == ""


def test_age_filter_uses_today_in_japan():
    today = japanese.today_tokyo()
    assert japanese.age_filter(today) == 0


def test_katakana_filter(engine):
    assert render(engine, "{{ k|katakana }}", k="やまだ　たろう") == "ヤマダタロウ"
    assert render(engine, "{{ k|katakana }}", k="ﾔﾏﾀﾞ") == "ヤマダ"
    assert render(engine, "{{ k|katakana }}", k="山田") == "山田"  # not a reading: unchanged
    assert render(engine, "{{ k|katakana }}", k="<i>") == "&lt;i&gt;"
    assert render(engine, "{{ k|katakana }}", k=None) == ""
