from django.apps import AppConfig


class FindingsConfig(AppConfig):
    name = "liaison.findings"
    label = "findings"
