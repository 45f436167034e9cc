"""Sections that higher apps add to a lower app's detail page, without the lower app importing them.

A page of a lower app (the person page, the council page, the meeting page) cannot ask the apps above it what they
know about its object. Instead it keeps one ``PageSections`` and each higher app registers a section once, typically
in its ``AppConfig.ready()``; the page renders them in order. Each app's ``sections.py`` exposes its registry's
``register``, ``unregister``, ``registered`` and ``render_for`` (see ``liaison.people.sections``)::

    sections.register(gettext_noop("連絡協議会の委嘱"), "councils/person_section.html", council_section, order=10)

``register(title, template, context, order=100)``
    ``context(request, obj) -> dict`` is called on every view of the page; its dict (plus the object under the page's
    name, e.g. ``person``, and ``request``) renders ``template``. Return ``None`` to leave the section out for this
    request (e.g. the user may not see that programme). Sections appear by ``order``, then title. Registering the
    same title again replaces the earlier registration (so a re-run ``ready()`` does not duplicate it).
``unregister(title)``
    Removes a section (tests).
``render_for(request, obj) -> list[RenderedSection]``
    What the detail view uses: each section's title and rendered HTML.

The context callable does its own access checks: the page itself is guarded only by its own permission.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.template.loader import render_to_string
from django.utils.safestring import SafeString
from django.utils.translation import gettext

__all__ = ["PageSections", "RenderedSection", "Section"]


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


class PageSections:
    """The sections of one kind of page; ``object_name`` is the object's name in the sections' templates."""

    def __init__(self, object_name: str):
        self.object_name = object_name
        self._sections: dict[str, Section] = {}

    def register(self, title: str, template: str, context: Callable, order: int = 100) -> Section:
        """Add (or replace, by title) a section shown on every page of this kind."""
        section = Section(title=title, template=template, context=context, order=order)
        self._sections[title] = section
        return section

    def unregister(self, title: str) -> None:
        """Remove a section; unknown titles are ignored."""
        self._sections.pop(title, None)

    def registered(self) -> list[Section]:
        """The registered sections in page order."""
        return sorted(self._sections.values(), key=lambda s: (s.order, s.title))

    def render_for(self, request, obj) -> list[RenderedSection]:
        """Render every registered section for ``obj``; a section whose context is None is left out."""
        rendered = []
        for section in self.registered():
            extra = section.context(request, obj)
            if extra is None:
                continue
            html = render_to_string(section.template, {self.object_name: obj, **extra}, request=request)
            rendered.append(RenderedSection(title=gettext(section.title), html=html))
        return rendered
