from django.apps import AppConfig


class CouncilsConfig(AppConfig):
    name = "liaison.councils"
    label = "councils"

    def ready(self):
        from liaison.people import sections

        from . import signals  # noqa: F401
        from .views import person_section

        sections.register("連絡協議会の委嘱", "councils/person_section.html", person_section, order=10)
