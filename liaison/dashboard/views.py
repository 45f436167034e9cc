import datetime

from django.shortcuts import render

from liaison.access.permissions import Perm
from liaison.access.personal_data import shown_findings
from liaison.access.policy import for_work, has_perm, logged_in, officer_of, visible_to
from liaison.councils import queries as council_queries
from liaison.councils.models import Council, Membership, Notice
from liaison.lib.dates import today_tokyo
from liaison.org.models import Koban, Officer, PrefectureSettings, Station


@logged_in
def home(request):
    """Each role's start page: what is theirs to look after."""
    officer = officer_of(request.user)
    context = {"officer": officer}
    if officer is not None:
        context["station_count"] = visible_to(request.user, Station).filter(active=True).count()
        context["koban_count"] = visible_to(request.user, Koban).filter(active=True).count()
        context["officer_count"] = visible_to(request.user, Officer).filter(active=True).count()
        if has_perm(request.user, Perm.VIEW_COUNCILS):
            context["todo"] = council_todo(request.user, officer)
    return render(request, "dashboard/home.html", context)


def council_todo(user, officer) -> dict:
    """Council work waiting for this officer: notices, councils needing action, terms ending, kobans without a council."""
    today = today_tokyo()
    settings = PrefectureSettings.current()
    # A koban-level role's to-do list is its own koban's; everyone else's is what they may see.
    councils = for_work(user, Council).filter(status=Council.Status.ACTIVE)
    kobans = for_work(user, Koban)
    memberships = for_work(user, Membership).filter(council__status=Council.Status.ACTIVE)
    loaded = list(council_queries.with_current_members(councils, today))
    findings = council_queries.findings_for(loaded, today)
    needing_action = [c for c in loaded if any(f.severity == "error" for f in shown_findings(user, findings[c.pk]))]
    ending = council_queries.memberships_ending(
        memberships, today, today + datetime.timedelta(days=settings.term_ending_days)
    )
    return {
        "notices": list(Notice.objects.filter(recipient=officer, read_at__isnull=True).select_related("council")[:20]),
        "needing_action": needing_action,
        "ending_count": ending.count(),
        "ending_days": settings.term_ending_days,
        "without_council": council_queries.kobans_without_council(kobans),
        "unconfirmed": [c for c in loaded if c.operation_manager_confirmed_at is None]
        if has_perm(user, Perm.CONFIRM_OPERATION_MANAGER)
        else [],
        "can_renew": has_perm(user, Perm.APPOINT_MEMBERS),
    }
