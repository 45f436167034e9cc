from django.apps import AppConfig


class NotifyConfig(AppConfig):
    name = "liaison.notify"
    label = "notify"
    verbose_name = "お知らせ"
