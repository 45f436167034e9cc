"""Sections that other areas of the network add to a contact person's page (地域安全連絡員の詳細), e.g. the
information exchanges with them, without the contacts screens importing those areas.

Each area registers its section once, typically in ``AppConfig.ready()``; the page renders them in order (how:
``liaison.lib.sections``). The section templates get the contact person as ``contact``.
"""

from liaison.lib.sections import PageSections, RenderedSection, Section

__all__ = ["RenderedSection", "Section", "register", "registered", "render_for", "unregister"]

_page = PageSections("contact")
register = _page.register
unregister = _page.unregister
registered = _page.registered
render_for = _page.render_for
