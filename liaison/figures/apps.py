from django.apps import AppConfig


class FiguresConfig(AppConfig):
    name = "liaison.figures"
    label = "figures"
    verbose_name = "集計"
