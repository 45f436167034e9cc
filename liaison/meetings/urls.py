from django.urls import path

from .views import meetings

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
