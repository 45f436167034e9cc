from django.urls import path

from . import views

app_name = "reports"

urlpatterns = [
    path("letters/<int:pk>/", views.letter, name="letter"),
    path("councils/<int:pk>/letters/", views.council_letters, name="council_letters"),
    path("councils/<int:pk>/setup-report/", views.setup_report, name="setup_report"),
    path("councils/<int:pk>/roster.xlsx", views.council_roster, name="council_roster"),
    path("meetings/<int:pk>/form3.pdf", views.meeting_report, name="meeting_report"),
    path("letters/batch/", views.batch_letters, name="batch_letters"),
    path("batch/<slug:kind>/", views.batch, name="batch"),
    path("jobs/<int:pk>/", views.job, name="job"),
    path("jobs/<int:pk>/download/", views.job_download, name="job_download"),
]
