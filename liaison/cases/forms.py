from django import forms
from django.utils.translation import gettext_lazy as _

from liaison.access.permissions import Perm
from liaison.access.policy import has_perm, visible_to
from liaison.lib import once
from liaison.lib.forms import Form, IdChoiceField, ModelForm, OfficeDateField
from liaison.lib.versioning import VersionedForm
from liaison.org.picker import OfficerPickerField
from liaison.people.models import Person
from liaison.people.picker import PersonPickerField
from liaison.people.queries import current as current_people

from . import rules
from .models import Case


def scope_raiser(form, user) -> None:
    """The person picker searches the people the user may see; without the people permission it is left out (the
    raiser is then named as typed)."""
    if has_perm(user, Perm.VIEW_PEOPLE):
        form.fields["raised_by_person"].scope(current_people(visible_to(user, Person)).order_by("sort_key", "pk"), user)
    else:
        del form.fields["raised_by_person"]


class CaseForm(once.OncePerFormMixin, VersionedForm, ModelForm):
    received_on = OfficeDateField(label=_("受付日"))
    raised_by_person = PersonPickerField(label=_("申出者（登録済みの住民等）"), required=False)

    class Meta(ModelForm.Meta):
        model = Case
        fields = [
            "received_on",
            "koban",
            "category",
            "content",
            "raised_by_kind",
            "raised_by_person",
            "raised_by_name",
            "answer",
            "section",
        ]
        widgets = {"content": forms.Textarea(attrs={"rows": 4}), "answer": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, kobans, sections, user, koban_required=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["koban"].queryset = kobans
        self.fields["koban"].required = koban_required
        self.fields["section"].queryset = sections
        scope_raiser(self, user)

    def values(self) -> dict:
        data = dict(self.cleaned_data)
        data.setdefault("raised_by_person", self.instance.raised_by_person if self.instance.pk else None)
        return data


class ProgressForm(VersionedForm, Form):
    """One step of the action status: the status it is now, the day and what was done."""

    status = forms.ChoiceField(label=_("措置状況"))
    on = OfficeDateField(label=_("日付"))
    note = forms.CharField(label=_("内容"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))
    officer = OfficerPickerField(label=_("担当者"), required=False)

    def __init__(self, *args, case: Case, officers, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [(s, Case.Status(s).label) for s in rules.next_statuses(case.status)]
        self.fields["officer"].scope(officers, user)
        if not self.is_bound:
            self.initial.setdefault("version", case.version)


class ToldForm(VersionedForm, Form):
    told_on = OfficeDateField(label=_("措置状況を連絡した日"))

    def __init__(self, *args, case: Case, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("version", case.version)


class CaseFilterForm(Form):
    """The case list's filters (GET); unreadable values are ignored rather than refused."""

    status = forms.ChoiceField(label=_("措置状況"), required=False)
    category = forms.ChoiceField(label=_("分類"), required=False)
    section = IdChoiceField(label=_("担当課"), queryset=None, required=False)
    koban = IdChoiceField(label=_("交番・駐在所"), queryset=None, required=False)
    fiscal_year = forms.TypedChoiceField(label=_("年度"), coerce=int, required=False)
    not_told = forms.BooleanField(label=_("措置状況を未連絡"), required=False)
    finding = forms.ChoiceField(label=_("確認事項"), required=False)

    FINDINGS = [("", _("指定なし")), ("not_told", _("連絡期限切れ")), ("open_long", _("長期未措置"))]

    def __init__(self, *args, sections, kobans, years, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [("", _("すべて")), *Case.Status.choices]
        self.fields["category"].choices = [("", _("すべて")), *Case.Category.choices]
        self.fields["section"].queryset = sections
        self.fields["koban"].queryset = kobans
        self.fields["fiscal_year"].choices = [("", _("すべて")), *[(y, _("%(y)s年度") % {"y": y}) for y in years]]
        self.fields["finding"].choices = self.FINDINGS

    def filters(self) -> dict:
        """The filters that were read correctly; a field with an odd value is left out."""
        if not self.is_bound:
            return {}
        self.is_valid()
        return {k: v for k, v in getattr(self, "cleaned_data", {}).items() if v not in (None, "", False)}
