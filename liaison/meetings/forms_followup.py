"""Forms of what follows meetings (C8.2, C9.1, C9.2), built from the bases in liaison.lib.forms."""

from django import forms
from django.utils.translation import gettext_lazy as _

from liaison.cases.models import Case
from liaison.lib import once
from liaison.lib.forms import Form, IdChoiceField, IdMultipleChoiceField, OfficeDateField
from liaison.lib.versioning import VersionedForm
from liaison.org.picker import OfficerPickerField

from .actions.followup import MEETING_RAISERS
from .models import MemberContact


class OpinionForm(once.OncePerFormMixin, Form):
    """An opinion or request raised at a meeting, with the answer given there (Form 3: 意見・要望 beside 回答)."""

    content = forms.CharField(label=_("意見・要望"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3}))
    answer = forms.CharField(label=_("回答"), required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 3}))
    category = forms.ChoiceField(label=_("分類"), choices=Case.Category.choices)
    raised_by_kind = forms.ChoiceField(
        label=_("申出者の区分"), choices=[(k, Case.RaisedBy(k).label) for k in MEETING_RAISERS]
    )
    raised_by_person = IdChoiceField(label=_("申出た委員"), queryset=None, required=False)
    raised_by_name = forms.CharField(label=_("申出者名（委員以外の参加者のとき）"), required=False, max_length=60)
    section = IdChoiceField(label=_("担当課"), queryset=None, required=False)

    def __init__(self, *args, members, sections, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["raised_by_person"].queryset = members
        self.fields["section"].queryset = sections


class ActivityForm(once.OncePerFormMixin, VersionedForm, Form):
    title = forms.CharField(label=_("件名"), max_length=120)
    plan = forms.CharField(label=_("計画"), required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 4}))
    started_on = OfficeDateField(label=_("開始日"))
    cases = IdMultipleChoiceField(
        label=_("関連する意見・要望"), queryset=None, required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, cases, activity=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cases"].queryset = cases
        if activity is not None and not self.is_bound:
            self.initial.update(
                title=activity.title,
                plan=activity.plan,
                started_on=activity.started_on,
                cases=list(activity.cases.values_list("pk", flat=True)),
                version=activity.version,
            )


class InterimPlanForm(Form):
    due_on = OfficeDateField(label=_("中間連絡の期限"))
    note = forms.CharField(label=_("連絡する内容"), required=False, max_length=2000)


class InterimRecordForm(Form):
    reported_on = OfficeDateField(label=_("協議会に連絡した日"))
    meeting = IdChoiceField(label=_("連絡した会議（会議で連絡したとき）"), queryset=None, required=False)
    note = forms.CharField(label=_("連絡した内容"), required=False, max_length=2000)

    def __init__(self, *args, meetings, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["meeting"].queryset = meetings


class ActivityCloseForm(VersionedForm, Form):
    closed_on = OfficeDateField(label=_("終了日"))
    outcome = forms.CharField(label=_("結果"), max_length=4000, widget=forms.Textarea(attrs={"rows": 4}))


class MemberInformationForm(once.OncePerFormMixin, Form):
    received_on = OfficeDateField(label=_("受理日"))
    person = IdChoiceField(label=_("情報を提供した委員"), queryset=None, required=False)
    meeting = IdChoiceField(label=_("会議（会議で受け取ったとき）"), queryset=None, required=False)
    content = forms.CharField(label=_("内容"), max_length=4000, widget=forms.Textarea(attrs={"rows": 4}))
    file = forms.FileField(label=_("資料"), required=False)

    def __init__(self, *args, members, meetings, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = members
        self.fields["meeting"].queryset = meetings


class InformationReportForm(Form):
    reported_on = OfficeDateField(label=_("署長に報告した日"))
    ids = IdMultipleChoiceField(label=_("報告した情報"), queryset=None, widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, items, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["ids"].queryset = items


class MemberContactForm(once.OncePerFormMixin, Form):
    on = OfficeDateField(label=_("日付"))
    person = IdChoiceField(label=_("委員"), queryset=None)
    kind = forms.ChoiceField(label=_("方法"), choices=MemberContact.Kind.choices)
    officer = OfficerPickerField(label=_("担当者"))
    note = forms.CharField(label=_("内容"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, members, officers, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = members
        self.fields["officer"].scope(officers, user)
