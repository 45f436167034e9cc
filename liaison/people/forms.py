from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from liaison.lib import once
from liaison.lib.forms import BirthDateField, Form, ModelForm, OfficeDateField
from liaison.lib.kana import READING_ERROR, clean_name, normalize_reading
from liaison.lib.phone import phone_digits
from liaison.lib.versioning import VersionedForm

from .actions import PERSON_FIELDS
from .models import Person, PublicOfficeRecord
from .postal import normalize_postal_code


class PersonForm(ModelForm):
    """住民等の登録・変更. Values are tidied here so errors show next to the field; the actions tidy them again."""

    birth_date = BirthDateField(label=_("生年月日"), required=False)
    # Typed with hyphens, brackets or full-width digits; stored shorter (digits only / 123-4567).
    phone = forms.CharField(
        label=_("電話番号"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "tel", "placeholder": _("例: 022-123-4567")}),
    )
    postal_code = forms.CharField(
        label=_("郵便番号"),
        max_length=10,
        required=False,
        help_text=_("入力すると住所の一部が自動で入ります（入らないときは手で入力してください）。"),
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "off", "placeholder": _("例: 980-0811"), "data-postal": "1"}
        ),
    )

    class Meta(ModelForm.Meta):
        model = Person
        fields = PERSON_FIELDS
        widgets = {
            "family_name": forms.TextInput(attrs={"autocomplete": "off"}),
            "given_name": forms.TextInput(attrs={"autocomplete": "off"}),
            "family_kana": forms.TextInput(attrs={"autocomplete": "off"}),
            "given_kana": forms.TextInput(attrs={"autocomplete": "off"}),
            "address_prefecture": forms.TextInput(attrs={"data-postal-fill": "prefecture"}),
            "address_city": forms.TextInput(attrs={"data-postal-fill": "city"}),
            "address_town": forms.TextInput(attrs={"data-postal-fill": "town"}),
            "notes": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {
            "family_kana": _("カタカナまたはひらがなで入力してください。"),
            "given_kana": _("カタカナまたはひらがなで入力してください。"),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["family_kana"].label = _("セイ（読み）")
        self.fields["given_kana"].label = _("メイ（読み）")
        self.fields["gender"].choices = [("", _("未記入")), *Person.Gender.choices]

    def clean_family_name(self):
        return clean_name(self.cleaned_data["family_name"])

    def clean_given_name(self):
        return clean_name(self.cleaned_data["given_name"])

    def _reading(self, name):
        try:
            return normalize_reading(self.cleaned_data[name])
        except ValueError:
            raise ValidationError(READING_ERROR) from None

    def clean_family_kana(self):
        return self._reading("family_kana")

    def clean_given_kana(self):
        return self._reading("given_kana")

    def clean_phone(self):
        value = self.cleaned_data["phone"]
        if not value:
            return ""
        try:
            return phone_digits(value)
        except ValueError as error:
            raise ValidationError(str(error)) from None

    def clean_postal_code(self):
        try:
            digits = normalize_postal_code(self.cleaned_data["postal_code"])
        except ValueError as error:
            raise ValidationError(str(error)) from None
        return f"{digits[:3]}-{digits[3:]}" if digits else ""

    def values(self) -> dict:
        return {name: self.cleaned_data.get(name) for name in PERSON_FIELDS}


class PersonCreateForm(once.OncePerFormMixin, PersonForm):
    confirm_distinct = forms.BooleanField(
        label=_("別人として登録する"),
        required=False,
        help_text=_("似ている記録が表示されたとき、同じ人でないことを確かめてから選んでください。"),
    )


class PersonEditForm(VersionedForm, PersonForm):
    """A person's particulars with the version the screen was opened at."""


class PublicOfficeForm(once.OncePerFormMixin, Form):
    kind = forms.ChoiceField(label=_("区分"), choices=PublicOfficeRecord.Kind.choices, widget=forms.RadioSelect)
    office = forms.CharField(label=_("公職名"), max_length=100, help_text=_("例: 仙台市議会議員、○○町長"))
    start_date = OfficeDateField(label=_("開始日"), help_text=_("立候補の届出日、または就任日"))
    end_date = OfficeDateField(label=_("終了日"), required=False)
    note = forms.CharField(label=_("備考"), max_length=200, required=False)

    def clean_office(self):
        return clean_name(self.cleaned_data["office"])

    def clean(self):
        data = super().clean()
        start, end = data.get("start_date"), data.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", _("終了日は開始日以降の日付にしてください。"))
        return data


class MergeSearchForm(Form):
    q = forms.CharField(label=_("残す記録を検索（氏名・読み・電話番号）"), required=False)
