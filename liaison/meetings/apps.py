from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop


class MeetingsConfig(AppConfig):
    name = "liaison.meetings"
    verbose_name = _("連絡協議会の会議")

    def ready(self):
        from liaison.councils import sections
        from liaison.findings import panels

        from . import findings
        from .panels import meeting_todo
        from .views.meetings import council_meetings_section

        # The councils without a regular meeting this year (C7.2) are stored findings, shown on the home pages.
        findings.register()
        panels.register("meetings.todo", "meetings/home_todo.html", meeting_todo, kind=panels.TODO, order=20)
        # The council page lists the council's latest meetings without the councils app importing meetings.
        sections.register(gettext_noop("会議"), "meetings/_council_meetings.html", council_meetings_section, order=40)
