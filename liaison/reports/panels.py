"""The reports' panel on each role's home page (registered with liaison.findings.panels in ``apps.py``).

A fixed number of queries whatever the number of reports: counts and the first few, never every round loaded.
"""

from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext as _

from liaison.access.permissions import Perm
from liaison.access.policy import for_work, permissions_of
from liaison.findings import panels, todo
from liaison.findings.models import Finding

from . import routing
from .models import Submission

SHOWN = 5  # rounds shown after a count; the link leads to the decisions screen


def _overdue(user):
    """The stored report findings this user works on: a koban-level role only its koban's (``for_work``); missing
    Form 3 for those who submit or decide meeting reports; waiting or returned rounds of the kinds they handle."""
    perms = permissions_of(user)
    codes = [k.code for k in routing.registered() if k.submit_perm in perms or k.decide_perm in perms]
    condition = Q(
        subject__source=routing.SOURCE, subject__object_id__in=Submission.objects.filter(kind__in=codes).values("pk")
    )
    if {Perm.SUBMIT_MEETING_REPORTS, Perm.APPROVE_MEETING_REPORTS} & perms:
        condition |= Q(subject__source=routing.MISSING_SOURCE)
    return for_work(user, Finding).filter(condition).select_related("subject").order_by("subject__source", "pk")


def _link(finding) -> str:
    if finding.subject.source == routing.MISSING_SOURCE:
        return reverse("meetings:detail", args=[finding.subject.object_id])
    return reverse("reports:submission", args=[finding.subject.object_id])


def reports_todo(request, officer):
    """Reports waiting for this officer's decision, their own reports returned for correction, and the report
    findings of their scope (a Form 3 not submitted in time, a report waiting too long)."""
    user = request.user
    if not routing.may_use_decisions_screen(user):
        return None
    # Each list and its count in one query (panels.first_rows).
    waiting, waiting_count = panels.first_rows(routing.waiting_for(user), SHOWN)
    returned, returned_count = panels.first_rows(routing.returned_to(user), SHOWN)
    overdue, overdue_count = panels.first_rows(_overdue(user), SHOWN)
    return {
        "waiting_count": waiting_count,
        "waiting": waiting,
        "returned_count": returned_count,
        "returned": returned,
        "overdue_count": overdue_count,
        "overdue": [{"message": f.message, "url": _link(f)} for f in overdue],
        "kinds": {k.code: k.noun for k in routing.registered()},
    }


def report_items(officer):
    """The reports waiting for this officer's decision, their own reports returned for correction, and the report
    findings of their scope, one item each, for notifications. Three queries."""
    user = officer.user
    if not routing.may_use_decisions_screen(user):
        return []
    kinds = {k.code: k.noun for k in routing.registered()}
    items = [
        todo.TodoItem(
            f"reports:{s.pk}:waiting",
            _("決裁待ち：%(noun)s「%(label)s」") % {"noun": kinds.get(s.kind, ""), "label": s.label},
            reverse("reports:submission", args=[s.pk]),
        )
        for s in routing.waiting_for(user).select_related(None).only("pk", "kind", "label")
    ]
    items += [
        todo.TodoItem(
            f"reports:{s.pk}:returned",
            _("差戻し：%(noun)s「%(label)s」") % {"noun": kinds.get(s.kind, ""), "label": s.label},
            reverse("reports:submission", args=[s.pk]),
        )
        for s in routing.returned_to(user).select_related(None).only("pk", "kind", "label")
    ]
    items += [
        todo.TodoItem(f"reports:{f.subject.source}:{f.subject.object_id}:{f.code}", f.message, _link(f))
        for f in _overdue(user)
    ]
    return items
