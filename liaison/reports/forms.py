"""What is asked before a form is printed."""

from __future__ import annotations

import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from liaison.lib.attachments import MultipleFileField, check_uploads
from liaison.lib.dates import today_tokyo
from liaison.lib.forms import Form, IdMultipleChoiceField, OfficeDateField
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


class SubmitReportForm(Form):
    """What the submitter adds when sending a report: a comment, and (Form 3) whether it is routine (C11.2)."""

    note = forms.CharField(
        label=_("コメント"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )
    routine = forms.BooleanField(label=_("軽易かつ定型的な内容（副署長・次長の決裁で足りる）"), required=False)


class DecisionForm(Form):
    """The approver's decision: approve (accept) or return, with a comment (required to return)."""

    APPROVE = "approve"
    RETURN = "return"

    decision = forms.ChoiceField(
        label=_("決裁"), choices=[(APPROVE, _("受理・決裁する")), (RETURN, _("差し戻す"))], widget=forms.RadioSelect
    )
    comment = forms.CharField(
        label=_("コメント"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("差し戻すときは、修正してほしい点を書いてください。"),
    )

    def clean(self):
        data = super().clean()
        if data.get("decision") == self.RETURN and not (data.get("comment") or "").strip():
            self.add_error("comment", gettext("差し戻す理由（修正してほしい点）を入力してください。"))
        return data


class GoodPracticeForm(Form):
    """C11.1(2): a good-practice report: title, text, the date it happened and attachments."""

    title = forms.CharField(label=_("件名"), max_length=200)
    occurred_on = OfficeDateField(label=_("実施日"))
    text = forms.CharField(label=_("内容"), max_length=20000, widget=forms.Textarea(attrs={"rows": 10}))
    uploads = MultipleFileField(
        label=_("添付ファイル"),
        required=False,
    )
    meetings = IdMultipleChoiceField(
        label=_("関連する会議"), queryset=None, required=False, help_text=_("自署の最近2年の会議から選べます。")
    )
    cases = IdMultipleChoiceField(
        label=_("関連する意見・要望"),
        queryset=None,
        required=False,
        help_text=_("自署の最近2年の意見・要望から選べます。"),
    )

    def __init__(self, *args, attached: int = 0, station=None, practice=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.attached = attached
        self.fields["meetings"].queryset = linkable_meetings(station, practice)
        self.fields["cases"].queryset = linkable_cases(station, practice)
        self.fields["meetings"].label_from_instance = lambda m: f"{timezone.localtime(m.starts_at):%Y-%m-%d} {m}"
        self.fields["cases"].label_from_instance = lambda c: f"{c.received_on:%Y-%m-%d} {c}"

    def clean_uploads(self):
        return check_uploads(self.cleaned_data.get("uploads") or [], attached=self.attached)


LINKABLE_DAYS = 730  # meetings and cases offered for linking: the station's last two years (and what is linked)


def linkable_meetings(station, practice=None):
    """The meetings a good practice of ``station`` may link to: the station's recent ones and those already linked."""
    from liaison.meetings.models import Meeting

    if station is None:
        return Meeting.objects.none()
    since = today_tokyo() - datetime.timedelta(days=LINKABLE_DAYS)
    recent = Q(council__station=station, starts_at__date__gte=since)
    linked = Q(pk__in=practice.meetings.values("pk")) if practice is not None else Q(pk__in=[])
    return Meeting.objects.filter(recent | linked).select_related("council").order_by("-starts_at", "-pk")


def linkable_cases(station, practice=None):
    """The cases a good practice of ``station`` may link to: the station's recent ones and those already linked."""
    from liaison.cases.models import Case

    if station is None:
        return Case.objects.none()
    since = today_tokyo() - datetime.timedelta(days=LINKABLE_DAYS)
    recent = Q(station=station, received_on__gte=since)
    linked = Q(pk__in=practice.cases.values("pk")) if practice is not None else Q(pk__in=[])
    return Case.objects.filter(recent | linked).order_by("-received_on", "-pk")
