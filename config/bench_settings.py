"""Settings for ``manage.py bench`` and nothing else: the app's own settings plus the Django admin over councils,
memberships, people, meetings, cases, contact persons and exchanges (``config.bench_urls``), which the benchmark
requests as the peer baseline of our pages.

The app itself never enables the admin: every change goes through the actions, and every read through the access
policy. The benchmark's child processes run with ``DJANGO_SETTINGS_MODULE=config.bench_settings``, so our pages and
the admin are measured in the same process set-up, on the same data.
"""

from config.settings import *  # noqa: F403
from config.settings import INSTALLED_APPS

INSTALLED_APPS = [*INSTALLED_APPS, "django.contrib.admin"]
ROOT_URLCONF = "config.bench_urls"
