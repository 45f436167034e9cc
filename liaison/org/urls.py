from django.urls import path

from . import views

app_name = "org"
urlpatterns = [
    path("stations/", views.station_list, name="stations"),
    path("stations/<int:pk>/", views.station_detail, name="station"),
    path("kobans/<int:pk>/", views.koban_detail, name="koban"),
    path("officers/", views.officer_list, name="officers"),
    path("officers/pick/", views.officer_pick, name="pick"),
    path("stations/pick/", views.station_pick, name="station_pick"),
    path("settings/", views.settings_edit, name="settings"),
    path("reorganisations/", views.reorganisation_list, name="reorganisations"),
    path("reorganisations/new/", views.reorganisation_create, name="reorganisation_new"),
    path("stations/new/", views.station_create, name="station_new"),
    path("stations/<int:pk>/edit/", views.station_edit, name="station_edit"),
    path("stations/<int:station_pk>/sections/new/", views.section_create, name="section_new"),
    path("sections/<int:pk>/edit/", views.section_edit, name="section_edit"),
    path("hq-divisions/", views.hq_division_list, name="hq_divisions"),
    path("hq-divisions/new/", views.hq_division_create, name="hq_division_new"),
    path("hq-divisions/<int:pk>/edit/", views.hq_division_edit, name="hq_division_edit"),
    path("kobans/new/", views.koban_create, name="koban_new"),
    path("kobans/<int:pk>/edit/", views.koban_edit, name="koban_edit"),
    path("kobans/<int:pk>/close/", views.koban_close, name="koban_close"),
    path("officers/new/", views.officer_create, name="officer_new"),
    path("officers/<int:pk>/edit/", views.officer_edit, name="officer_edit"),
    path("officers/<int:pk>/retire/", views.officer_retire, name="officer_retire"),
    path("officers/<int:pk>/password/", views.officer_password, name="officer_password"),
    path(
        "officers/<int:pk>/second-factor/reset/",
        views.officer_second_factor_reset,
        name="officer_second_factor_reset",
    ),
]
