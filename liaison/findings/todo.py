"""Each officer's to-do list item by item, for notifications and the daily digest, without this app knowing the
programmes.

The home-page panels (``panels.py``) show counts and the first few rows; a notification needs every item, each with
a key that stays the same while the item stays (so it is notified once) and disappears when the record behind it is
fixed (so the notification is marked resolved). Each programme registers, typically in its ``AppConfig.ready()``::

    from liaison.findings import todo

    def council_items(officer):
        ...
        return [todo.TodoItem(f"councils:{council_id}:{code}", text, url), ...]

    todo.register("councils", council_items)

``items(officer) -> iterable of TodoItem`` reads the stored findings (and its programme's tables) with a fixed number
of queries, applies the same access checks as the programme's panel (through ``officer.user``), and returns ``[]`` for
an officer who does not do that work. The texts go into e-mail: they name councils, kobans, case numbers and reports,
never a resident (N4.2: nothing about a civilian who declined or withdrew may leave the system; naming none at all is
the simple way to be sure).

``register(name, items)``, ``unregister(name)``, ``items_for(officer) -> list[TodoItem]`` (every programme's, in
registration-name order, one per key).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

__all__ = ["TodoItem", "items_for", "register", "registered", "unregister"]

KEY_MAX = 200  # the notification table's key column
TEXT_MAX = 300


@dataclass(frozen=True)
class TodoItem:
    key: str  # stable for the same item, unique across programmes: "<programme>:<object id>:<code>"
    text: str  # in the active language
    url: str  # a path inside the site


_sources: dict[str, Callable[..., Iterable[TodoItem]]] = {}


def register(name: str, items: Callable[..., Iterable[TodoItem]]) -> None:
    """Add (or replace, by name) a programme's source of to-do items."""
    _sources[name] = items


def unregister(name: str) -> None:
    """Remove a source; unknown names are ignored."""
    _sources.pop(name, None)


def registered() -> list[str]:
    return sorted(_sources)


def items_for(officer) -> list[TodoItem]:
    """Every registered programme's to-do items for this officer, one per key, texts cut to the stored length."""
    found: dict[str, TodoItem] = {}
    for name in registered():
        for item in _sources[name](officer):
            key = item.key[:KEY_MAX]
            found.setdefault(key, TodoItem(key, item.text[:TEXT_MAX], item.url))
    return list(found.values())
