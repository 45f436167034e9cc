"""Panels that programmes add to each role's home page, without the dashboard importing them.

The dashboard sits above every programme; if it computed each one's to-do list itself it would import all their
internals. Instead each programme registers its panels once, typically in its ``AppConfig.ready()``, and reads what
they show from the stored findings (and its own tables) with a fixed number of queries::

    from liaison.findings import panels

    def council_todo(request, officer):
        if not has_perm(request.user, Perm.VIEW_COUNCILS):
            return None
        return {"needing_action": ...}

    panels.register("councils.todo", "councils/home_todo.html", council_todo, kind=panels.TODO, order=10)

``register(key, template, context, kind=TODO, order=100)``
    ``context(request, officer) -> dict`` is called on every view of the home page for a user with an officer
    record; its dict (plus ``officer`` and ``request``) renders ``template``. Return ``None`` to leave the panel out
    (the user may not see that programme). ``kind`` is ``FIGURE`` for a figure card in the overview grid or ``TODO``
    for a to-do section. Panels appear by ``order``, then key. Registering a key again replaces the earlier panel.
``unregister(key)``
    Removes a panel (tests).
``render_for(request, officer, kind) -> list[SafeString]``
    What the home page uses.
``counts(officer, **querysets) -> dict``
    How many rows each queryset holds, in one query: a panel with two counts, or one that reads its first rows only
    when their count is not zero, costs one round trip when there is nothing to list.
``store.count_for(user, name=store.Kind(source, severity=…|code=…, hidden=…))``
    How many of the user's subjects hold each kind of stored finding, in one query: HQ from the tally per station,
    a station or koban from its own subjects. A panel counts findings this way, never over the findings themselves.
``first_rows(queryset, n) -> (rows, count)``
    The first ``n`` rows of an ordered queryset and how many it holds, in one query: a panel's "3 councils need
    action: A, B, C" costs one round trip, not a count and a list.

The context callable does its own access checks: the home page is open to every logged-in officer.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Count, Func, IntegerField, Subquery, Window
from django.template.loader import render_to_string
from django.utils.safestring import SafeString

__all__ = ["FIGURE", "TODO", "Panel", "counts", "first_rows", "register", "registered", "render_for", "unregister"]

FIGURE = "figure"
TODO = "todo"


@dataclass(frozen=True)
class Panel:
    key: str
    template: str
    context: Callable
    kind: str = TODO
    order: int = 100


_panels: dict[str, Panel] = {}


def register(key: str, template: str, context: Callable, *, kind: str = TODO, order: int = 100) -> Panel:
    """Add (or replace, by key) a panel shown on the home page."""
    if kind not in (FIGURE, TODO):
        raise ValueError(f"unknown panel kind {kind!r}")
    panel = Panel(key=key, template=template, context=context, kind=kind, order=order)
    _panels[key] = panel
    return panel


def unregister(key: str) -> None:
    """Remove a panel; unknown keys are ignored."""
    _panels.pop(key, None)


def registered(kind: str | None = None) -> list[Panel]:
    """The registered panels (of one kind) in page order."""
    return sorted((p for p in _panels.values() if kind in (None, p.kind)), key=lambda p: (p.order, p.key))


def render_for(request, officer, kind: str) -> list[SafeString]:
    """Render every registered panel of ``kind`` for this officer; a panel whose context is None is left out."""
    rendered = []
    for panel in registered(kind):
        extra = panel.context(request, officer)
        if extra is None:
            continue
        rendered.append(render_to_string(panel.template, {"officer": officer, **extra}, request=request))
    return rendered


def first_rows(queryset, n: int) -> tuple[list, int]:
    """The first ``n`` rows of ``queryset`` (ordered) and the number of rows it holds, in one query.

    The total is a window count over the whole selection, so it costs what the separate count cost; what it saves is
    the round trip (each one counts on PostgreSQL, and a home page asks many). Not for a ``distinct()`` queryset.
    """
    rows = list(queryset.annotate(rows_in_selection=Window(Count("pk")))[:n])
    return rows, (rows[0].rows_in_selection if rows else 0)


def counts(officer, **querysets) -> dict[str, int]:
    """The number of rows of each queryset, by name, in one query: ``SELECT COUNT(*)`` of each as a subquery, read on
    the officer's own row (any one row would do)."""
    from liaison.org.models import Officer

    def count(queryset) -> Subquery:
        counted = queryset.order_by().annotate(n=Func("pk", function="COUNT", output_field=IntegerField()))
        return Subquery(counted.values("n")[:1], output_field=IntegerField())

    return Officer.objects.filter(pk=officer.pk).values(**{name: count(qs) for name, qs in querysets.items()}).get()
