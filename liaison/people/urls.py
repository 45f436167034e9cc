from django.urls import path

from . import views

app_name = "people"
urlpatterns = [
    path("", views.person_list, name="list"),
    path("new/", views.person_create, name="create"),
    path("pick/", views.person_pick, name="pick"),
    path("postal/<str:code>/", views.postal_lookup, name="postal"),
    path("<int:pk>/", views.person_detail, name="detail"),
    path("<int:pk>/edit/", views.person_edit, name="edit"),
    path("<int:pk>/merge/", views.person_merge, name="merge"),
    path("<int:pk>/public-office/new/", views.public_office_new, name="public_office_new"),
]
