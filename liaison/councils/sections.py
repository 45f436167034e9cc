"""Sections that higher apps add to 協議会の画面（the council page）, without the councils app importing them.

Councils sit below meetings and reports, so its page cannot ask them what they know about a council: each registers
a section here, typically in its ``AppConfig.ready()``. How a section is registered and rendered:
``liaison.lib.sections``.
"""

from liaison.lib.sections import PageSections, RenderedSection, Section

__all__ = ["RenderedSection", "Section", "register", "registered", "render_for", "unregister"]

_page = PageSections("council")
register = _page.register
unregister = _page.unregister
registered = _page.registered
render_for = _page.render_for
