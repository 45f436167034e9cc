"""Sections that higher apps add to 会議の画面（the meeting page）, without the meetings app importing them.

Meetings sit below reports, so its page cannot ask them what they know about a meeting: each registers a section
here, typically in its ``AppConfig.ready()``. How a section is registered and rendered: ``liaison.lib.sections``.
"""

from liaison.lib.sections import PageSections, RenderedSection, Section

__all__ = ["RenderedSection", "Section", "register", "registered", "render_for", "unregister"]

_page = PageSections("meeting")
register = _page.register
unregister = _page.unregister
registered = _page.registered
render_for = _page.render_for
