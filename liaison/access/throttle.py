"""How long a login has to wait after failed attempts (OWASP ASVS 5.0 V6.3): the rules, as pure functions.

Three counters, each kept in ``models.LoginThrottle`` (``actions`` and ``queries`` read and write them):

``account``
    failures against one login ID from browsers that do not hold a device cookie for it, wherever they come from.
``address``
    failures from one client address (``client.client_address``) against any login ID, so that spraying a few
    guesses at many accounts is slowed as much as guessing at one.
``device``
    failures from a browser holding a device cookie for that login ID (``devices``): the officer's own PC, which
    neither the account's nor the address's delay applies to, so that nobody can keep an officer out at will.

There is never a hard lock: after the first few failures each further one makes the next attempt wait, the wait
doubling up to a cap; the failures are forgotten after a quiet spell. Attempts refused while waiting check no
password and count nothing.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

ACCOUNT = "account"
ADDRESS = "address"
DEVICE = "device"


@dataclass(frozen=True)
class Rule:
    """``free`` failures cost nothing; failure ``free + k`` makes the next attempt wait ``first_wait * 2**k``, at most
    ``max_wait``. Failures are forgotten once ``forget_after`` has passed with none since the end of the last wait."""

    free: int
    first_wait: timedelta
    max_wait: timedelta
    forget_after: timedelta


RULES: dict[str, Rule] = {
    # An officer who mistypes five times waits a minute; a guesser gets about four tries an hour after the first hour.
    ACCOUNT: Rule(
        free=5, first_wait=timedelta(minutes=1), max_wait=timedelta(minutes=15), forget_after=timedelta(days=1)
    ),
    # Twenty failures from one address with no pause of 15 minutes: spraying across accounts, or a guesser
    # changing login IDs to dodge the account counter.
    ADDRESS: Rule(
        free=20, first_wait=timedelta(minutes=1), max_wait=timedelta(minutes=15), forget_after=timedelta(minutes=15)
    ),
    # The officer's own browser: a smaller allowance of its own, so a stolen device cookie is no free pass.
    DEVICE: Rule(
        free=10, first_wait=timedelta(minutes=1), max_wait=timedelta(minutes=15), forget_after=timedelta(days=1)
    ),
}


def wait_after(failures: int, rule: Rule) -> timedelta:
    """How long the next attempt waits after ``failures`` failures in a row: nothing within the free ones, then
    doubling from ``first_wait`` up to ``max_wait``."""
    over = failures - rule.free
    if over < 0:
        return timedelta(0)
    # Past about 30 doublings every wait is the cap anyway; stop before the multiplication overflows.
    if over >= 30:
        return rule.max_wait
    return min(rule.max_wait, rule.first_wait * 2**over)


def forget_at(failures: int, last_failure_at: datetime, rule: Rule) -> datetime:
    """When the failures so far stop counting: ``forget_after`` after the end of the wait they caused."""
    return last_failure_at + wait_after(failures, rule) + rule.forget_after


def failures_counted(failures: int, last_failure_at: datetime | None, now: datetime, rule: Rule) -> int:
    """How many of the stored failures still count at ``now`` (all of them, or none once forgotten)."""
    if last_failure_at is None or now >= forget_at(failures, last_failure_at, rule):
        return 0
    return failures


def waits_until(failures: int, last_failure_at: datetime | None, rule: Rule) -> datetime | None:
    """The end of the wait the stored failures impose, or None when they impose none."""
    if last_failure_at is None:
        return None
    wait = wait_after(failures, rule)
    return last_failure_at + wait if wait else None


@dataclass(frozen=True)
class Refusal:
    """An attempt refused unchecked: which counter refused it and until when."""

    scope: str
    until: datetime

    def minutes_left(self, now: datetime) -> int:
        """Whole minutes to wait, rounded up, at least one (the screen says "about N minutes")."""
        return max(1, math.ceil((self.until - now).total_seconds() / 60))


def refusal(counters: dict[str, tuple[int, datetime | None]], now: datetime) -> Refusal | None:
    """Whether an attempt must wait, given the counters that apply to it (scope → stored failures and the time of the
    last one): the longest wait still running, or None."""
    waiting = []
    for scope, (failures, last_failure_at) in counters.items():
        until = waits_until(failures, last_failure_at, RULES[scope])
        if until is not None and until > now:
            waiting.append(Refusal(scope, until))
    return max(waiting, key=lambda r: r.until, default=None)


def scopes_for(*, trusted_device: bool) -> tuple[str, ...]:
    """The counters an attempt is checked against and counted in: a browser with the login ID's device cookie only
    its own; any other browser the account's and its address's."""
    return (DEVICE,) if trusted_device else (ACCOUNT, ADDRESS)
