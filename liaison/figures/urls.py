from django.urls import path

from . import views_summaries

app_name = "figures"

urlpatterns: list = [
    # Council summaries for a fiscal year: prefecture → station → council.
    path("summary/", views_summaries.summary, name="summary"),
    path("summary/prefecture/", views_summaries.summary_prefecture, name="summary_prefecture"),
    path("summary/station/<int:pk>/", views_summaries.summary_station, name="summary_station"),
    path("summary/council/<int:pk>/", views_summaries.summary_council, name="summary_council"),
]
