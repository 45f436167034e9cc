from django.contrib.auth import views as auth_views
from django.http import JsonResponse

from .forms import LoginForm
from .policy import logged_in, public


@public
def healthz(request):
    return JsonResponse({"status": "ok"})


login = public(
    auth_views.LoginView.as_view(
        template_name="registration/login.html", redirect_authenticated_user=True, authentication_form=LoginForm
    )
)
logout = public(auth_views.LogoutView.as_view())
password_change = logged_in(auth_views.PasswordChangeView.as_view(template_name="registration/password_change.html"))
password_change_done = logged_in(
    auth_views.PasswordChangeDoneView.as_view(template_name="registration/password_change_done.html")
)
