"""Hooks for the whole suite, on SQLite and PostgreSQL alike. Fixtures belong in each app's conftest.py."""


def pytest_report_header(config):
    try:
        from django.conf import settings

        db = settings.DATABASES["default"]
    except Exception as exc:  # settings that do not import are reported by pytest-django itself
        return f"database: unknown ({exc.__class__.__name__})"
    return f"database: {db['ENGINE'].rsplit('.', 1)[-1]}"
