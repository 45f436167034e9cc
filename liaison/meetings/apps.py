from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MeetingsConfig(AppConfig):
    name = "liaison.meetings"
    verbose_name = _("連絡協議会の会議")
