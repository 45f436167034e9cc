from django.apps import AppConfig


class AccessConfig(AppConfig):
    name = "liaison.access"
    label = "access"
