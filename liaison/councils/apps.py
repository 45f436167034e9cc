from django.apps import AppConfig
from django.utils.translation import gettext_noop


class CouncilsConfig(AppConfig):
    name = "liaison.councils"
    label = "councils"

    def ready(self):
        from liaison.people import sections

        from . import signals  # noqa: F401
        from .views import person_section

        # The title is the key of the section; the person page shows it translated.
        sections.register(gettext_noop("連絡協議会の委嘱"), "councils/person_section.html", person_section, order=10)
