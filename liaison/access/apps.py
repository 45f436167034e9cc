from django.apps import AppConfig


class AccessConfig(AppConfig):
    name = "liaison.access"
    label = "access"

    def ready(self):
        from . import devices  # noqa: F401 — connects the successful-login receiver
