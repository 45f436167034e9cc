from django.contrib.auth import views as auth_views
from django.http import JsonResponse

from .forms import LoginForm
from .policy import logged_in, officer_of, public
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
