from django.apps import AppConfig


class OrgConfig(AppConfig):
    name = "liaison.org"
    label = "org"

    def ready(self):
        from . import receivers  # noqa: F401  (connects the signal receivers)
