"""Forms of safety information (N3.1エ, N3.2): publishing and correcting an item, passing it on to kobans,
distributing it to contact persons, and what a contact person said about sharing it."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from liaison.lib import once
from liaison.lib.attachments import MultipleFileField, check_uploads
from liaison.lib.forms import Form, IdChoiceField, IdMultipleChoiceField, ModelForm, OfficeDateField
from liaison.lib.versioning import VersionedForm

from .models import Distribution, SafetyInfo


class InfoForm(once.OncePerFormMixin, VersionedForm, ModelForm):
    """An item's text, dates and attachments; a new item also says where it goes."""

    published_on = OfficeDateField(label=_("発信日"))
    valid_until = OfficeDateField(label=_("掲載期限"), required=False, help_text=_("空欄なら期限なし"))
    all_stations = forms.BooleanField(label=_("全警察署に発信"), required=False)
    stations = IdMultipleChoiceField(
        label=_("発信先の警察署"), queryset=None, required=False, widget=forms.CheckboxSelectMultiple
    )
    kobans = IdMultipleChoiceField(
        label=_("発信先の交番・駐在所"), queryset=None, required=False, widget=forms.CheckboxSelectMultiple
    )
    uploads = MultipleFileField(
        label=_("添付ファイル"),
        required=False,
    )

    class Meta(ModelForm.Meta):
        model = SafetyInfo
        fields = ["title", "body", "area", "published_on", "valid_until"]
        widgets = {"body": forms.Textarea(attrs={"rows": 8})}

    def __init__(self, *args, stations=None, kobans=None, own_station=None, attached: int = 0, **kwargs):
        super().__init__(*args, **kwargs)
        self.attached = attached
        if self.instance.pk is not None:  # where an item goes is decided when it is published
            for name in ("all_stations", "stations", "kobans"):
                del self.fields[name]
            return
        self.fields["kobans"].queryset = kobans
        self.fields["kobans"].label_from_instance = lambda k: (
            f"{k.station.name} {k.name}" if own_station is None else k.name
        )
        if own_station is None:
            self.fields["stations"].queryset = stations
        else:
            # A station publishes to itself as a whole or to chosen kobans of its own.
            del self.fields["stations"]
            self.fields["all_stations"].label = _("%(station)s全体に発信") % {"station": own_station.name}

    def clean_uploads(self):
        return check_uploads(self.cleaned_data.get("uploads") or [], attached=self.attached)

    def clean(self):
        data = super().clean()
        published_on, valid_until = data.get("published_on"), data.get("valid_until")
        if published_on and valid_until and valid_until < published_on:
            self.add_error("valid_until", gettext("掲載期限は発信日以降の日付にしてください。"))
        if self.instance.pk is None and "kobans" in self.fields:
            chosen = data.get("all_stations") or data.get("stations") or data.get("kobans")
            if not chosen:
                raise ValidationError(gettext("発信先の警察署または交番・駐在所を選んでください。"))
        return data

    def values(self) -> dict:
        return {k: self.cleaned_data.get(k) for k in ("title", "body", "area", "published_on", "valid_until")}


class PassOnForm(Form):
    """N3.1エ: the kobans of the own station an item received is passed on to."""

    kobans = IdMultipleChoiceField(label=_("伝達する交番・駐在所"), queryset=None, widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, kobans, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kobans"].queryset = kobans
        self.fields["kobans"].label_from_instance = lambda k: k.name


class RecipientFilterForm(Form):
    """Whose contact persons the distribution page lists: the whole station, or one koban's."""

    koban = IdChoiceField(label=_("交番・駐在所"), queryset=None, required=False, empty_label=_("すべて"))

    def __init__(self, *args, kobans, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["koban"].queryset = kobans


class DistributeForm(once.OncePerFormMixin, Form):
    """N3.2: how an item is given to the listed contact persons (and, for a hand-over, the day)."""

    method = forms.ChoiceField(label=_("提供の方法"), choices=Distribution.Method.choices, widget=forms.RadioSelect)
    koban = IdChoiceField(label=_("交番・駐在所"), queryset=None, required=False, widget=forms.HiddenInput)
    handed_on = OfficeDateField(label=_("手渡しした日"), required=False, help_text=_("手渡しのとき。空欄なら今日"))

    def __init__(self, *args, kobans, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["koban"].queryset = kobans


class SharedForm(Form):
    """N3.2: what a contact person said, when they said it, about passing the item on to residents (optional)."""

    CHOICES = [("", _("記録しない")), ("yes", _("住民に発信した")), ("no", _("発信していない"))]

    shared = forms.ChoiceField(label=_("住民への発信（本人の申出）"), choices=CHOICES, required=False)
    note = forms.CharField(label=_("申出の内容"), max_length=200, required=False)

    def shared_value(self) -> bool | None:
        return {"yes": True, "no": False}.get(self.cleaned_data.get("shared") or "")
