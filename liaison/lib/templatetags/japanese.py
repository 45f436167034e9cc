"""Japanese display filters, registered as template builtins (no ``{% load %}`` needed).

``{{ d|wareki }}`` 令和7年5月20日 · ``{{ d|wareki:"western" }}`` 令和7年（2025年）5月20日, as date fields show a
date (for a hand-written text box that the date parser reads back) · ``{{ d|wareki_month }}`` 令和7年5月 ·
``{{ tel|phone }}`` 0467-12-3456 · ``{{ birth|age }}`` age today in Japan · ``{{ kana|katakana }}`` full-width katakana.

Empty values (``None``, ``""``) give ``""``. Values a filter cannot handle are shown unchanged rather than breaking
the page.
"""

from __future__ import annotations

import datetime as dt

from django import template

from liaison.lib.dates import age_on, parse_date_input, today_tokyo
from liaison.lib.kana import normalize_reading
from liaison.lib.phone import format_phone
from liaison.lib.wareki import to_wareki, to_wareki_month

register = template.Library()


def _as_date(value):
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        return parse_date_input(value)
    raise ValueError(value)


@register.filter(name="wareki")
def wareki_filter(value, style=""):
    if value in (None, ""):
        return ""
    try:
        return to_wareki(_as_date(value), western_year=style == "western")
    except (TypeError, ValueError):
        return value


@register.filter(name="wareki_month")
def wareki_month_filter(value):
    if value in (None, ""):
        return ""
    try:
        return to_wareki_month(_as_date(value))
    except (TypeError, ValueError):
        return value


@register.filter(name="phone")
def phone_filter(value):
    if value in (None, ""):
        return ""
    return format_phone(str(value))


@register.filter(name="age")
def age_filter(value):
    if value in (None, ""):
        return ""
    try:
        return age_on(_as_date(value), today_tokyo())
    except (TypeError, ValueError):
        return ""


@register.filter(name="katakana")
def katakana_filter(value):
    if value in (None, ""):
        return ""
    try:
        return normalize_reading(str(value))
    except ValueError:
        return value
