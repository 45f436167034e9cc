from django.urls import path

from . import views

app_name = "figures"

urlpatterns: list = [
    # The station chief's and HQ's figures, with drill-down (C10.1, N4.4).
    path("", views.index, name="index"),
    path("stations/<int:pk>/", views.station, name="station"),
]
