"""Sections that higher apps add to the person page (住民等の詳細), without the people app importing them.

People sits below councils, network and cases, so it cannot ask them what they know about a person. Instead each
app registers a section once, typically in its ``AppConfig.ready()``::

    from liaison.people import sections

    def council_section(request, person):
        memberships = visible_to(request.user, person.council_memberships.select_related("council"))
        return {"memberships": memberships}

    sections.register(gettext_noop("連絡協議会の委嘱"), "councils/person_section.html", council_section, order=10)

``register(title, template, context, order=100)``
    ``context(request, person) -> dict`` is called on every view of the page; its dict (plus ``person`` and
    ``request``) renders ``template``. Return ``None`` to leave the section out for this request (e.g. the user may
    not see that programme). Sections appear by ``order``, then title. Registering the same title again replaces
    the earlier registration (so a re-run ``ready()`` does not duplicate it).
``unregister(title)``
    Removes a section (tests).
``render_for(request, person) -> list[RenderedSection]``
    What the detail view uses: each section's title and rendered HTML.

The context callable does its own access checks: the person page is guarded by VIEW_PEOPLE only.
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
    """Add (or replace, by title) a section shown on every person page."""
    section = Section(title=title, template=template, context=context, order=order)
    _sections[title] = section
    return section


def unregister(title: str) -> None:
    """Remove a section; unknown titles are ignored."""
    _sections.pop(title, None)


def registered() -> list[Section]:
    """The registered sections in page order."""
    return sorted(_sections.values(), key=lambda s: (s.order, s.title))


def render_for(request, person) -> list[RenderedSection]:
    """Render every registered section for this person; a section whose context is None is left out."""
    rendered = []
    for section in registered():
        extra = section.context(request, person)
        if extra is None:
            continue
        html = render_to_string(section.template, {"person": person, **extra}, request=request)
        rendered.append(RenderedSection(title=gettext(section.title), html=html))
    return rendered
