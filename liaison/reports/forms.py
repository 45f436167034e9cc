"""What is asked before a form is printed."""

from __future__ import annotations

import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from liaison.lib.dates import today_tokyo
from liaison.lib.forms import Form, OfficeDateField
from liaison.lib.wareki import to_wareki

from .numbers import document_number, document_number_digits


class SetupReportForm(Form):
    """C11.1(1): the document number and the report date of Form 2; both may be left blank."""

    number = forms.CharField(label=_("文書番号"), required=False, max_length=30)
    date = OfficeDateField(label=_("報告日"), required=False, help_text=_("空欄なら今日の日付で印刷します。"))

    def __init__(self, *args, prefix_text: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.prefix_text = prefix_text
        self.fields["number"].help_text = gettext(
            "数字だけ（1234）でも、印刷される形（%(example)s）でも入力できます。空欄なら手書き用に空けて印刷します。"
        ) % {"example": document_number(prefix_text, "1234")}

    def clean_number(self) -> str:
        try:
            return document_number_digits(self.cleaned_data["number"], self.prefix_text)
        except ValueError:
            raise ValidationError(
                gettext("文書番号は 1234 または %(example)s のように数字で入力してください。")
                % {"example": document_number(self.prefix_text, "1234")},
                code="invalid",
            ) from None

    def clean_date(self) -> datetime.date | None:
        day = self.cleaned_data["date"]
        if day is None:
            return None
        latest = today_tokyo() + datetime.timedelta(days=366)
        if day > latest:
            raise ValidationError(
                gettext("報告日は %(latest)s までの日付を入力してください。") % {"latest": to_wareki(latest)},
                code="too_late",
            )
        return day
