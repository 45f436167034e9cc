from django.urls import path

from .views import followup, meetings

app_name = "meetings"
urlpatterns = [
    path("", meetings.meeting_list, name="list"),
    path("calendar/", meetings.meeting_calendar, name="calendar"),
    path("new/", meetings.meeting_create, name="create"),
    path("holiday/", meetings.holiday, name="holiday"),
    path("<int:pk>/", meetings.meeting_detail, name="detail"),
    path("<int:pk>/edit/", meetings.meeting_edit, name="edit"),
    path("<int:pk>/hold/", meetings.meeting_hold, name="hold"),
    path("<int:pk>/cancel/", meetings.meeting_cancel, name="cancel"),
    path("<int:pk>/attendance/", meetings.meeting_attendance, name="attendance"),
    path("<int:pk>/materials/", meetings.meeting_materials, name="materials"),
    path("materials/<int:pk>/", meetings.material_download, name="material_download"),
    path("election-periods/", meetings.election_periods, name="election_periods"),
    path("election-periods/<int:pk>/delete/", meetings.election_period_delete, name="election_period_delete"),
    path("feed/", meetings.calendar_feed, name="calendar_feed"),
    path("feed/<str:token>.ics", meetings.ical, name="ical"),
]

# What follows meetings (C8.2, C9.1, C9.2): opinions raised at a meeting, problem-solving activities, information
# from and contacts with members. The council page links to the council-level pages by the council's id.
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
