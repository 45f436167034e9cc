from django.apps import AppConfig


class FiguresConfig(AppConfig):
    name = "liaison.figures"
    label = "figures"
    verbose_name = "集計"

    def ready(self):
        from . import panels, signals  # noqa: F401 (signals: keeps the station-year counts)

        # The figures' card on the home page of station chiefs and HQ, linking to the figures page (C10.1, N4.4).
        panels.register()
