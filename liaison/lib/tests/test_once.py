"""A form token is spent once (a double click creates one record)."""

from django.contrib.sessions.backends.signed_cookies import SessionStore
from django.test import RequestFactory

from liaison.lib import once


def _request():
    request = RequestFactory().post("/")
    request.session = SessionStore()
    return request


def test_token_counts_as_spent_after_the_first_save():
    request = _request()
    token = once.issue()
    assert not once.was_spent(request, token)
    once.spend(request, token)
    assert once.was_spent(request, token)
    assert not once.was_spent(request, once.issue()) and not once.was_spent(request, "")


def test_only_the_latest_spent_tokens_are_kept():
    request = _request()
    first = once.issue()
    once.spend(request, first)
    for _ in range(once.KEEP):
        once.spend(request, once.issue())
    assert not once.was_spent(request, first)
    assert len(request.session[once.SESSION_KEY]) == once.KEEP
