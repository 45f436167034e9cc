"""Forms of 地域安全の会 (N3.3): the meeting with its attendees, and an opinion or request received there."""

from django import forms
from django.utils.translation import gettext_lazy as _

from liaison.cases.models import Case
from liaison.lib import once
from liaison.lib.forms import Form, IdChoiceField, IdMultipleChoiceField, ModelForm, OfficeDateField
from liaison.lib.versioning import VersionedForm

from .actions.safety_meetings import MEETING_RAISERS
from .models import SafetyMeeting


class ContactChoiceField(IdMultipleChoiceField):
    """Contact persons as checkboxes, each named with their reading so namesakes can be told apart."""

    def label_from_instance(self, obj):
        person = obj.person
        koban = f"・{obj.koban.name}" if obj.koban_id else ""
        return f"{person.full_name}（{person.family_kana} {person.given_kana}{koban}）"


class SafetyMeetingForm(once.OncePerFormMixin, VersionedForm, ModelForm):
    held_on = OfficeDateField(label=_("開催日"))
    contacts = ContactChoiceField(
        label=_("出席した連絡員"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("承諾・依頼中・候補の連絡員から選びます。そのほかの出席者は下の欄に入力してください。"),
    )

    class Meta(ModelForm.Meta):
        model = SafetyMeeting
        fields = ["held_on", "venue", "held_with", "topics", "other_attendees", "materials", "notes"]
        widgets = {
            "topics": forms.Textarea(attrs={"rows": 4}),
            "other_attendees": forms.Textarea(attrs={"rows": 2}),
            "materials": forms.Textarea(attrs={"rows": 2}),
            "notes": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, contacts, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["contacts"].queryset = contacts
        if self.instance.pk and not self.is_bound:
            self.initial["contacts"] = list(self.instance.contacts.values_list("pk", flat=True))

    def values(self) -> dict:
        return {k: v for k, v in self.cleaned_data.items() if k not in ("contacts", "version")}


class SafetyMeetingOpinionForm(once.OncePerFormMixin, Form):
    """An opinion or request received at a 地域安全の会, with the answer given there."""

    content = forms.CharField(label=_("意見・要望"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3}))
    answer = forms.CharField(label=_("回答"), required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 3}))
    category = forms.ChoiceField(label=_("分類"), choices=Case.Category.choices)
    raised_by_kind = forms.ChoiceField(
        label=_("申出者の区分"), choices=[(k, Case.RaisedBy(k).label) for k in MEETING_RAISERS]
    )
    raised_by_person = IdChoiceField(label=_("申出た連絡員"), queryset=None, required=False)
    raised_by_name = forms.CharField(label=_("申出者名（連絡員以外のとき）"), required=False, max_length=60)
    section = IdChoiceField(label=_("担当課"), queryset=None, required=False)

    def __init__(self, *args, people, sections, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["raised_by_person"].queryset = people
        self.fields["section"].queryset = sections
