from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "liaison.reports"
    label = "reports"
