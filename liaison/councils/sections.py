"""Sections that higher apps add to the council page, without the councils app importing them.

Councils sit below meetings and reports, so the council page cannot ask them what they know about a council (the
state of its Form 2, C11.1(1); its meetings next). Instead each app registers a section once, typically in its
``AppConfig.ready()`` (the same pattern as ``liaison.people.sections`` for the person page)::

    from liaison.councils import sections

    sections.register(gettext_noop("設置報告書の提出"), "reports/_routing.html", setup_report_section, order=50)

``register(title, template, context, order=100)``
    ``context(request, council) -> dict`` is called on every view of the page; its dict (plus ``council`` and
    ``request``) renders ``template``. Return ``None`` to leave the section out for this request (e.g. the user may
    not see that programme). Sections appear by ``order``, then title. Registering the same title again replaces
    the earlier registration (so a re-run ``ready()`` does not duplicate it).
``unregister(title)``
    Removes a section (tests).
``render_for(request, council) -> list[RenderedSection]``
    What the detail view uses: each section's title and rendered HTML.

The context callable does its own access checks: the council page is guarded by VIEW_COUNCILS only.
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
    """Add (or replace, by title) a section shown on every council page."""
    section = Section(title=title, template=template, context=context, order=order)
    _sections[title] = section
    return section


def unregister(title: str) -> None:
    """Remove a section; unknown titles are ignored."""
    _sections.pop(title, None)


def registered() -> list[Section]:
    """The registered sections in page order."""
    return sorted(_sections.values(), key=lambda s: (s.order, s.title))


def render_for(request, council) -> list[RenderedSection]:
    """Render every registered section for this council; a section whose context is None is left out."""
    rendered = []
    for section in registered():
        extra = section.context(request, council)
        if extra is None:
            continue
        html = render_to_string(section.template, {"council": council, **extra}, request=request)
        rendered.append(RenderedSection(title=gettext(section.title), html=html))
    return rendered
