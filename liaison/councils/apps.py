from django.apps import AppConfig


class CouncilsConfig(AppConfig):
    name = "liaison.councils"
    label = "councils"
