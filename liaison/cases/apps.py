from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "liaison.cases"
    verbose_name = _("意見・要望")

    def ready(self):
        from liaison.findings import panels, todo
        from liaison.people import retention as people_retention

        from . import findings, retention
        from .panels import case_items, case_todo

        # Cases are a source of stored findings (C8.2 deadlines) and put their to-do list on the home page.
        findings.register()
        panels.register("cases.todo", "cases/home_todo.html", case_todo, kind=panels.TODO, order=30)
        todo.register("cases", case_items)
        # Whoever raised a case is kept until the retention period after it (APPI).
        people_retention.register("cases", retention.persons_holding_since)
