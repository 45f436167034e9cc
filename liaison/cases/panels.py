"""The cases' to-do panel on each role's home page (registered with liaison.findings.panels in ``apps.py``): the
cases needing action, counted on the stored findings with a fixed number of queries."""

import datetime

from django.db.models import F
from django.urls import reverse
from django.utils.translation import gettext as _

from liaison.access.permissions import Perm
from liaison.access.policy import for_work, has_perm
from liaison.findings import store, todo
from liaison.findings.models import Finding
from liaison.lib.dates import today_tokyo
from liaison.lib.indexes import InConstants
from liaison.org.models import PrefectureSettings

from . import findings, rules
from .models import Case

SHOWN = 5


def oldest_open_long(cases, day: datetime.date):
    """The open cases received more than ``open_days`` before ``day``, oldest first: the cases with the stored
    ``open_long`` finding (rules.case_findings), written as the rule's own condition so that the database reads them
    in order from the ``case_open_received`` index and stops after the rows shown, instead of ordering every one.
    The statuses are written into the SQL as the index condition names them: with them bound as parameters SQLite
    does not see that the index holds the rows, and reads and sorts every case."""
    limits = rules.Limits.from_settings(PrefectureSettings.current())
    cutoff = day - datetime.timedelta(days=limits.open_days)
    return cases.filter(InConstants(F("status"), list(rules.OPEN)), received_on__lt=cutoff).order_by(
        "received_on", "pk"
    )


def oldest_not_told(cases, day: datetime.date):
    """The settled cases whose raiser was not told within ``tell_days`` of ``day``, oldest received first: the cases
    with the stored ``not_told`` finding (rules.case_findings), written as the rule's own condition so that the
    database reads them in order from the ``case_not_told_received`` index and stops after the rows shown, instead of
    ordering every one."""
    limits = rules.Limits.from_settings(PrefectureSettings.current())
    cutoff = day - datetime.timedelta(days=limits.tell_days)
    return cases.filter(status__in=Case.SETTLED, told_on__isnull=True, settled_on__lt=cutoff).order_by(
        "received_on", "pk"
    )


def case_todo(request, officer):
    """Cases of the officer's station (a koban-level role: its koban's) settled but not told in time, and open too
    long: one count over the stored findings, and the first rows of each list that is not empty."""
    if not has_perm(request.user, Perm.VIEW_STATION):
        return None
    cases = for_work(request.user, Case)
    counts = store.count_for(
        request.user,
        not_told=store.Kind(findings.SOURCE, code="not_told"),
        open_long=store.Kind(findings.SOURCE, code="open_long"),
    )
    return {
        "not_told_count": counts["not_told"],
        "not_told": list(oldest_not_told(cases, today_tokyo())[:SHOWN]) if counts["not_told"] else [],
        "open_long_count": counts["open_long"],
        "open_long": list(oldest_open_long(cases, today_tokyo())[:SHOWN]) if counts["open_long"] else [],
    }


def case_items(officer):
    """The cases of the officer's work (``for_work``) with a stored finding (not told in time, open too long), one
    item per case and code, for notifications. Named by number, not by content: a case's text may name residents.
    One query."""
    user = officer.user
    if not has_perm(user, Perm.VIEW_STATION):
        return []
    rows = (
        for_work(user, Finding)
        .filter(subject__source=findings.SOURCE)
        .order_by("subject__object_id", "position")
        .values_list("subject__object_id", "code", "params")
    )
    return [
        todo.TodoItem(
            f"cases:{case_id}:{code}",
            _("意見・要望 No.%(number)s：%(message)s") % {"number": case_id, "message": rules.message(code, params)},
            reverse("cases:detail", args=[case_id]),
        )
        for case_id, code, params in rows
    ]
