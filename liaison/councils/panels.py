"""The councils' panels on each role's home page (registered with liaison.findings.panels in ``apps.py``).

Each reads the stored findings and the council tables with a fixed number of queries, whatever the number of
councils: counts and the first few names, never every council loaded into Python.
"""

import datetime

from django.db.models import OuterRef, Subquery
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from liaison.access.permissions import Perm
from liaison.access.personal_data import hidden_finding_codes
from liaison.access.policy import for_work, has_perm, visible_to
from liaison.findings import panels, store, todo
from liaison.findings.models import Finding
from liaison.lib.dates import today_tokyo
from liaison.org.models import PrefectureSettings

from . import coverage, findings, queries
from .models import Council, Membership, Notice

SHOWN = 5  # names shown after a count; the link leads to the full list
ORDER = ("station__order", "station__code", "name", "pk")  # the council list's order


def council_figure(request, officer):
    """Figure card: the active councils the user may see."""
    if not has_perm(request.user, Perm.VIEW_COUNCILS):
        return None
    return {"count": visible_to(request.user, Council).filter(status=Council.Status.ACTIVE).count()}


def council_todo(request, officer):
    """Council work waiting for this officer: notices, councils needing action, terms ending, kobans without a
    council, operation managers to confirm. A koban-level role's list is its own koban's (``for_work``).

    The councils needing action and the kobans without a council (C3.1, stored by ``coverage``) are one count over
    the stored findings; a list is read only when its count is not zero."""
    user = request.user
    if not has_perm(user, Perm.VIEW_COUNCILS):
        return None
    today = today_tokyo()
    settings = PrefectureSettings.current()
    councils = for_work(user, Council).filter(status=Council.Status.ACTIVE)
    hidden = hidden_finding_codes(user)
    counts = store.count_for(
        user,
        needing_action=store.Kind(findings.SOURCE, severity="error", hidden=tuple(hidden)),
        without_council=store.Kind(coverage.SOURCE, code="no_council"),
    )
    needing_action = councils.filter(findings.having(severity="error", hidden=hidden))
    context = {
        "notices": list(Notice.objects.filter(recipient=officer, read_at__isnull=True).select_related("council")[:20]),
        "needing_action_count": counts["needing_action"],
        "needing_action": list(needing_action.order_by(*ORDER)[:SHOWN]) if counts["needing_action"] else [],
        "ending_count": 0,
        "ending_days": settings.term_ending_days,
        "without_council_count": counts["without_council"],
        "unconfirmed_count": 0,
        "unconfirmed": [],
        "can_renew": has_perm(user, Perm.APPOINT_MEMBERS),
    }
    if context["can_renew"]:  # counted only for those who renew terms: a count over every term ending is not free
        memberships = for_work(user, Membership).filter(council__status=Council.Status.ACTIVE)
        end = today + datetime.timedelta(days=settings.term_ending_days)
        context["ending_count"] = queries.memberships_ending(memberships, today, end).count()
    if has_perm(user, Perm.CONFIRM_OPERATION_MANAGER):
        unconfirmed = councils.filter(operation_manager_confirmed_at__isnull=True)
        context["unconfirmed"], context["unconfirmed_count"] = panels.first_rows(unconfirmed.order_by(*ORDER), SHOWN)
    return context


# Codes of council findings as to-do items: a short text that names no member (the stored message may name one).
_ITEM_TEXTS = {
    "public_office": gettext_lazy("公職にある委員がいます（C6.4(1)）"),
    "many_chairs": gettext_lazy("会長が複数います（C3.2(1)）"),
    "no_chair": gettext_lazy("会長が選任されていません（C3.2(1)）"),
    "size": gettext_lazy("委員の人数が目安を外れています（C6.1）"),
    "leader_share": gettext_lazy("コミュニティ・リーダーの割合が目安を外れています"),
    "gender_spread": gettext_lazy("委員の性別が偏っています（C3.2(2)ア）"),
    "age_spread": gettext_lazy("委員の年齢が偏っています（C3.2(2)ア）"),
    "occupation_spread": gettext_lazy("委員の職業が偏っています（C3.2(2)ア）"),
}


def council_items(officer):
    """The council work of the officer's scope (``for_work``) item by item, for notifications: each active council's
    findings to act on (errors and warnings the officer may read, one item per council and code), each koban without
    a council (C3.1), and each operation manager to confirm. Three queries."""
    user = officer.user
    if not has_perm(user, Perm.VIEW_COUNCILS):
        return []
    name = Council.objects.filter(pk=OuterRef("subject__object_id")).values("name")[:1]
    rows = (
        for_work(user, Finding)
        .filter(subject__source=findings.SOURCE, severity__in=["error", "warning"])
        .exclude(code__in=hidden_finding_codes(user))
        .annotate(council_name=Subquery(name))
        .order_by("subject__object_id", "position")
        .values_list("subject__object_id", "code", "council_name")
    )
    items = [
        todo.TodoItem(
            f"councils:{council_id}:{code}",
            f"{council_name}：{_ITEM_TEXTS.get(code, _('対応が必要な事項があります'))}",
            reverse("councils:detail", args=[council_id]),
        )
        for council_id, code, council_name in rows
    ]
    for koban_id, params in (
        for_work(user, Finding)
        .filter(subject__source=coverage.SOURCE, code="no_council")
        .values_list("subject__object_id", "params")
    ):
        items.append(
            todo.TodoItem(
                f"coverage:{koban_id}:no_council",
                store.message(coverage.SOURCE, "no_council", params),
                reverse("councils:list"),
            )
        )
    if has_perm(user, Perm.CONFIRM_OPERATION_MANAGER):
        unconfirmed = for_work(user, Council).filter(
            status=Council.Status.ACTIVE, operation_manager_confirmed_at__isnull=True
        )
        for council_id, council_name in unconfirmed.order_by(*ORDER).values_list("pk", "name"):
            items.append(
                todo.TodoItem(
                    f"councils:{council_id}:manager_unconfirmed",
                    _("%(council)s：運営責任者の確認が済んでいません") % {"council": council_name},
                    reverse("councils:detail", args=[council_id]),
                )
            )
    return items
