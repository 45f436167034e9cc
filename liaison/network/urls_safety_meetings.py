from django.urls import path

from .views import safety_meetings as views

urlpatterns: list = [
    path("safety-meetings/", views.safety_meeting_list, name="safety_meeting_list"),
    path("safety-meetings/new/", views.safety_meeting_create, name="safety_meeting_create"),
    path("safety-meetings/<int:pk>/", views.safety_meeting_detail, name="safety_meeting_detail"),
    path("safety-meetings/<int:pk>/edit/", views.safety_meeting_edit, name="safety_meeting_edit"),
    path("safety-meetings/<int:pk>/opinion/", views.safety_meeting_opinion, name="safety_meeting_opinion"),
]
