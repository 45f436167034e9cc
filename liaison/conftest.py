import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import Client, override_settings

from liaison.testing import World


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """Argon2 is deliberately slow; tests that are not about hashing use a fast hasher."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def japanese_first(settings):
    """Each test starts in the default language: a request in English must not leave English behind for the next."""
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture
def world(db):
    return World()


@pytest.fixture
def client_for(world):
    """client_for("station_chief") → a test client logged in as that role in station A."""

    def make(role_or_user):
        client = Client()
        user = world.user(role_or_user) if isinstance(role_or_user, str) else role_or_user
        client.force_login(user)
        return client

    return make


@pytest.fixture(scope="module")
def demo_once(django_db_setup, django_db_blocker):
    """The demo prefecture, loaded once for the test module (it takes seconds) and rolled back after its last test.

    The module's tests share one copy: each test sees what the earlier ones changed, so a module that uses it writes its
    tests to hold whatever order they run in (compare with the records, not with fixed numbers)."""
    fast = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    with django_db_blocker.unblock(), override_settings(PASSWORD_HASHERS=fast), transaction.atomic():
        call_command("load_demo", verbosity=0)
        yield
        transaction.set_rollback(True)
