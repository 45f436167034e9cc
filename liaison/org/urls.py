from django.urls import path

from . import views

app_name = "org"
urlpatterns = [
    path("stations/", views.station_list, name="stations"),
    path("stations/<int:pk>/", views.station_detail, name="station"),
    path("kobans/<int:pk>/", views.koban_detail, name="koban"),
    path("officers/", views.officer_list, name="officers"),
    path("settings/", views.settings_edit, name="settings"),
    path("reorganisations/", views.reorganisation_list, name="reorganisations"),
    path("reorganisations/new/", views.reorganisation_create, name="reorganisation_new"),
]
