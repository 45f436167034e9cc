from django.urls import path  # noqa: F401  (used by the patterns added below)

app_name = "meetings"
urlpatterns: list = []

# What follows meetings (C8.2, C9.1, C9.2): opinions raised at a meeting, problem-solving activities, information
# from and contacts with members. The council page links to the council-level pages by the council's id.
from .views import followup  # noqa: E402

urlpatterns += [
    path("<int:pk>/opinions/new/", followup.opinion_new, name="opinion_new"),
    path("councils/<int:pk>/activities/", followup.council_activities, name="council_activities"),
    path("councils/<int:pk>/activities/new/", followup.activity_new, name="activity_new"),
    path("activities/<int:pk>/", followup.activity_detail, name="activity"),
    path("activities/<int:pk>/edit/", followup.activity_edit, name="activity_edit"),
    path("activities/<int:pk>/interim/new/", followup.interim_new, name="interim_new"),
    path("activities/<int:pk>/close/", followup.activity_close, name="activity_close"),
    path("interim/<int:pk>/", followup.interim_record, name="interim_record"),
    path("councils/<int:pk>/information/", followup.council_information, name="council_information"),
    path("councils/<int:pk>/information/new/", followup.information_new, name="information_new"),
    path("councils/<int:pk>/information/report/", followup.information_report, name="information_report"),
    path("information/", followup.station_information, name="station_information"),
    path("information/<int:pk>/file/", followup.information_file, name="information_file"),
    path("councils/<int:pk>/contacts/", followup.council_contacts, name="council_contacts"),
    path("councils/<int:pk>/contacts/new/", followup.contact_new, name="contact_new"),
]
