from django.urls import path

from . import views

app_name = "imports"

urlpatterns = [
    path("", views.import_list, name="list"),
    path("new/", views.start, name="start"),
    path("template/<slug:kind>/<slug:fmt>/", views.template, name="template"),
    path("export/<slug:kind>/<slug:fmt>/", views.export, name="export"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/preview/", views.preview, name="preview"),
    path("<int:pk>/commit/", views.commit, name="commit"),
]
