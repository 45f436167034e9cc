"""What people do today (委員 of a council, and later 地域安全連絡員 …), as told by the apps that know, for the person
picker to tell namesakes apart, without the people app importing them.

People sits below councils and network, so it cannot ask them. Each app registers a provider once, typically in its
``AppConfig.ready()``::

    from liaison.people import current_roles

    current_roles.register("councils", council_roles)

``council_roles(user, person_ids, day) -> dict[int, list[str]]`` answers, for the persons it knows of among
``person_ids``, short texts such as 「一番町交番連絡協議会 会長」. It does its own access checks (only what ``user`` may
see) and costs a fixed number of queries however many ids it is given (one ``person_id__in`` query), so the picker's
search costs the same for 1 and for 20 results.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable

__all__ = ["for_people", "register", "unregister"]

Provider = Callable[[object, list[int], datetime.date], dict[int, list[str]]]

_providers: dict[str, tuple[int, Provider]] = {}


def register(name: str, provider: Provider, order: int = 100) -> None:
    """Add (or replace, by name) a source of current roles; roles are listed by ``order``, then name."""
    _providers[name] = (order, provider)


def unregister(name: str) -> None:
    """Remove a source; unknown names are ignored (tests)."""
    _providers.pop(name, None)


def for_people(user, person_ids: list[int], day: datetime.date) -> dict[int, list[str]]:
    """Person id → the roles every registered source reports for ``day`` (only persons with a role appear)."""
    if not person_ids:
        return {}
    roles: dict[int, list[str]] = {}
    for _name, (_order, provider) in sorted(_providers.items(), key=lambda item: (item[1][0], item[0])):
        for person_id, texts in provider(user, list(person_ids), day).items():
            roles.setdefault(person_id, []).extend(texts)
    return roles
