"""Reads of the access app that are more than a filter: the login throttle's counters."""

from django.db.models import Q
from django.utils import timezone

from . import throttle
from .models import LoginThrottle
from .policy import visible_to


def login_refusal(*, username: str, address: str | None, device_token: str | None, now=None):
    """The ``throttle.Refusal`` that holds this login attempt back unchecked, or None; one query."""
    now = now or timezone.now()
    keys = {
        throttle.ACCOUNT: username,
        throttle.ADDRESS: address,
        throttle.DEVICE: device_token,
    }
    wanted = Q(pk__in=[])
    for scope in throttle.scopes_for(trusted_device=device_token is not None):
        if keys[scope]:
            wanted |= Q(scope=scope, key=keys[scope])
    counters = {
        row.scope: (row.failures, row.last_failure_at)
        for row in LoginThrottle.objects.filter(wanted, until__gt=now).only("scope", "failures", "last_failure_at")
    }
    return throttle.refusal(counters, now)


def current_throttles(user, now=None):
    """The counters holding logins back now, for the HQ administrators' list: longest wait first."""
    now = now or timezone.now()
    return visible_to(user, LoginThrottle).filter(until__gt=now).order_by("-until", "pk")
