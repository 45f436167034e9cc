from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from liaison.lib import once
from liaison.lib.forms import Form, IdChoiceField, IdMultipleChoiceField, ModelForm, OfficeDateField
from liaison.lib.kana import READING_ERROR, clean_name, normalize_reading
from liaison.lib.versioning import VersionedForm

from .actions import HQ_DIVISION_FIELDS, SECTION_FIELDS, SETTINGS_FIELDS, STATION_FIELDS, officer_clean_values
from .models import HQDivision, Koban, Officer, PrefectureSettings, Reorganisation, Section, Station

MAX_TERM_YEARS = 10


class PrefectureSettingsForm(VersionedForm, ModelForm):
    class Meta(ModelForm.Meta):
        model = PrefectureSettings
        fields = SETTINGS_FIELDS

    def clean(self):
        data = super().clean()
        if data.get("council_size_min") and data.get("council_size_max"):
            if data["council_size_min"] > data["council_size_max"]:
                raise ValidationError(_("委員数の下限が上限を超えています。"))
        if data.get("leader_share_min") is not None and data.get("leader_share_max") is not None:
            if data["leader_share_min"] > data["leader_share_max"] or data["leader_share_max"] > 100:
                raise ValidationError(
                    _("コミュニティ・リーダーの割合は 0〜100% で、下限が上限以下になるよう入力してください。")
                )
        if data.get("term_years") == 0:
            self.add_error("term_years", _("任期は1年以上にしてください。"))
        elif (data.get("term_years") or 0) > MAX_TERM_YEARS:
            # A term's end is computed from its start; thousands of years would overflow the calendar.
            self.add_error("term_years", _("任期は%(max)s年以下にしてください。") % {"max": MAX_TERM_YEARS})
        return data


class ReorganisationForm(Form):
    kind = forms.ChoiceField(label=_("種別"), choices=Reorganisation.Kind.choices, widget=forms.RadioSelect)
    effective_date = OfficeDateField(label=_("実施日"))
    from_station = IdChoiceField(label=_("移管元（統合元）の警察署"), queryset=Station.objects.filter(active=True))
    to_station = IdChoiceField(label=_("移管先（統合先）の警察署"), queryset=Station.objects.filter(active=True))
    kobans = IdMultipleChoiceField(
        label=_("移管する交番・駐在所（交番等の移管のとき）"),
        queryset=Koban.objects.filter(active=True).select_related("station"),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 12}),
    )
    note = forms.CharField(label=_("備考"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def clean(self):
        data = super().clean()
        if data.get("kind") == Reorganisation.Kind.MOVE_KOBANS and not data.get("kobans"):
            self.add_error("kobans", _("移管する交番・駐在所を選んでください。"))
        return data


class StationForm(once.OncePerFormMixin, VersionedForm, ModelForm):
    class Meta(ModelForm.Meta):
        model = Station
        fields = STATION_FIELDS
        labels = {"order": _("表示順")}


class HQDivisionForm(once.OncePerFormMixin, VersionedForm, ModelForm):
    class Meta(ModelForm.Meta):
        model = HQDivision
        fields = HQ_DIVISION_FIELDS
        labels = {"order": _("表示順")}


class SectionForm(once.OncePerFormMixin, VersionedForm, ModelForm):
    """A section of one station; the station is fixed by the page, so the action checks the name within it."""

    class Meta(ModelForm.Meta):
        model = Section
        fields = SECTION_FIELDS
        labels = {"order": _("表示順"), "is_community": _("地域課（1署に1つ）")}


class KobanChoiceField(IdChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.station.name} {obj.name}"


class KobanForm(once.OncePerFormMixin, VersionedForm, ModelForm):
    class Meta(ModelForm.Meta):
        model = Koban
        fields = ["station", "name", "kind", "jurisdiction_name", "municipality", "area", "order"]
        labels = {"order": _("表示順")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["station"].queryset = Station.objects.filter(active=True)
        if self.instance.pk:
            self.fields["station"].disabled = True
            self.fields["station"].help_text = _("他の警察署への移管は「再編整備」で登録します。")


class OfficerForm(once.OncePerFormMixin, VersionedForm, ModelForm):
    """Names, rank, title, role and placement. Readings may be typed in hiragana or half-width katakana."""

    koban = KobanChoiceField(
        label=_("交番・駐在所"), queryset=Koban.objects.filter(active=True).select_related("station"), required=False
    )

    class Meta(ModelForm.Meta):
        model = Officer
        fields = [
            "family_name",
            "given_name",
            "family_kana",
            "given_kana",
            "rank",
            "title",
            "role",
            "hq_division",
            "station",
            "section",
            "koban",
        ]
        help_texts = {
            "role": _("本部の役割は本部所属を、署の役割は警察署を、交番・駐在所の役割は交番・駐在所も選びます。"),
            "section": _("交番・駐在所の職員と署地域課の職員は、その署の地域課になります。"),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["station"].queryset = Station.objects.filter(active=True)
        self.fields["section"].queryset = Section.objects.filter(station__active=True).select_related("station")

    def clean_family_name(self):
        return clean_name(self.cleaned_data["family_name"])

    def clean_given_name(self):
        return clean_name(self.cleaned_data["given_name"])

    def _reading(self, name):
        try:
            return normalize_reading(self.cleaned_data[name])
        except ValueError as error:
            raise ValidationError(READING_ERROR) from error

    def clean_family_kana(self):
        return self._reading("family_kana")

    def clean_given_kana(self):
        return self._reading("given_kana")

    def clean(self):
        """The action's placement rules, shown on the field concerned before the model's own constraints run."""
        data = super().clean()
        try:
            data.update(officer_clean_values(self.placement_values()))
        except ValidationError as error:
            for field, messages in error.message_dict.items():
                if field not in self.errors:
                    self.add_error(field, messages)
        return data

    def placement_values(self) -> dict:
        return {name: self.cleaned_data.get(name) for name in self.Meta.fields}


class NewPasswordForm(Form):
    """Type a password twice, or leave both blank to have one generated and shown once."""

    password1 = forms.CharField(
        label=_("パスワード"),
        required=False,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("10文字以上。空欄のままにすると自動で作成し、保存後に一度だけ表示します。"),
    )
    password2 = forms.CharField(
        label=_("パスワード（確認）"),
        required=False,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self):
        data = super().clean()
        p1, p2 = data.get("password1") or "", data.get("password2") or ""
        if p1 != p2:
            self.add_error("password2", _("確認のため、同じパスワードを2回入力してください。"))
        return data

    @property
    def typed_password(self) -> str:
        return self.cleaned_data.get("password1") or ""


class OfficerCreateForm(OfficerForm):
    username = forms.CharField(
        label=_("ログインID"),
        max_length=150,
        help_text=_("半角英数字と @ . + - _ が使えます。"),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    password1 = NewPasswordForm.base_fields["password1"]
    password2 = NewPasswordForm.base_fields["password2"]

    field_order = ["username", "password1", "password2"]

    def clean(self):
        data = super().clean()
        if (data.get("password1") or "") != (data.get("password2") or ""):
            self.add_error("password2", _("確認のため、同じパスワードを2回入力してください。"))
        return data

    @property
    def typed_password(self) -> str:
        return self.cleaned_data.get("password1") or ""
