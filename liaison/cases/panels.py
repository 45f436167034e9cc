"""The cases' to-do panel on each role's home page (registered with liaison.findings.panels in ``apps.py``): the
cases needing action, counted on the stored findings with a fixed number of queries."""

from liaison.access.permissions import Perm
from liaison.access.policy import for_work, has_perm

from . import findings
from .models import Case

SHOWN = 5


def case_todo(request, officer):
    """Cases of the officer's station (a koban-level role: its koban's) settled but not told in time, and open too
    long."""
    if not has_perm(request.user, Perm.VIEW_STATION):
        return None
    cases = for_work(request.user, Case)
    not_told = cases.filter(findings.having(code="not_told"))
    open_long = cases.filter(findings.having(code="open_long"))
    return {
        "not_told_count": not_told.count(),
        "not_told": list(not_told.order_by("received_on", "pk")[:SHOWN]),
        "open_long_count": open_long.count(),
        "open_long": list(open_long.order_by("received_on", "pk")[:SHOWN]),
    }
