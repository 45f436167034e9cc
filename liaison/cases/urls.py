from django.urls import path

from . import views

app_name = "cases"
urlpatterns: list = [
    path("", views.case_list, name="list"),
    path("export/", views.case_export, name="export"),
    path("new/", views.case_create, name="create"),
    path("<int:pk>/", views.case_detail, name="detail"),
    path("<int:pk>/edit/", views.case_edit, name="edit"),
    path("<int:pk>/progress/", views.case_progress, name="progress"),
    path("<int:pk>/told/", views.case_told, name="told"),
]
