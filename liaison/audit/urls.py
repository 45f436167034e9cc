from django.urls import path

from . import views

app_name = "audit"
urlpatterns = [
    path("", views.audit_list, name="list"),
    path("exports/<int:pk>/", views.export_job, name="export_job"),
    path("exports/<int:pk>/download/", views.export_download, name="export_download"),
]
