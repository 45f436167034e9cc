"""Forms of the station chief's view: the period shown, and planning 巡回連絡強化日 (N4.4)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from liaison.lib.forms import Form, IdMultipleChoiceField, OfficeDateField


class PeriodForm(Form):
    """The period of the figures (GET): a fiscal year, and optionally one month of it; odd values are ignored."""

    fiscal_year = forms.TypedChoiceField(label=_("年度"), coerce=int, required=False)
    month = forms.TypedChoiceField(label=_("月"), coerce=int, required=False)

    MONTHS = [4, 5, 6, 7, 8, 9, 10, 11, 12, 1, 2, 3]

    def __init__(self, *args, years, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["fiscal_year"].choices = [(y, _("%(y)s年度") % {"y": y}) for y in years]
        self.fields["month"].choices = [("", _("年度全体")), *[(m, _("%(m)s月") % {"m": m}) for m in self.MONTHS]]

    def chosen(self, default_year: int) -> tuple[int, int | None]:
        if not self.is_bound or not self.is_valid():
            return default_year, None
        return self.cleaned_data.get("fiscal_year") or default_year, self.cleaned_data.get("month") or None


class KobanChoiceField(IdMultipleChoiceField):
    def label_from_instance(self, obj):
        return obj.name


class VisitDayForm(Form):
    """Plan one day as 巡回連絡強化日 for several kobans at once."""

    on = OfficeDateField(label=_("実施日"))
    kobans = KobanChoiceField(label=_("交番・駐在所"), queryset=None, widget=forms.CheckboxSelectMultiple)
    note = forms.CharField(label=_("備考"), required=False, max_length=200)

    def __init__(self, *args, kobans, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kobans"].queryset = kobans
