import re

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from liaison.lib.forms import CleanInputMixin, Form

from . import actions, devices, queries, throttle
from .client import client_address
from .second_factor import is_totp_code, normalise_code
from .signals import login_refused

# Recovery codes are django-otp's static tokens: eight characters of base32, stored in lower case.
_RECOVERY_CODE = re.compile(r"[a-z2-7]{8}")


def wait_message(refusal: throttle.Refusal, now) -> str:
    """What the login screen says when an attempt must wait: which counter, and for about how long. The same for a
    login ID that exists and one that does not."""
    minutes = refusal.minutes_left(now)
    if refusal.scope == throttle.ADDRESS:
        text = _(
            "このネットワークからのログインの失敗が多いため、ログインを一時的に制限しています。"
            "約%(minutes)d分後にもう一度お試しください。"
        )
    elif refusal.scope == throttle.DEVICE:
        text = _(
            "この端末からこのアカウントへのログインの失敗が続いたため、ログインを一時的に制限しています。"
            "約%(minutes)d分後にもう一度お試しください。"
        )
    else:
        text = _(
            "このアカウントへのログインの失敗が続いたため、ログインを一時的に制限しています。"
            "約%(minutes)d分後にもう一度お試しください。"
            "以前にログインしたことのある端末からは、待たずにログインできます。"
        )
    return text % {"minutes": minutes}


class LoginForm(CleanInputMixin, AuthenticationForm):
    """Django's login form, with its login ID length enforced and the login throttle in its password step.

    Django only sets ``max_length`` on the field after creating it, so no validator checks it: a 100,000-character
    ID reached ``authenticate()`` and the lock-out record (255 characters on PostgreSQL) failed with a 500. With the
    validator the field is refused and no authentication is attempted.

    An attempt that must wait (``throttle``) is refused before its password is checked, with ``wait_message``; a
    failed password is counted (``actions.login_failure_record``).
    """

    wait_message = ""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["username"]
        field.validators.append(MaxLengthValidator(field.max_length))

    def clean(self):
        username = self.cleaned_data.get("username")
        password = self.cleaned_data.get("password")
        if not username or not password:
            return super().clean()
        attempt = {
            "username": username,
            "address": client_address(self.request) if self.request is not None else None,
            "device_token": devices.token_for(self.request, username),
        }
        now = timezone.now()
        refusal = queries.login_refusal(**attempt, now=now)
        if refusal is None:
            try:
                return super().clean()
            except ValidationError:
                started = actions.login_failure_record(**attempt, now=now)
                if not started:
                    raise
                refusal = throttle.refusal({row.scope: (row.failures, row.last_failure_at) for row in started}, now)
        else:
            login_refused.send(sender=type(self), refusal=refusal, username=username, address=attempt["address"])
        if self.request is not None:
            self.request.login_refusal = refusal
        self.wait_message = wait_message(refusal, now)
        raise ValidationError(self.wait_message, code="throttled")


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
