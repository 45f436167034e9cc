from django.urls import path

from .views import figures as views

urlpatterns: list = [
    path("figures/", views.figures, name="figures"),
    path("figures/export/", views.figures_export, name="figures_export"),
    path("visit-days/new/", views.visit_day_plan, name="visit_day_plan"),
    path("visit-days/<int:pk>/delete/", views.visit_day_delete, name="visit_day_delete"),
]
