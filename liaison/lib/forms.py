"""Form fields for Japanese input."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from liaison.lib.dates import DATE_INPUT_ERROR, parse_date_input
from liaison.lib.wareki import local_date, to_wareki

__all__ = ["DateInput", "JapaneseDateField", "JapaneseDateInput"]


class JapaneseDateInput(forms.DateInput):
    """A plain text box (not ``type=date``): police tablets type era dates such as 令和7年5月20日.

    The value is shown as ``2025-05-20``; ``JapaneseDateInput(wareki=True)`` shows ``令和7年5月20日`` instead. Both
    read back through :func:`liaison.lib.dates.parse_date_input`.
    """

    input_type = "text"

    def __init__(self, attrs=None, format=None, *, wareki: bool = False):
        merged = {"inputmode": "numeric", "placeholder": _("例: 令和7年5月20日"), "autocomplete": "off"}
        merged.update(attrs or {})
        super().__init__(attrs=merged, format=format)
        self.wareki = wareki

    def format_value(self, value):
        if self.wareki and isinstance(value, dt.date):
            return to_wareki(value)
        return super().format_value(value)


DateInput = JapaneseDateInput


class JapaneseDateField(forms.DateField):
    """A ``DateField`` that reads 2025-05-20, 2025/5/20, 2025年5月20日, 令和7年5月20日, R7.5.20 and full-width digits."""

    widget = JapaneseDateInput
    default_error_messages = {"invalid": DATE_INPUT_ERROR}

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, dt.date):
            return local_date(value)
        try:
            return parse_date_input(str(value))
        except ValueError:
            raise ValidationError(self.error_messages["invalid"], code="invalid") from None
