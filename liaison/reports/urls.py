from django.urls import path

from . import contact_list, views, views_routing

app_name = "reports"

urlpatterns = [
    path("letters/<int:pk>/", views.letter, name="letter"),
    path("councils/<int:pk>/letters/", views.council_letters, name="council_letters"),
    path("councils/<int:pk>/setup-report/", views.setup_report, name="setup_report"),
    path("councils/<int:pk>/roster.xlsx", views.council_roster, name="council_roster"),
    path("meetings/<int:pk>/form3.pdf", views.meeting_report, name="meeting_report"),
    path("network/contacts.pdf", contact_list.contact_list_pdf_view, name="contact_list_pdf"),
    path("letters/batch/", views.batch_letters, name="batch_letters"),
    path("batch/<slug:kind>/", views.batch, name="batch"),
    path("jobs/<int:pk>/", views.job, name="job"),
    path("jobs/<int:pk>/download/", views.job_download, name="job_download"),
    # The routing of reports (C11.1, C11.2) and good-practice reports (C11.1(2)).
    path("decisions/", views_routing.decisions, name="decisions"),
    path("routing/<slug:kind>/<int:object_id>/submit/", views_routing.report_submit, name="report_submit"),
    path("submissions/<int:pk>/", views_routing.submission, name="submission"),
    path("good-practice/", views_routing.good_practice_list, name="good_practice_list"),
    path("good-practice.xlsx", views_routing.good_practice_xlsx_view, name="good_practice_xlsx"),
    path("good-practice/new/", views_routing.good_practice_new, name="good_practice_new"),
    path("good-practice/<int:pk>/", views_routing.good_practice, name="good_practice"),
    path("good-practice/<int:pk>/edit/", views_routing.good_practice_edit, name="good_practice_edit"),
    path("good-practice/files/<int:pk>/", views_routing.good_practice_attachment, name="good_practice_attachment"),
]
