"""The reports' panel on each role's home page (registered with liaison.findings.panels in ``apps.py``).

A fixed number of queries whatever the number of reports: counts and the first few, never every round loaded.
"""

from . import routing

SHOWN = 5  # rounds shown after a count; the link leads to the decisions screen


def reports_todo(request, officer):
    """Reports waiting for this officer's decision, and their own reports returned for correction."""
    user = request.user
    if not routing.may_use_decisions_screen(user):
        return None
    waiting = routing.waiting_for(user)
    returned = routing.returned_to(user)
    return {
        "waiting_count": waiting.count(),
        "waiting": list(waiting[:SHOWN]),
        "returned_count": returned.count(),
        "returned": list(returned[:SHOWN]),
        "kinds": {k.code: k.noun for k in routing.registered()},
    }
