from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.utils import timezone
from django.utils.translation import gettext as _

from liaison.lib.forms import CleanInputMixin

from . import actions, devices, queries, throttle
from .client import client_address
from .signals import login_refused


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
