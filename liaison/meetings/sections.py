"""Sections that higher apps add to the meeting page, without the meetings app importing them.

Meetings sit below reports, so the meeting page cannot ask the reports app about the meeting's result report (the
routing of Form 3, C11.2, and its print link). Instead each app registers a section once, typically in its
``AppConfig.ready()`` (the same pattern as ``liaison.councils.sections`` for the council page)::

    from liaison.meetings import sections

    sections.register(gettext_noop("開催結果報告"), "reports/_meeting_report.html", meeting_report_section, order=50)

``register(title, template, context, order=100)``
    ``context(request, meeting) -> dict`` is called on every view of the page; its dict (plus ``meeting`` and
    ``request``) renders ``template``. Return ``None`` to leave the section out for this request (e.g. a meeting not
    yet held has no result to report). Sections appear by ``order``, then title. Registering the same title again
    replaces the earlier registration (so a re-run ``ready()`` does not duplicate it).
``unregister(title)``
    Removes a section (tests).
``render_for(request, meeting) -> list[RenderedSection]``
    What the detail view uses: each section's title and rendered HTML.

The context callable does its own access checks: the meeting page is guarded by VIEW_COUNCILS only.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.template.loader import render_to_string
from django.utils.safestring import SafeString
from django.utils.translation import gettext

__all__ = ["RenderedSection", "Section", "register", "registered", "render_for", "unregister"]


@dataclass(frozen=True)
class Section:
    title: str
    template: str
    context: Callable
    order: int = 100


@dataclass(frozen=True)
class RenderedSection:
    title: str
    html: SafeString


_sections: dict[str, Section] = {}


def register(title: str, template: str, context: Callable, order: int = 100) -> Section:
    """Add (or replace, by title) a section shown on every meeting page."""
    section = Section(title=title, template=template, context=context, order=order)
    _sections[title] = section
    return section


def unregister(title: str) -> None:
    """Remove a section; unknown titles are ignored."""
    _sections.pop(title, None)


def registered() -> list[Section]:
    """The registered sections in page order."""
    return sorted(_sections.values(), key=lambda s: (s.order, s.title))


def render_for(request, meeting) -> list[RenderedSection]:
    """Render every registered section for this meeting; a section whose context is None is left out."""
    rendered = []
    for section in registered():
        extra = section.context(request, meeting)
        if extra is None:
            continue
        html = render_to_string(section.template, {"meeting": meeting, **extra}, request=request)
        rendered.append(RenderedSection(title=gettext(section.title), html=html))
    return rendered
