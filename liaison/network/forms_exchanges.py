"""Forms of the information exchanges (N3.1ア–ウ): the one-screen entry with its opinion rows, and the list's filters."""

from django import forms
from django.forms import formset_factory
from django.utils.translation import gettext_lazy as _

from liaison.cases.models import Case
from liaison.lib import once
from liaison.lib.forms import Form, IdChoiceField, IdMultipleChoiceField, OfficeDateField

from .models import Exchange, ExchangeMaterial

OPINION_ROWS = 3  # empty rows for opinions and requests; a visit rarely brings more, and a second entry may follow


class ExchangeForm(once.OncePerFormMixin, Form):
    """An exchange on one screen: the day, how, whom, what was handed out, advice given."""

    on = OfficeDateField(label=_("日付"))
    kind = forms.ChoiceField(label=_("方法"), choices=Exchange.Kind.choices, widget=forms.RadioSelect)
    contacts = IdMultipleChoiceField(label=_("情報交換した連絡員"), queryset=None, widget=forms.CheckboxSelectMultiple)
    mini_newsletter = forms.BooleanField(label=_("ミニ広報紙"), required=False)
    bulletin = forms.BooleanField(label=_("交番速報"), required=False)
    bulletin_title = forms.CharField(
        label=_("交番速報の名称"), required=False, max_length=120, help_text=_("例: 一番町交番速報 11月号")
    )
    items = IdMultipleChoiceField(
        label=_("地域安全情報"), queryset=None, required=False, widget=forms.CheckboxSelectMultiple
    )
    other_material = forms.CharField(label=_("その他の資料"), required=False, max_length=120)
    advice = forms.CharField(
        label=_("住民の活動への助言・支援"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )
    notes = forms.CharField(label=_("備考"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, contacts, items, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["contacts"].queryset = contacts
        self.fields["items"].queryset = items

    def clean(self):
        data = super().clean()
        if data.get("bulletin") and not (data.get("bulletin_title") or "").strip():
            self.add_error("bulletin_title", _("交番速報の名称（例: 11月号）を入力してください。"))
        return data

    def values(self) -> dict:
        data = self.cleaned_data
        return {"on": data["on"], "kind": data["kind"], "advice": data["advice"], "notes": data["notes"]}

    def materials(self) -> list[dict]:
        data, found = self.cleaned_data, []
        if data.get("mini_newsletter"):
            found.append({"kind": ExchangeMaterial.Kind.MINI_NEWSLETTER})
        if data.get("bulletin"):
            found.append({"kind": ExchangeMaterial.Kind.KOBAN_BULLETIN, "title": data["bulletin_title"]})
        found += [{"kind": ExchangeMaterial.Kind.SAFETY_INFO, "item": item} for item in data.get("items") or []]
        if (data.get("other_material") or "").strip():
            found.append({"kind": ExchangeMaterial.Kind.OTHER, "title": data["other_material"]})
        return found


class OpinionForm(Form):
    """One opinion or request received: it becomes a case of the station (N3.1ウ)."""

    category = forms.ChoiceField(label=_("分類"), choices=[("", "---------"), *Case.Category.choices])
    content = forms.CharField(label=_("意見・要望の内容"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))
    contact = IdChoiceField(
        label=_("申出た連絡員"),
        queryset=None,
        required=False,
        empty_label=_("（情報交換した連絡員が1人のときは省略可）"),
    )

    def __init__(self, *args, contacts, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["contact"].queryset = contacts


OpinionFormSet = formset_factory(OpinionForm, extra=OPINION_ROWS, max_num=OPINION_ROWS, absolute_max=OPINION_ROWS)


def opinions_of(formset) -> list[dict]:
    """The opinion rows that were filled in, as the action takes them."""
    return [
        {
            "contact": f.cleaned_data.get("contact"),
            "category": f.cleaned_data["category"],
            "content": f.cleaned_data["content"],
        }
        for f in formset.forms
        if f.has_changed() and f.cleaned_data.get("content")
    ]


def _month_label(month: str) -> str:
    year, number = month.split("-")
    return _("%(year)s年%(month)s月") % {"year": year, "month": int(number)}


class ExchangeFilterForm(Form):
    """The exchange list's filters (GET); unreadable values are ignored rather than refused."""

    officer = IdChoiceField(label=_("警察官"), queryset=None, required=False)
    section = IdChoiceField(label=_("課"), queryset=None, required=False)
    kind = forms.ChoiceField(label=_("方法"), required=False)
    month = forms.ChoiceField(label=_("月"), required=False)
    koban = IdChoiceField(label=_("交番・駐在所"), queryset=None, required=False)

    def __init__(self, *args, officers, sections, kobans, months, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["officer"].queryset = officers
        self.fields["section"].queryset = sections
        self.fields["koban"].queryset = kobans
        self.fields["kind"].choices = [("", _("すべて")), *Exchange.Kind.choices]
        self.fields["month"].choices = [("", _("すべて")), *[(m, _month_label(m)) for m in months]]

    def filters(self) -> dict:
        """The filters that were read correctly; a field with an odd value is left out."""
        if not self.is_bound:
            return {}
        self.is_valid()
        return {k: v for k, v in getattr(self, "cleaned_data", {}).items() if v not in (None, "")}
