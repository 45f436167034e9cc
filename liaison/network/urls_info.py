from django.urls import path

from .views import info

urlpatterns: list = [
    path("info/", info.info_list, name="info_list"),
    path("info/new/", info.info_create, name="info_create"),
    path("info/<int:pk>/", info.info_detail, name="info_detail"),
    path("info/<int:pk>/edit/", info.info_edit, name="info_edit"),
    path("info/<int:pk>/pass-on/", info.info_pass_on, name="info_pass_on"),
    path("info/<int:pk>/distribute/", info.info_distribute, name="info_distribute"),
    path("info/files/<int:pk>/", info.info_attachment, name="info_attachment"),
    path("distributions/<int:pk>/", info.distribution_detail, name="distribution_detail"),
    path("distributions/<int:pk>/resend/", info.distribution_resend, name="distribution_resend"),
    path("deliveries/<int:pk>/shared/", info.delivery_shared, name="delivery_shared"),
]
