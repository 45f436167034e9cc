from django.apps import AppConfig


class LibConfig(AppConfig):
    name = "liaison.lib"
    label = "lib"
