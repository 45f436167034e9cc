"""The meetings' panel on each role's home page (registered in ``apps.py``): councils with no regular meeting this
fiscal year (C7.2, from the stored findings) and the meetings of the next two weeks. A fixed number of queries."""

from django.urls import reverse
from django.utils.translation import gettext as _

from liaison.access.permissions import Perm
from liaison.access.policy import for_work, has_perm, sees_all_stations
from liaison.councils.models import Council
from liaison.findings import panels, todo
from liaison.lib.dates import today_tokyo

from . import findings, queries
from .models import Meeting

SHOWN = 5


def meeting_todo(request, officer):
    """Meeting work for this officer: a koban-level role sees its own koban's councils (``for_work``)."""
    user = request.user
    if not has_perm(user, Perm.VIEW_COUNCILS):
        return None
    today = today_tokyo()
    missing = for_work(user, Council).filter(status=Council.Status.ACTIVE).filter(findings.having())
    missing_rows, missing_count = panels.first_rows(missing.order_by("station__order", "name", "pk"), SHOWN)
    soon = queries.upcoming(for_work(user, Meeting), today).order_by("starts_at", "pk")
    if sees_all_stations(user):
        # The prefecture's next two weeks are a thousand meetings at ten times the largest force: a window count
        # would carry every one of them, whole, before the first five are cut; a plain count reads the index.
        soon_count = soon.count()
        soon_rows = list(soon[:SHOWN]) if soon_count else []
    else:
        soon_rows, soon_count = panels.first_rows(soon, SHOWN)
    return {"missing_count": missing_count, "missing": missing_rows, "soon": soon_rows, "soon_count": soon_count}


def meeting_items(officer):
    """The councils of the officer's work (``for_work``) with no regular meeting this fiscal year (C7.2), one item
    each, for notifications. One query."""
    user = officer.user
    if not has_perm(user, Perm.VIEW_COUNCILS):
        return []
    missing = for_work(user, Council).filter(status=Council.Status.ACTIVE).filter(findings.having())
    return [
        todo.TodoItem(
            f"meetings:{pk}:no_regular_meeting",
            _("%(council)s：今年度の定例会議が開催されていません（C7.2）") % {"council": name},
            reverse("councils:detail", args=[pk]),
        )
        for pk, name in missing.order_by("station__order", "name", "pk").values_list("pk", "name")
    ]
