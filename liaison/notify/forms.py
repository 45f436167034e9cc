from django import forms
from django.utils.translation import gettext_lazy as _

from liaison.lib.forms import Form


class DigestPreferenceForm(Form):
    email = forms.BooleanField(label=_("毎日のお知らせをメールで受け取る"), required=False)
