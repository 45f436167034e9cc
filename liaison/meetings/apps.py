from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MeetingsConfig(AppConfig):
    name = "liaison.meetings"
    verbose_name = _("連絡協議会の会議")

    def ready(self):
        from . import findings_followup

        # Problem-solving activities are a source of stored findings (an overdue interim report, C8.2).
        findings_followup.register()
