from django import forms
from django.core.exceptions import ValidationError

from liaison.lib.forms import JapaneseDateField

from .actions import SETTINGS_FIELDS
from .models import Koban, PrefectureSettings, Reorganisation, Station


class PrefectureSettingsForm(forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput)

    class Meta:
        model = PrefectureSettings
        fields = SETTINGS_FIELDS

    def clean(self):
        data = super().clean()
        if data.get("council_size_min") and data.get("council_size_max"):
            if data["council_size_min"] > data["council_size_max"]:
                raise ValidationError("委員数の下限が上限を超えています。")
        if data.get("leader_share_min") is not None and data.get("leader_share_max") is not None:
            if data["leader_share_min"] > data["leader_share_max"] or data["leader_share_max"] > 100:
                raise ValidationError("コミュニティ・リーダーの割合は 0〜100% で、下限が上限以下になるよう入力してください。")
        if data.get("term_years") == 0:
            self.add_error("term_years", "任期は1年以上にしてください。")
        return data


class ReorganisationForm(forms.Form):
    kind = forms.ChoiceField(label="種別", choices=Reorganisation.Kind.choices, widget=forms.RadioSelect)
    effective_date = JapaneseDateField(label="実施日")
    from_station = forms.ModelChoiceField(label="移管元（統合元）の警察署", queryset=Station.objects.filter(active=True))
    to_station = forms.ModelChoiceField(label="移管先（統合先）の警察署", queryset=Station.objects.filter(active=True))
    kobans = forms.ModelMultipleChoiceField(
        label="移管する交番・駐在所（交番等の移管のとき）",
        queryset=Koban.objects.filter(active=True).select_related("station"),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 12}),
    )
    note = forms.CharField(label="備考", required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def clean(self):
        data = super().clean()
        if data.get("kind") == Reorganisation.Kind.MOVE_KOBANS and not data.get("kobans"):
            self.add_error("kobans", "移管する交番・駐在所を選んでください。")
        return data
