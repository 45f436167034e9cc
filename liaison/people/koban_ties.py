"""Which koban a person belongs to, for the koban-level roles (X2), as told by the apps that hold the person's ties.

A person is recorded once and shared by every programme, so whether the 一番町交番 chief may change a person depends
on what the person does for which koban: today their council terms, later their part in the safety network. People
sits below those apps and cannot ask them, so each registers its ties once, typically in ``AppConfig.ready()``::

    from liaison.people import koban_ties

    koban_ties.register("councils", council_ties)

``council_ties(koban_id) -> Ties`` answers with two filters on Person: ``anywhere``, the people with a live tie to
some koban, and ``elsewhere``, the people with a live tie that does not cover ``koban_id``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Q

__all__ = ["Ties", "register", "scope", "unregister"]


@dataclass(frozen=True)
class Ties:
    anywhere: Q
    elsewhere: Q


_NOBODY = Q(pk__in=[])
_providers: dict[str, Callable[[int], Ties]] = {}


def register(name: str, ties: Callable[[int], Ties]) -> None:
    """Add (or replace, by name) a source of ties between people and kobans."""
    _providers[name] = ties


def unregister(name: str) -> None:
    """Remove a source of ties; unknown names are ignored (tests)."""
    _providers.pop(name, None)


def scope(koban_id: int) -> Q:
    """The people who belong to the koban ``koban_id``: every live tie covers it, or (tied nowhere) its officer recorded them.

    The strictest rule that still lets a koban look after its own people. A change to a person acts on everything
    the person does: recording a public office ends every council term they serve (C6.4(1)), a new address or name
    is printed on every council's roster. So a koban-level role may change a person only when all the person's
    live ties are within its own koban; a person tied to another koban as well is the station's to change (the
    community section). A person tied nowhere belongs to the koban whose officer recorded them, so a koban chief can
    correct the record of someone they have just recorded before appointing them; anyone else recorded at the
    station is not offered to a koban.
    """
    anywhere, elsewhere = _NOBODY, _NOBODY
    for ties in _providers.values():
        found = ties(koban_id)
        anywhere, elsewhere = anywhere | found.anywhere, elsewhere | found.elsewhere
    return ~elsewhere & (anywhere | Q(created_by__officer__koban=koban_id))
