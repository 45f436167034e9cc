from django.apps import AppConfig


class ImportsConfig(AppConfig):
    name = "liaison.imports"
    label = "imports"
