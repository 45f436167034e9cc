"""Sections that higher apps add to 住民等の詳細（the person page）, without the people app importing them.

People sits below councils, network and cases, so its page cannot ask them what they know about a person: each
registers a section here, typically in its ``AppConfig.ready()``. How a section is registered and rendered:
``liaison.lib.sections``.
"""

from liaison.lib.sections import PageSections, RenderedSection, Section

__all__ = ["RenderedSection", "Section", "register", "registered", "render_for", "unregister"]

_page = PageSections("person")
register = _page.register
unregister = _page.unregister
registered = _page.registered
render_for = _page.render_for
