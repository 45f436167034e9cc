"""The fiscal year a council summary shows (GET): offered from this year back ten years, each with its era label."""

from django import forms
from django.utils.translation import gettext_lazy as _

from liaison.lib.forms import Form

from .summaries import fiscal_year_label

YEARS_BACK = 10


class SummaryYearForm(Form):
    """The chosen fiscal year; an odd or missing value shows this year."""

    year = forms.TypedChoiceField(label=_("年度"), coerce=int, required=False)

    def __init__(self, *args, current: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [(y, fiscal_year_label(y)) for y in range(current, current - YEARS_BACK, -1)]

    def chosen(self, default: int) -> int:
        if not self.is_bound or not self.is_valid():
            return default
        return self.cleaned_data.get("year") or default
