from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MeetingsConfig(AppConfig):
    name = "liaison.meetings"
    verbose_name = _("連絡協議会の会議")

    def ready(self):
        from liaison.findings import panels

        from . import findings
        from .panels import meeting_todo

        # The councils without a regular meeting this year (C7.2) are stored findings, shown on the home pages.
        findings.register()
        panels.register("meetings.todo", "meetings/home_todo.html", meeting_todo, kind=panels.TODO, order=20)
