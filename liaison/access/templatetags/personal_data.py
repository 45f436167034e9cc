"""``{% may_see as may_see %}``: the person fields the requesting user may see (decided in access.personal_data)."""

from django import template

from liaison.access import personal_data

register = template.Library()


@register.simple_tag(takes_context=True)
def may_see(context) -> personal_data.MaySee:
    """What of a person the user of this request may see; nothing when the page has no logged-in user."""
    request = context.get("request")
    return personal_data.may_see(getattr(request, "user", None))
