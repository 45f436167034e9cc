"""The follow-up's to-do panel on each role's home page (registered in ``apps.py``): activities with an overdue
interim report (C8.2, from the stored findings) and information from members not yet reported to the station chief
(C9.1). A fixed number of queries whatever the number of councils."""

from liaison.access.permissions import Perm
from liaison.access.policy import for_work, has_perm
from liaison.findings import panels

from . import findings_followup
from .models import Activity, MemberInformation

SHOWN = 5


def followup_todo(request, officer):
    if not has_perm(request.user, Perm.VIEW_COUNCILS):
        return None
    overdue = for_work(request.user, Activity).filter(findings_followup.having()).select_related("council")
    unreported = for_work(request.user, MemberInformation).filter(reported_on__isnull=True)
    # Both counts in one query; the overdue activities are read only when there are some.
    found = panels.counts(officer, overdue=overdue, unreported=unreported)
    if not found["overdue"] and not found["unreported"]:
        return None
    overdue_rows = list(overdue.order_by("started_on", "pk")[:SHOWN]) if found["overdue"] else []
    return {"overdue_count": found["overdue"], "overdue": overdue_rows, "unreported_count": found["unreported"]}
