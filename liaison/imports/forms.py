"""Forms of the import screens: the upload, the column mapping, the per-row duplicate choices and the commit."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from liaison.lib import once
from liaison.lib.forms import Form, IdChoiceField
from liaison.org.models import Station

from . import kinds
from .actions import NEW


class UploadForm(Form):
    kind = forms.ChoiceField(label=_("取り込む内容"), widget=forms.RadioSelect)
    station = IdChoiceField(label=_("取り込む警察署"), queryset=Station.objects.none())
    file = forms.FileField(
        label=_("ファイル"),
        help_text=_("Excel（.xlsx）または CSV（UTF-8 または Shift_JIS）。1行目は見出しにしてください。"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv,.txt"}),
    )

    def __init__(self, *args, kinds_allowed, stations=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [(k.code, k.label) for k in kinds_allowed]
        if stations is None:
            del self.fields["station"]  # station users import into their own station
        else:
            self.fields["station"].queryset = stations


class MappingForm(Form):
    """One select per column of the file: which field it holds (or none)."""

    def __init__(self, *args, run, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [("", _("（使わない）"))] + [(c.key, c.header) for c in kinds.get(run.kind).all_columns()]
        for i, header in enumerate(run.headers):
            self.fields[f"col_{i}"] = forms.ChoiceField(
                label=header or _("（見出しなし）"),
                choices=choices,
                required=False,
                initial=run.mapping.get(str(i), ""),
            )

    def mapping(self) -> dict[int, str]:
        return {int(name.removeprefix("col_")): value for name, value in self.cleaned_data.items() if value}


class DuplicateChoiceForm(Form):
    """Per row with likely duplicates: link to one of them, or record a new person."""

    def __init__(self, *args, run, **kwargs):
        super().__init__(*args, **kwargs)
        for row in run.rows:
            if not row["duplicates"]:
                continue
            choices = [
                (str(pk), _("この人に結び付ける：%(label)s") % {"label": label}) for pk, label in row["duplicates"]
            ]
            self.fields[f"row_{row['row']}"] = forms.ChoiceField(
                label=_("%(row)s行目 %(label)s") % {"row": row["row"], "label": row["label"]},
                choices=[*choices, (NEW, _("新しく登録する（別人）"))],
                widget=forms.RadioSelect,
                required=False,
                initial=str(row["choice"]) if row.get("choice") is not None else None,
            )

    def choices(self) -> dict[int, str | int]:
        chosen = {}
        for name, value in self.cleaned_data.items():
            if value:
                chosen[int(name.removeprefix("row_"))] = NEW if value == NEW else int(value)
        return chosen


class CommitForm(once.OncePerFormMixin, Form):
    """The commit button: its token makes a double click commit once."""
