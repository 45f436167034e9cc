from django.urls import path

from . import views, views_summaries

app_name = "figures"

urlpatterns: list = [
    # The station chief's and HQ's figures, with drill-down (C10.1, N4.4).
    path("", views.index, name="index"),
    path("stations/<int:pk>/", views.station, name="station"),
    # Council summaries for a fiscal year: prefecture → station → council.
    path("summary/", views_summaries.summary, name="summary"),
    path("summary/prefecture/", views_summaries.summary_prefecture, name="summary_prefecture"),
    path("summary/station/<int:pk>/", views_summaries.summary_station, name="summary_station"),
    path("summary/council/<int:pk>/", views_summaries.summary_council, name="summary_council"),
]
