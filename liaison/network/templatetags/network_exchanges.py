"""Template tags of the information exchanges: a contact person's page shows their latest exchanges from the
contact alone, whichever view renders it."""

from django import template

from liaison.network.queries_exchanges import latest_exchanges

register = template.Library()


@register.simple_tag
def contact_exchanges(contact, limit=10):
    """The latest ``limit`` exchanges with ``contact`` (one query)."""
    return latest_exchanges(contact, limit) if contact is not None and contact.pk else []
