"""Template tags of what follows meetings: the opinions of a meeting read in one query, so a page including
``meetings/followup/_meeting_opinions.html`` costs the same with one opinion as with thirty."""

from django import template

from ..queries_followup import meeting_opinions as opinions_of

register = template.Library()


@register.simple_tag
def meeting_opinions(meeting) -> list:
    """The meeting's opinions and requests in Form 3's order, each with its case."""
    return list(opinions_of(meeting))
