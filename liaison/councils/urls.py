from django.urls import path

from . import views

app_name = "councils"
urlpatterns = [
    path("", views.council_list, name="list"),
    path("new/", views.council_create, name="create"),
    path("renewals/", views.renewals, name="renewals"),
    path("<int:pk>/", views.council_detail, name="detail"),
    path("<int:pk>/edit/", views.council_edit, name="edit"),
    path("<int:pk>/bylaws/", views.council_bylaws, name="bylaws"),
    path("<int:pk>/bylaws/download/", views.council_bylaws_download, name="bylaws_download"),
    path("<int:pk>/operation-manager/", views.confirm_operation_manager, name="confirm_manager"),
    path("<int:pk>/appoint/", views.appoint, name="appoint"),
    path("<int:pk>/review/", views.council_review, name="review"),
    path("memberships/<int:pk>/end/", views.membership_end, name="membership_end"),
    path("memberships/<int:pk>/reappoint/", views.membership_reappoint, name="membership_reappoint"),
    path("memberships/<int:pk>/successor/", views.membership_successor, name="membership_successor"),
    path("notices/<int:pk>/", views.notice_read, name="notice_read"),
]
