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
    overdue_rows, overdue_count = panels.first_rows(overdue.order_by("started_on", "pk"), SHOWN)
    unreported_count = unreported.count()
    if not overdue_count and not unreported_count:
        return None
    return {"overdue_count": overdue_count, "overdue": overdue_rows, "unreported_count": unreported_count}
