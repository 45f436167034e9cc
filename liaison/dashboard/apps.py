from django.apps import AppConfig


class DashboardConfig(AppConfig):
    name = "liaison.dashboard"
    label = "dashboard"
