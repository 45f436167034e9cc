"""The meetings' forms (C7, C8.1, C10), on the safe bases of liaison.lib.forms."""

from __future__ import annotations

import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from liaison.lib import once
from liaison.lib.forms import Form, IdChoiceField, IdMultipleChoiceField, OfficeDateField
from liaison.lib.versioning import VersionedForm
from liaison.org.picker import OfficerPickerField

from .models import Meeting

MAX_UPLOAD_BYTES = 20 * 1024 * 1024  # a scanned newsletter or a slide deck; larger files belong on the file server
# What meeting materials are: documents, spreadsheets, slides, images, text (C10.5). Programs and archives are not.
ALLOWED_EXTENSIONS = {
    ".pdf",
    ".doc",
    ".docx",
    ".xls",
    ".xlsx",
    ".ppt",
    ".pptx",
    ".jpg",
    ".jpeg",
    ".png",
    ".txt",
    ".csv",
}
MAX_GUESTS = 20  # rows offered for guests; a meeting with more records them in the minutes


class MeetingForm(once.OncePerFormMixin, VersionedForm, Form):
    """Schedule or change a meeting: the date and times are read apart and joined in Asia/Tokyo."""

    council = IdChoiceField(label=_("協議会"), queryset=None)
    kind = forms.ChoiceField(label=_("会議種別"), choices=Meeting.Kind.choices)
    date = OfficeDateField(label=_("開催日"))
    start_time = forms.TimeField(label=_("開始時刻"), widget=forms.TimeInput(attrs={"type": "time"}))
    end_time = forms.TimeField(label=_("終了時刻"), required=False, widget=forms.TimeInput(attrs={"type": "time"}))
    venue_kind = forms.ChoiceField(label=_("開催場所の種別"), choices=Meeting.VenueKind.choices)
    venue_name = forms.CharField(label=_("開催場所"), max_length=80)
    themes = forms.MultipleChoiceField(
        label=_("テーマ"), choices=Meeting.Theme.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    theme_note = forms.CharField(label=_("テーマ（その他）"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    trigger = forms.CharField(
        label=_("開催の契機（臨時会議）"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("例: 空き巣の連続発生"),
    )
    measures = forms.MultipleChoiceField(
        label=_("合意した対策（臨時会議）"),
        choices=Meeting.Measure.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    measures_note = forms.CharField(label=_("対策の内容"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    minutes = forms.CharField(label=_("議事の概要"), required=False, widget=forms.Textarea(attrs={"rows": 5}))
    remarks = forms.CharField(
        label=_("備考"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("開催結果報告書に印字します"),
    )
    election_override_reason = forms.CharField(
        label=_("選挙運動期間中に開催する理由"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("開催日が選挙運動期間に当たるときだけ入力します（要綱第10-3）"),
    )

    def __init__(self, *args, councils, instance: Meeting | None = None, **kwargs):
        self.instance = instance
        if instance is not None and "initial" not in kwargs:
            start = timezone.localtime(instance.starts_at)
            end = timezone.localtime(instance.ends_at) if instance.ends_at else None
            kwargs["initial"] = {
                "council": instance.council_id,
                "kind": instance.kind,
                "date": start.date(),
                "start_time": start.time().replace(second=0, microsecond=0),
                "end_time": end.time().replace(second=0, microsecond=0) if end else None,
                **{
                    f: getattr(instance, f)
                    for f in (
                        "venue_kind",
                        "venue_name",
                        "themes",
                        "theme_note",
                        "trigger",
                        "measures",
                        "measures_note",
                        "minutes",
                        "remarks",
                        "election_override_reason",
                    )
                },
            }
        super().__init__(*args, **kwargs)
        self.fields["council"].queryset = councils
        if instance is not None:
            self.fields["council"].disabled = True  # a meeting stays with its council

    def clean(self):
        data = super().clean()
        day, start, end = data.get("date"), data.get("start_time"), data.get("end_time")
        if day and start:
            data["starts_at"] = timezone.make_aware(datetime.datetime.combine(day, start))
            data["ends_at"] = timezone.make_aware(datetime.datetime.combine(day, end)) if end else None
            if end and end <= start:
                self.add_error("end_time", _("終了時刻は開始時刻より後にしてください。"))
        return data

    def values(self) -> dict:
        d = self.cleaned_data
        keys = ("kind", "starts_at", "ends_at", "venue_kind", "venue_name", "themes", "theme_note", "trigger")
        keys += ("measures", "measures_note", "minutes", "remarks")
        return {k: d.get(k) for k in keys}


class CancelForm(Form):
    reason = forms.CharField(label=_("中止の理由"), required=False, max_length=200)


class GuestForm(Form):
    name = forms.CharField(label=_("氏名"), max_length=60, required=False)
    affiliation = forms.CharField(label=_("所属"), max_length=80, required=False)
    reason = forms.CharField(label=_("参加の理由"), max_length=200, required=False)


GuestFormSet = forms.formset_factory(GuestForm, extra=3, max_num=MAX_GUESTS, absolute_max=MAX_GUESTS)


class AttendanceForm(Form):
    """Members ticked from the council's list on the meeting date, and the officers who attended."""

    members = IdMultipleChoiceField(
        label=_("出席した委員"), queryset=None, required=False, widget=forms.CheckboxSelectMultiple
    )
    officers = IdMultipleChoiceField(
        label=_("参加した警察官"), queryset=None, required=False, widget=forms.CheckboxSelectMultiple
    )
    add_officer = OfficerPickerField(label=_("警察官を追加"), required=False)

    def __init__(self, *args, memberships, officers, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["members"].queryset = memberships
        self.fields["members"].label_from_instance = lambda m: f"{m.person.full_name}（{m.get_post_display()}）"
        self.fields["officers"].queryset = officers
        self.fields["officers"].label_from_instance = lambda o: (
            f"{o.get_rank_display()} {o.full_name}（{o.affiliation}）"
        )
        self.fields["add_officer"].scope(officers, user)

    def chosen_officers(self) -> list:
        chosen = list(self.cleaned_data.get("officers") or [])
        extra = self.cleaned_data.get("add_officer")
        if extra is not None and extra not in chosen:
            chosen.append(extra)
        return chosen


class MaterialForm(Form):
    """Upload a file, or pick materials the station used before (C10.5)."""

    title = forms.CharField(label=_("資料名"), max_length=120, required=False)
    file = forms.FileField(label=_("ファイル"), required=False)
    reuse = IdMultipleChoiceField(
        label=_("以前の資料から選ぶ"), queryset=None, required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, earlier, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reuse"].queryset = earlier

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if upload is None:
            return None
        name = upload.name.lower()
        if "." not in name or name[name.rindex(".") :] not in ALLOWED_EXTENSIONS:
            raise ValidationError(
                _(
                    "この種類のファイルは添付できません。PDF、Word、Excel、PowerPoint、画像（JPEG・PNG）、テキストを選んでください。"
                )
            )
        if upload.size > MAX_UPLOAD_BYTES:
            raise ValidationError(
                _("ファイルが大きすぎます（%(size)sMBまで）。") % {"size": MAX_UPLOAD_BYTES // (1024 * 1024)}
            )
        return upload

    def clean(self):
        data = super().clean()
        if not data.get("file") and not data.get("reuse") and not self.errors:
            raise ValidationError(_("ファイルを選ぶか、以前の資料から選んでください。"))
        return data


class ElectionPeriodForm(Form):
    name = forms.CharField(label=_("選挙の名称"), max_length=80)
    starts_on = OfficeDateField(label=_("開始日"))
    ends_on = OfficeDateField(label=_("終了日"))
    whole_prefecture = forms.BooleanField(label=_("県内全域"), required=False)
    municipalities = forms.MultipleChoiceField(
        label=_("対象の市区町村"), choices=(), required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, municipalities: list[str], allow_whole: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["municipalities"].choices = [(m, m) for m in municipalities]
        if not allow_whole:
            del self.fields["whole_prefecture"]
