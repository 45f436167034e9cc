from django.urls import include, path
from django.views.i18n import set_language

from liaison.access import throttle_views
from liaison.access import views as access_views
from liaison.access.policy import public
from liaison.dashboard import views as dashboard_views

urlpatterns = [
    path("", dashboard_views.home, name="home"),
    path("healthz", access_views.healthz, name="healthz"),
    path("accounts/login/", access_views.login, name="login"),
    path("accounts/logout/", access_views.logout, name="logout"),
    path("accounts/password/", access_views.password_change, name="password_change"),
    path("accounts/password/done/", access_views.password_change_done, name="password_change_done"),
    path("accounts/second-factor/", access_views.second_factor_code, name="second_factor"),
    path("accounts/second-factor/recovery/", access_views.second_factor_recovery, name="second_factor_recovery"),
    path("accounts/second-factor/setup/", access_views.second_factor_setup, name="second_factor_setup"),
    path(
        "accounts/second-factor/recovery-codes/",
        access_views.second_factor_recovery_codes,
        name="second_factor_recovery_codes",
    ),
    path("i18n/setlang/", public(set_language), name="set_language"),
    path("accounts/throttles/", throttle_views.login_throttles, name="login_throttles"),
    path("accounts/throttles/<int:pk>/clear/", throttle_views.login_throttle_clear, name="login_throttle_clear"),
    path("org/", include("liaison.org.urls")),
    path("audit/", include("liaison.audit.urls")),
    path("people/", include("liaison.people.urls")),
    path("councils/", include("liaison.councils.urls")),
    path("meetings/", include("liaison.meetings.urls")),
    path("cases/", include("liaison.cases.urls")),
    path("network/", include("liaison.network.urls")),
    path("reports/", include("liaison.reports.urls")),
    path("imports/", include("liaison.imports.urls")),
    path("figures/", include("liaison.figures.urls")),
    path("notify/", include("liaison.notify.urls")),
]
