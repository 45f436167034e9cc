from django.apps import AppConfig
from django.utils.translation import gettext_noop


class CouncilsConfig(AppConfig):
    name = "liaison.councils"
    label = "councils"

    def ready(self):
        from liaison.findings import panels, todo
        from liaison.people import current_roles, koban_ties, retention, sections

        from . import coverage, findings, signals  # noqa: F401 (signals: receivers connect on import)
        from .panels import council_figure, council_items, council_todo
        from .queries import person_koban_ties, person_roles
        from .retention import persons_holding_since as retention_source
        from .views import person_section

        # The title is the key of the section; the person page shows it translated.
        sections.register(gettext_noop("連絡協議会の委嘱"), "councils/person_section.html", person_section, order=10)
        # A koban-level role may change a person only when all the person's serving terms are in its koban's councils.
        koban_ties.register("councils", person_koban_ties)
        # The person picker shows the councils a person serves on, to tell namesakes apart.
        current_roles.register("councils", person_roles, order=10)
        # Members are kept until their last term ended more than the retention period ago (APPI).
        retention.register("councils", retention_source)
        # Councils are a source of stored findings, and put their figure and to-do list on the home page.
        findings.register()
        coverage.register()  # the kobans without a council (C3.1), counted on the home pages
        panels.register("councils.figure", "councils/home_figure.html", council_figure, kind=panels.FIGURE, order=10)
        panels.register("councils.todo", "councils/home_todo.html", council_todo, kind=panels.TODO, order=10)
        todo.register("councils", council_items)  # the same work item by item, for notifications
