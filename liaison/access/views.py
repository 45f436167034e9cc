from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.core.exceptions import ValidationError
from django.http import JsonResponse
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.timezone import localtime
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp.util import random_hex

from . import actions, devices, second_factor
from .forms import LoginForm, RecoveryCodeForm, SecondFactorCodeForm
from .policy import before_second_factor, logged_in, officer_of, public
from .signals import password_changed


@public
def healthz(request):
    return JsonResponse({"status": "ok"})


login = public(
    auth_views.LoginView.as_view(
        template_name="registration/login.html", redirect_authenticated_user=True, authentication_form=LoginForm
    )
)
logout = public(auth_views.LogoutView.as_view())


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "registration/password_change.html"

    def form_valid(self, form):
        officer = officer_of(self.request.user)
        required = bool(officer is not None and officer.must_change_password)
        response = super().form_valid(form)
        # Audited; org ends a forced change (PasswordChangeRequiredMiddleware) on it.
        password_changed.send(sender=type(self.request.user), user=self.request.user, required=required)
        return response


password_change = logged_in(PasswordChangeView.as_view())
password_change_done = logged_in(
    auth_views.PasswordChangeDoneView.as_view(template_name="registration/password_change_done.html")
)


# --- The second factor ------------------------------------------------------------------------------------------


def _next_url(request) -> str:
    """Where to go once the code is accepted: the page first asked for, if it is on this site."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    # A path on this site only: a bare word would be taken for a URL name by redirect().
    if target.startswith("/") and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return resolve_url(settings.LOGIN_REDIRECT_URL)


def _with_next(name: str, request) -> str:
    return f"{reverse(name)}?{urlencode({'next': _next_url(request)})}"


def _verified(request, device) -> None:
    """The session has passed the second factor: a new session key (a session taken before cannot ride on it)."""
    request.session.cycle_key()
    otp_login(request, device)
    request.session.pop(second_factor.CODE_PENDING, None)
    devices.note_login(request, request.user.get_username())  # only now is the login done: register the browser


def _code_step(request, form_class, template):
    if not second_factor.owes_code(request):
        return redirect(_next_url(request))
    if not second_factor.is_enrolled(request.user):
        return redirect(_with_next("second_factor_setup", request))
    form = form_class(request.POST or None)
    if request.method == "POST" and form.is_valid():
        check = actions.second_factor_check(user=request.user, code=form.cleaned_data["code"])
        if check.device is not None:
            _verified(request, check.device)
            return redirect(_next_url(request))
        if check.throttled_until is not None:
            form.add_error(
                "code",
                _("続けて間違えたため、しばらく入力できません。%(time)s 以降にもう一度入力してください。")
                % {"time": localtime(check.throttled_until).strftime("%H:%M:%S")},
            )
        else:
            form.add_error("code", _("コードが正しくありません。"))
    return render(request, template, {"form": form, "next": _next_url(request)})


@before_second_factor
def second_factor_code(request):
    """The login's second step: the six-digit code of the officer's app."""
    return _code_step(request, SecondFactorCodeForm, "registration/second_factor.html")


@before_second_factor
def second_factor_recovery(request):
    """The login's second step with a recovery code, when the phone is not at hand."""
    return _code_step(request, RecoveryCodeForm, "registration/second_factor_recovery.html")


def _show_recovery_codes(request, codes, heading):
    """The recovery codes appear on this response only (with a print button); no page shows them again."""
    return render(
        request,
        "registration/recovery_codes.html",
        {
            "codes": [second_factor.format_recovery_code(c) for c in codes],
            "heading": heading,
            "next": _next_url(request),
        },
    )


@before_second_factor
def second_factor_setup(request):
    """Enrolment in a TOTP app (forced at the first login when required; from the account menu otherwise): the QR
    code and the key as text, confirmed by a current code; then the recovery codes, once."""
    user = request.user
    enrolled = second_factor.is_enrolled(user)
    if enrolled and not user.is_verified():
        # Replacing the app needs the current one first: a password alone must not move the second factor.
        return redirect(_with_next("second_factor", request))
    key = request.session.get(second_factor.ENROL_KEY)
    if not key:
        key = request.session[second_factor.ENROL_KEY] = random_hex(20)
    form = SecondFactorCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            device, codes = actions.second_factor_enrol(user=user, key_hex=key, code=form.cleaned_data["code"])
        except ValidationError as error:
            form.add_error("code", error)
        else:
            request.session.pop(second_factor.ENROL_KEY, None)
            _verified(request, device)
            return _show_recovery_codes(request, codes, _("認証アプリを登録しました"))
    context = {
        "form": form,
        "enrolled": enrolled,
        "owes_code": second_factor.owes_code(request),
        "codes_left": second_factor.recovery_codes_left(user) if enrolled else 0,
        "qr": second_factor.qr_data_uri(second_factor.config_url(user, key)),
        "key_text": second_factor.key_as_text(key),
        "next": _next_url(request),
    }
    return render(request, "registration/second_factor_setup.html", context)


@logged_in
@require_POST
def second_factor_recovery_codes(request):
    """New recovery codes, shown once; the old ones stop working. Only after the second factor has been given."""
    if not (second_factor.is_enrolled(request.user) and request.user.is_verified()):
        return redirect("second_factor_setup")
    codes = actions.recovery_codes_renew(user=request.user)
    return _show_recovery_codes(request, codes, _("回復用コードを作り直しました"))
