"""The referrals' panel on the home page (registered with liaison.findings.panels from the app config): a referrer's
referrals decided in the last 30 days with their outcome (N2.3: the referrer sees it), and for 地域課 the number of
referrals waiting in the queue. A fixed number of queries."""

from __future__ import annotations

import datetime

from django.utils import timezone

from liaison.access.permissions import Perm
from liaison.access.policy import has_perm, visible_to
from liaison.findings import panels

from .models import Referral

RECENT_DAYS = 30
SHOWN = 5


def referral_panel(request, officer):
    """None (no panel) for those who cannot refer, and when there is nothing to tell."""
    user = request.user
    if not has_perm(user, Perm.REFER_CANDIDATES) or officer.station_id is None:
        return None
    since = timezone.now() - datetime.timedelta(days=RECENT_DAYS)
    decided = (
        visible_to(user, Referral)
        .filter(referrer=officer, decided_at__gte=since)
        .exclude(status=Referral.Status.PENDING)
        .select_related("person")
        .order_by("-decided_at", "-pk")
    )
    pending = None
    if has_perm(user, Perm.DECIDE_REFERRALS):
        # Both counts in one query; the decided referrals are read only when there are some.
        found = panels.counts(
            officer, decided=decided, pending=visible_to(user, Referral).filter(status=Referral.Status.PENDING)
        )
        pending = found["pending"]
        rows = list(decided[: SHOWN + 1]) if found["decided"] else []
    else:
        rows = list(decided[: SHOWN + 1])
    if not rows and not pending:
        return None
    return {"decided": rows[:SHOWN], "more_decided": len(rows) > SHOWN, "pending_count": pending}


def register() -> None:
    panels.register(
        "network.referrals", "network/referrals/home_panel.html", referral_panel, kind=panels.TODO, order=40
    )
