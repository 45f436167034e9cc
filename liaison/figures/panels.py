"""The figures' card on the home page of station chiefs and HQ (registered with liaison.findings.panels from
``apps.py``): what needs attention now, counted from the stored findings in one query, linked to the figures page."""

from django.db.models import Q

from liaison.access.permissions import Perm
from liaison.access.personal_data import hidden_finding_codes
from liaison.access.policy import has_perm, visible_to
from liaison.findings import panels, store
from liaison.findings.models import Finding

from . import queries


def figure(request, officer):
    """Councils needing action, behind the meeting plan, and requests not told back in time, in the user's scope."""
    if not has_perm(request.user, Perm.VIEW_NETWORK_FIGURES):
        return None
    hidden = hidden_finding_codes(request.user)
    return store.count_subjects(
        visible_to(request.user, Finding),
        councils_error=Q(subject__source=queries.COUNCIL_SOURCE, severity="error") & ~Q(code__in=hidden),
        behind_plan=Q(subject__source=queries.MEETINGS_SOURCE, code=queries.NO_REGULAR_MEETING),
        cases_not_told=Q(subject__source=queries.CASE_SOURCE, code=queries.NOT_TOLD),
    )


def register() -> None:
    panels.register("figures.figure", "figures/home_figure.html", figure, kind=panels.FIGURE, order=90)
