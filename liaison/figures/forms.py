"""The figures' one form: the fiscal year shown (April to March), labelled in its era as official documents are."""

import datetime

from django import forms
from django.utils.translation import gettext_lazy as _

from liaison.lib.forms import Form
from liaison.lib.wareki import era_year

YEARS_OFFERED = 6  # this fiscal year and the five before it


def fiscal_year_label(year: int) -> str:
    """``2025`` → ``令和7年度（2025年度）``: the era of the year's first day, 1 April."""
    era, number = era_year(datetime.date(year, 4, 1))
    return f"{era}{'元' if number == 1 else number}年度（{year}年度）"


class FiscalYearForm(Form):
    """The fiscal year of the figures (GET); an odd value shows the current year rather than an error."""

    fiscal_year = forms.TypedChoiceField(label=_("年度"), coerce=int, required=False)

    def __init__(self, *args, current: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.current = current
        years = range(current, current - YEARS_OFFERED, -1)
        self.fields["fiscal_year"].choices = [(y, fiscal_year_label(y)) for y in years]

    def chosen(self) -> int:
        if not self.is_bound or not self.is_valid():
            return self.current
        return self.cleaned_data.get("fiscal_year") or self.current
