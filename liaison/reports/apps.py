from django.apps import AppConfig
from django.utils.translation import gettext_noop


class ReportsConfig(AppConfig):
    name = "liaison.reports"
    label = "reports"

    def ready(self):
        from liaison.councils import sections
        from liaison.findings import panels, todo
        from liaison.meetings import sections as meeting_sections

        from . import handouts, routing, signals  # noqa: F401 (signals: receivers connect on import; handouts register)
        from .panels import report_items, reports_todo
        from .views_routing import council_setup_report_section, meeting_report_section

        # The council page shows the state of its Form 2 (C11.1(1)) without the councils app importing reports.
        sections.register(
            gettext_noop("設置報告書の提出"), "reports/_routing.html", council_setup_report_section, order=50
        )
        # The meeting page shows its Form 3: the routing, the submit form and the print link (C11.2).
        meeting_sections.register(
            gettext_noop("開催結果報告書"), "reports/_meeting_report.html", meeting_report_section, order=50
        )
        # Rounds of reports are a source of stored findings, and each role's home page shows what waits for it.
        routing.register_findings()
        panels.register("reports.todo", "reports/home_todo.html", reports_todo, kind=panels.TODO, order=20)
        todo.register("reports", report_items)
