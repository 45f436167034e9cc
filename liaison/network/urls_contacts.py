"""Contact persons (N2, N4.2, N4.3): the station's list and its Excel, a contact person, registering and editing one,
their consent steps. The list's PDF (連絡員一覧表) is made in ``liaison.reports`` (reports:contact_list_pdf)."""

from django.urls import path

from .views import contacts

urlpatterns: list = [
    path("contacts/", contacts.contact_list, name="contact_list"),
    path("contacts/export/", contacts.contact_export, name="contact_export"),
    path("contacts/new/", contacts.contact_create, name="contact_create"),
    path("contacts/<int:pk>/", contacts.contact_detail, name="contact_detail"),
    path("contacts/<int:pk>/edit/", contacts.contact_edit, name="contact_edit"),
    path("contacts/<int:pk>/consent/", contacts.contact_consent, name="contact_consent"),
]
