from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop


class MeetingsConfig(AppConfig):
    name = "liaison.meetings"
    verbose_name = _("連絡協議会の会議")

    def ready(self):
        from liaison.councils import sections
        from liaison.findings import panels, todo

        from . import findings, findings_followup
        from .panels import meeting_items, meeting_todo
        from .panels_followup import followup_todo
        from .views.meetings import council_meetings_section

        # The councils without a regular meeting this year (C7.2) are stored findings, shown on the home pages.
        findings.register()
        panels.register("meetings.todo", "meetings/home_todo.html", meeting_todo, kind=panels.TODO, order=20)
        todo.register("meetings", meeting_items)

        # Problem-solving activities are a source of stored findings (an overdue interim report, C8.2); their to-do
        # list, with the information not yet reported to the chief (C9.1), is on the home page.
        findings_followup.register()
        panels.register("meetings.followup", "meetings/followup/home_todo.html", followup_todo, order=40)

        # The council page lists the council's latest meetings without the councils app importing meetings.
        sections.register(gettext_noop("会議"), "meetings/_council_meetings.html", council_meetings_section, order=40)
