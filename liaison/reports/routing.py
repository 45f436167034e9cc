"""The routing of reports: one way for every report about an object to be submitted, decided and followed up.

A report about an object (a council's Form 2 now, a meeting's Form 3 next) is submitted by someone, goes to an
approver who approves (accepts) it or returns it with a comment; a returned report is corrected and submitted again.
Every round is a ``Submission`` row, kept with who, when and the comments, audited by ``actions.report_submit`` and
``actions.report_decide``, and shown on the object's page (``templates/reports/_routing.html``).

Kinds are registered like the print kinds (``reports.kinds``)::

    register(RoutingKind(code="form3", noun="開催結果報告書", requirement="C11.2",
                         queryset=lambda: Meeting.objects.select_related("council"),
                         submit_perm=Perm.SUBMIT_MEETING_REPORTS, decide_perm=Perm.APPROVE_MEETING_REPORTS,
                         decides=meeting_report_decider, routine_allowed=True,
                         url=lambda m: reverse("meetings:detail", args=[m.pk])))

A kind's ``decides(role, routine)`` is the rule of who decides, as a pure function of the role and of what the
submitter marked; the same rule filters the lists of what waits for a user (``waiting_for``), so the screen and the
check never disagree. Station roles decide their own station's reports; HQ roles every station's.

Findings (stored, ``liaison.findings.store``, source ``"report"``): a report waiting for a decision more than
``WAITING_DAYS`` days, and a returned report waiting for correction.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from liaison.access.permissions import Perm
from liaison.access.policy import can_change, has_perm, officer_of, permissions_of, station_id_of, visible_to
from liaison.access.roles import Role
from liaison.councils.models import Council

from .models import GoodPractice, Submission

__all__ = [
    "FORM2",
    "GOOD_PRACTICE",
    "WAITING_DAYS",
    "RoutingKind",
    "get",
    "meeting_report_decider",
    "register",
    "registered",
    "unregister",
]

# Days a report may wait for a decision before it is a finding. A constant rather than a prefecture setting: the
# setting would need a migration of the org app, which this part may not add; move it there with the next org change.
WAITING_DAYS = 14

SOURCE = "report"  # the stored findings' source name


# --- who decides: pure rules ------------------------------------------------------------------------------------


def setup_report_decider(role: str, routine: bool) -> bool:
    """C11.1(1): Form 2 goes from the station chief to HQ through the 本部地域課, which accepts or returns it."""
    return role == Role.HQ_ADMIN


def good_practice_decider(role: str, routine: bool) -> bool:
    """C11.1(2): good-practice reports go from a station to HQ's 本部地域課, which accepts or returns them."""
    return role == Role.HQ_ADMIN


def meeting_report_decider(role: str, routine: bool) -> bool:
    """C11.2: Form 3 is decided by the station chief, or by the deputy (副署長・次長) when the submitter marked the
    report 軽易かつ定型的 (routine)."""
    return role == Role.STATION_CHIEF or (routine and role == Role.DEPUTY)


# --- kinds ------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RoutingKind:
    """One kind of report routed for a decision, about the objects of one model."""

    code: str  # stored on Submission.kind and used in URLs; short ASCII
    noun: str  # what is reported, in Japanese: 設置報告書, 好事例 …
    requirement: str  # the requirement its findings name
    queryset: Callable[[], QuerySet]  # the objects, with what their label, url and access checks need joined in
    submit_perm: Perm  # the submitter must be allowed this on the object (``can_change``)
    decide_perm: Perm  # the approver holds this …
    decides: Callable[[str, bool], bool]  # … and this rule of (role, routine) says yes
    url: Callable[[object], str]  # the object's page, where the routing is shown
    label: Callable[[object], str] = str
    routine_allowed: bool = False  # the submitter may mark the report 軽易かつ定型的 (C11.2)

    def load(self, object_id: int, user=None):
        """The object ``object_id`` (of those ``user`` may see, when given); LookupError when there is none."""
        queryset = self.queryset() if user is None else visible_to(user, self.queryset())
        found = queryset.filter(pk=object_id).first()
        if found is None:
            raise LookupError(f"{self.noun}の対象が見つかりません。")
        return found

    def may_submit(self, user, obj) -> bool:
        """True when ``user`` may submit (or resubmit) the report of ``obj``."""
        return can_change(user, obj, self.submit_perm)

    def may_decide(self, user, obj, submission: Submission) -> bool:
        """True when ``user`` may approve or return ``submission`` about ``obj``: the permission, the kind's rule for
        the user's role and what the submitter marked, and the object's station (HQ: every station)."""
        if not submission.is_open or not has_perm(user, self.decide_perm):
            return False
        officer = officer_of(user)
        if not self.decides(officer.role, submission.routine):
            return False
        return has_perm(user, Perm.VIEW_ALL_STATIONS) or station_id_of(obj) == officer.station_id

    def waiting_filter(self, user) -> Q | None:
        """The open rounds of this kind ``user`` decides, as a filter of visible submissions; None for none."""
        if not has_perm(user, self.decide_perm):
            return None
        role = officer_of(user).role
        if self.decides(role, False):
            return Q(kind=self.code)
        if self.routine_allowed and self.decides(role, True):
            return Q(kind=self.code, routine=True)
        return None


_KINDS: dict[str, RoutingKind] = {}


def register(kind: RoutingKind) -> RoutingKind:
    """Add (or replace, by code) a routing kind."""
    _KINDS[kind.code] = kind
    return kind


def unregister(code: str) -> None:
    _KINDS.pop(code, None)


def get(code: str) -> RoutingKind:
    try:
        return _KINDS[code]
    except KeyError:
        raise LookupError(f"unknown routing kind {code!r}") from None


def registered() -> list[RoutingKind]:
    return list(_KINDS.values())


FORM2 = register(
    RoutingKind(
        code="form2",
        noun="設置報告書",
        requirement="C11.1(1)",
        queryset=lambda: Council.objects.select_related("station").prefetch_related("kobans"),
        submit_perm=Perm.SUBMIT_SETUP_REPORTS,
        decide_perm=Perm.ACCEPT_SETUP_REPORTS,
        decides=setup_report_decider,
        url=lambda council: reverse("councils:detail", args=[council.pk]),
        label=lambda council: council.name,
    )
)

GOOD_PRACTICE = register(
    RoutingKind(
        code="good_practice",
        noun="好事例",
        requirement="C11.1(2)",
        queryset=lambda: GoodPractice.objects.select_related("station", "koban"),
        submit_perm=Perm.REPORT_GOOD_PRACTICE,
        decide_perm=Perm.ACCEPT_GOOD_PRACTICE,
        decides=good_practice_decider,
        url=lambda practice: reverse("reports:good_practice", args=[practice.pk]),
        label=lambda practice: practice.title,
    )
)


# --- reading ----------------------------------------------------------------------------------------------------


def rounds_of(kind: RoutingKind, obj) -> list[Submission]:
    """Every round of the report of ``obj``, newest first, with the people named (one query)."""
    return list(
        Submission.objects.filter(kind=kind.code, object_id=obj.pk).select_related(
            "submitted_by__officer", "decided_by__officer"
        )
    )


def waiting_for(user) -> QuerySet:
    """The open rounds ``user`` decides, oldest first: HQ every station's, a chief or deputy their station's."""
    condition = Q(pk__in=[])
    for kind in registered():
        found = kind.waiting_filter(user)
        if found is not None:
            condition |= found
    return (
        visible_to(user, Submission)
        .filter(condition, status=Submission.Status.SUBMITTED)
        .select_related("station", "submitted_by__officer")
        .order_by("submitted_at", "pk")
    )


def returned_to(user) -> QuerySet:
    """The user's own reports that were returned and are not yet submitted again, newest first."""
    return (
        Submission.objects.filter(submitted_by=user, status=Submission.Status.RETURNED, latest=True)
        .select_related("station", "decided_by__officer")
        .order_by("-decided_at", "-pk")
    )


def routing_context(user, kind: RoutingKind, obj) -> dict:
    """What the object's page shows of its report: every round, the open one, and what the user may do now."""
    rounds = rounds_of(kind, obj)
    current = rounds[0] if rounds else None
    open_round = current if current is not None and current.is_open else None
    return {
        "routing_kind": kind,
        "routing_object": obj,
        "rounds": rounds,
        "current": current,
        "may_submit": open_round is None and kind.may_submit(user, obj),
        "may_decide": open_round is not None and kind.may_decide(user, obj, open_round),
    }


# --- findings ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Finding:
    """What the routing rule found about one round (the shape the findings store keeps)."""

    code: str
    severity: str
    requirement: str
    params: dict = field(default_factory=dict)
    key: str = ""


def submission_findings(
    *, status: str, latest: bool, submitted_on: datetime.date, today: datetime.date, requirement: str, params: dict
) -> list[Finding]:
    """A round waiting for a decision more than ``WAITING_DAYS`` days; the latest round returned (waiting for its
    correction). Pure: the dates and the round's state in, the findings out."""
    if status == Submission.Status.SUBMITTED and (today - submitted_on).days > WAITING_DAYS:
        days = (today - submitted_on).days
        return [Finding("report_waiting", "warning", requirement, {**params, "days": days, "limit": WAITING_DAYS})]
    if status == Submission.Status.RETURNED and latest:
        return [Finding("report_returned", "warning", requirement, params)]
    return []


def message(code: str, params: dict) -> str:
    """A stored finding's message in the active language."""
    if code == "report_waiting":
        return _("%(noun)s「%(label)s」が%(days)s日間決裁を待っています（目安%(limit)s日）。") % params
    if code == "report_returned":
        return _("%(noun)s「%(label)s」が差し戻され、修正・再提出を待っています。") % params
    return code


def _local_date(moment: datetime.datetime) -> datetime.date:
    return timezone.localtime(moment).date()


def _compute(ids: list[int], day: datetime.date) -> dict:
    from liaison.findings import store

    result = {}
    rows = Submission.objects.filter(pk__in=ids).values_list(
        "pk", "kind", "station_id", "status", "latest", "submitted_at", "label"
    )
    for pk, code, station_id, status, latest, submitted_at, label in rows:
        try:
            kind = get(code)
        except LookupError:
            continue
        if status == Submission.Status.APPROVED or not latest:
            continue
        result[pk] = store.Computed(
            station_id=station_id,
            koban_ids=frozenset(),
            findings=submission_findings(
                status=status,
                latest=latest,
                submitted_on=_local_date(submitted_at),
                today=day,
                requirement=kind.requirement,
                params={"noun": kind.noun, "label": label},
            ),
        )
    return result


def _objects() -> QuerySet:
    return Submission.objects.filter(latest=True).exclude(status=Submission.Status.APPROVED)


def _date_driven(since: datetime.date, day: datetime.date) -> QuerySet:
    """Open rounds that may have passed ``WAITING_DAYS`` between ``since`` and ``day`` (a superset: all old enough)."""
    cutoff = timezone.make_aware(
        datetime.datetime.combine(day - datetime.timedelta(days=WAITING_DAYS), datetime.time())
    )
    return _objects().filter(status=Submission.Status.SUBMITTED, submitted_at__lt=cutoff)


def register_findings() -> None:
    """Make the rounds of reports a source of stored findings (called from the app's ``ready``)."""
    from liaison.findings import store

    store.register(SOURCE, compute=_compute, objects=_objects, date_driven=_date_driven, render=message)


def refresh(submission_ids) -> None:
    """Recompute the stored findings of these rounds (in the caller's transaction)."""
    from liaison.findings import store

    store.refresh(SOURCE, submission_ids)


def may_use_decisions_screen(user) -> bool:
    """The decisions screen is for those who decide some kind, or submit some kind (their returned reports)."""
    perms = permissions_of(user)
    return any(k.decide_perm in perms or k.submit_perm in perms for k in registered())
