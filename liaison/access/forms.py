import re

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.utils.translation import gettext_lazy as _

from liaison.lib.forms import CleanInputMixin, Form

from .second_factor import is_totp_code, normalise_code

# Recovery codes are django-otp's static tokens: eight characters of base32, stored in lower case.
_RECOVERY_CODE = re.compile(r"[a-z2-7]{8}")


class LoginForm(CleanInputMixin, AuthenticationForm):
    """Django's login form, with its login ID length enforced.

    Django only sets ``max_length`` on the field after creating it, so no validator checks it: a 100,000-character
    ID reached ``authenticate()`` and the lock-out record (255 characters on PostgreSQL) failed with a 500. With the
    validator the field is refused and no authentication is attempted.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["username"]
        field.validators.append(MaxLengthValidator(field.max_length))


class SecondFactorCodeForm(Form):
    """The six-digit code of the officer's TOTP app (at login and to confirm enrolment); a tablet shows digits."""

    code = forms.CharField(
        label=_("確認コード（6桁）"),
        max_length=20,
        help_text=_("認証アプリに表示されている6桁の数字を入力してください。"),
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "one-time-code", "autofocus": True, "size": 8}
        ),
    )

    def clean_code(self):
        code = normalise_code(self.cleaned_data["code"])
        if not is_totp_code(code):
            raise ValidationError(_("6桁の数字で入力してください。"))
        return code


class RecoveryCodeForm(Form):
    """One of the officer's recovery codes (eight letters and digits, shown at enrolment), when the phone is lost."""

    code = forms.CharField(
        label=_("回復用コード"),
        max_length=20,
        help_text=_("登録時に印刷した回復用コード（英数字8文字）のうち、まだ使っていないものを1つ入力してください。"),
        widget=forms.TextInput(
            attrs={
                "autocomplete": "off",
                "autocapitalize": "off",
                "spellcheck": "false",
                "autofocus": True,
                "size": 12,
            }
        ),
    )

    def clean_code(self):
        code = normalise_code(self.cleaned_data["code"])
        if not _RECOVERY_CODE.fullmatch(code):
            raise ValidationError(_("回復用コードは英数字8文字です。"))
        return code
