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

Findings (stored, ``liaison.findings.store``): of the rounds (source ``"report"``), a report waiting for a decision
more than the prefecture's ``report_decision_days`` days and a returned report waiting for correction; of the held
meetings (source ``"meeting_report"``), no Form 3 submitted ``meeting_report_days`` days after the meeting (C11.2).
Both are scoped to the object's kobans where it has some (a meeting's council), so a koban's to-do list shows only its
own.
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
from liaison.meetings.models import Meeting
from liaison.org.models import PrefectureSettings

from .models import GoodPractice, Submission

__all__ = [
    "FORM2",
    "FORM3",
    "GOOD_PRACTICE",
    "RoutingKind",
    "get",
    "meeting_report_decider",
    "register",
    "registered",
    "unregister",
]

SOURCE = "report"  # the stored findings' source name for the rounds
MISSING_SOURCE = "meeting_report"  # … and for held meetings whose Form 3 is not submitted yet


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
    # An approved report is final (Form 3 of a meeting); otherwise a new round may follow (Form 2 after a review).
    final_when_approved: bool = False
    # Whether the object is ready to be reported (a meeting once it is held); the submit form shows only then.
    submittable: Callable[[object], bool] = lambda obj: True
    # The kobans of the objects ``ids`` ({id: {koban id}}), which scope the rounds' findings to a koban's to-do list;
    # None for kinds reported by the station as a whole.
    kobans_of: Callable[[list[int]], dict[int, set[int]]] | None = None

    def load(self, object_id: int, user=None):
        """The object ``object_id`` (of those ``user`` may see, when given); LookupError when there is none."""
        queryset = self.queryset() if user is None else visible_to(user, self.queryset())
        found = queryset.filter(pk=object_id).first()
        if found is None:
            raise LookupError(f"{self.noun}の対象が見つかりません。")
        return found

    def may_submit(self, user, obj) -> bool:
        """True when ``user`` may submit (or resubmit) the report of ``obj``, and ``obj`` is ready to be reported."""
        return can_change(user, obj, self.submit_perm) and self.submittable(obj)

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


def _meeting_label(meeting) -> str:
    return f"{meeting}（{timezone.localtime(meeting.starts_at):%Y-%m-%d}）"


def _meeting_kobans(ids: list[int]) -> dict[int, set[int]]:
    """The kobans of the councils of the meetings ``ids`` (one query)."""
    found: dict[int, set[int]] = {}
    rows = Council.kobans.through.objects.filter(council__meetings__in=ids).values_list("council__meetings", "koban_id")
    for meeting_id, koban_id in rows:
        found.setdefault(meeting_id, set()).add(koban_id)
    return found


def _practice_kobans(ids: list[int]) -> dict[int, set[int]]:
    rows = GoodPractice.objects.filter(pk__in=ids, koban__isnull=False).values_list("pk", "koban_id")
    return {pk: {koban_id} for pk, koban_id in rows}


FORM3 = register(
    RoutingKind(
        code="form3",
        noun="開催結果報告書",
        requirement="C11.2",
        queryset=lambda: Meeting.objects.select_related("council__station").prefetch_related("council__kobans"),
        submit_perm=Perm.SUBMIT_MEETING_REPORTS,
        decide_perm=Perm.APPROVE_MEETING_REPORTS,
        decides=meeting_report_decider,
        routine_allowed=True,
        url=lambda meeting: reverse("meetings:detail", args=[meeting.pk]),
        label=_meeting_label,
        submittable=lambda meeting: meeting.status == Meeting.Status.HELD,
        final_when_approved=True,
        kobans_of=_meeting_kobans,
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
        kobans_of=_practice_kobans,
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


def decidable_by(user) -> QuerySet:
    """The rounds, in any state, of the reports ``user`` decides: HQ every station's Form 2 and good practice, a
    station chief their station's Form 3, a deputy only those marked routine (the same rule as ``may_decide``)."""
    condition = Q(pk__in=[])
    for kind in registered():
        found = kind.waiting_filter(user)
        if found is not None:
            condition |= found
    # Nobody decides a report they submitted themselves (actions.report_decide refuses it).
    return visible_to(user, Submission).filter(condition).exclude(submitted_by=user)


def waiting_for(user) -> QuerySet:
    """The open rounds ``user`` decides, oldest first: HQ every station's, a chief or deputy their station's."""
    return (
        decidable_by(user)
        .filter(status=Submission.Status.SUBMITTED)
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
        "may_submit": open_round is None
        and not (kind.final_when_approved and current is not None and current.status == Submission.Status.APPROVED)
        and kind.may_submit(user, obj),
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


def decision_days() -> int:
    """Days a report may wait for a decision before it is a finding (the prefecture's setting)."""
    return PrefectureSettings.current().report_decision_days


def submission_findings(
    *,
    status: str,
    latest: bool,
    submitted_on: datetime.date,
    today: datetime.date,
    limit: int,
    requirement: str,
    params: dict,
) -> list[Finding]:
    """A round waiting for a decision more than ``limit`` days; the latest round returned (waiting for its
    correction). Pure: the dates and the round's state in, the findings out."""
    if status == Submission.Status.SUBMITTED and (today - submitted_on).days > limit:
        days = (today - submitted_on).days
        return [Finding("report_waiting", "warning", requirement, {**params, "days": days, "limit": limit})]
    if status == Submission.Status.RETURNED and latest:
        return [Finding("report_returned", "warning", requirement, params)]
    return []


def missing_report_findings(
    *, held_on: datetime.date, today: datetime.date, limit: int, submitted: bool, params: dict
) -> list[Finding]:
    """C11.2: a held meeting whose Form 3 was not submitted within ``limit`` days of it. Pure."""
    days = (today - held_on).days
    if submitted or days <= limit:
        return []
    return [Finding("meeting_report_missing", "warning", "C11.2", {**params, "days": days, "limit": limit})]


def message(code: str, params: dict) -> str:
    """A stored finding's message in the active language."""
    if code == "report_waiting":
        return _("%(noun)s「%(label)s」が%(days)s日間決裁を待っています（目安%(limit)s日）。") % params
    if code == "report_returned":
        return _("%(noun)s「%(label)s」が差し戻され、修正・再提出を待っています。") % params
    if code == "meeting_report_missing":
        return _("「%(label)s」の開催結果報告が未提出です（開催から%(days)s日、期限%(limit)s日）。") % params
    return code


def _local_date(moment: datetime.datetime) -> datetime.date:
    return timezone.localtime(moment).date()


def _compute(ids: list[int], day: datetime.date) -> dict:
    from liaison.findings import store

    result = {}
    limit = decision_days()
    rows = [
        row
        for row in Submission.objects.filter(pk__in=ids).values_list(
            "pk", "kind", "object_id", "station_id", "status", "latest", "submitted_at", "label"
        )
        if row[4] != Submission.Status.APPROVED and row[5]
    ]
    kobans: dict[str, dict[int, set[int]]] = {}  # per kind: one query for the batch's objects of that kind
    for code in {row[1] for row in rows}:
        kind = _KINDS.get(code)
        if kind is not None and kind.kobans_of is not None:
            kobans[code] = kind.kobans_of([row[2] for row in rows if row[1] == code])
    for pk, code, object_id, station_id, status, latest, submitted_at, label in rows:
        kind = _KINDS.get(code)
        if kind is None:
            continue
        result[pk] = store.Computed(
            station_id=station_id,
            koban_ids=frozenset(kobans.get(code, {}).get(object_id, ())),
            findings=submission_findings(
                status=status,
                latest=latest,
                submitted_on=_local_date(submitted_at),
                today=day,
                limit=limit,
                requirement=kind.requirement,
                params={"noun": kind.noun, "label": label},
            ),
        )
    return result


def _objects() -> QuerySet:
    return Submission.objects.filter(latest=True).exclude(status=Submission.Status.APPROVED)


def _midnight(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time()))


def _date_driven(since: datetime.date, day: datetime.date) -> QuerySet:
    """Open rounds that may have passed the waiting limit between ``since`` and ``day`` (a superset: all old
    enough)."""
    cutoff = _midnight(day - datetime.timedelta(days=decision_days()))
    return _objects().filter(status=Submission.Status.SUBMITTED, submitted_at__lt=cutoff)


def _compute_missing(ids: list[int], day: datetime.date) -> dict:
    """Held meetings among ``ids`` with no Form 3 submitted yet, and whether it is overdue: three queries."""
    from liaison.findings import store

    limit = PrefectureSettings.current().meeting_report_days
    submitted = set(Submission.objects.filter(kind=FORM3.code, object_id__in=ids).values_list("object_id", flat=True))
    meetings = [
        m
        for m in Meeting.objects.filter(pk__in=ids, status=Meeting.Status.HELD).select_related("council")
        if m.pk not in submitted
    ]
    kobans = _meeting_kobans([m.pk for m in meetings])
    return {
        m.pk: store.Computed(
            station_id=m.council.station_id,
            koban_ids=frozenset(kobans.get(m.pk, ())),
            findings=missing_report_findings(
                held_on=_local_date(m.starts_at),
                today=day,
                limit=limit,
                submitted=False,
                params={"label": _meeting_label(m)},
            ),
        )
        for m in meetings
    }


def _objects_missing() -> QuerySet:
    """Held meetings whose Form 3 was never submitted (once it is, the meeting leaves the store)."""
    submitted = Submission.objects.filter(kind=FORM3.code).values("object_id")
    return Meeting.objects.filter(status=Meeting.Status.HELD).exclude(pk__in=submitted)


def _date_driven_missing(since: datetime.date, day: datetime.date) -> QuerySet:
    """Held meetings whose report deadline may have passed between ``since`` and ``day`` (a superset)."""
    limit = PrefectureSettings.current().meeting_report_days
    return _objects_missing().filter(
        starts_at__gte=_midnight(since - datetime.timedelta(days=limit + 1)),
        starts_at__lt=_midnight(day - datetime.timedelta(days=limit)),
    )


def register_findings() -> None:
    """Make the rounds of reports, and the held meetings not yet reported, sources of stored findings (called from
    the app's ``ready``)."""
    from liaison.findings import store

    store.register(SOURCE, compute=_compute, objects=_objects, date_driven=_date_driven, render=message)
    store.register(
        MISSING_SOURCE,
        compute=_compute_missing,
        objects=_objects_missing,
        date_driven=_date_driven_missing,
        render=message,
    )


def refresh(submission_ids) -> None:
    """Recompute the stored findings of these rounds (in the caller's transaction)."""
    from liaison.findings import store

    store.refresh(SOURCE, submission_ids)


def refresh_meetings(meeting_ids) -> None:
    """Recompute whether these meetings' Form 3 is missing (in the caller's transaction)."""
    from liaison.findings import store

    store.refresh(MISSING_SOURCE, meeting_ids)


def may_use_decisions_screen(user) -> bool:
    """The decisions screen is for those who decide some kind, or submit some kind (their returned reports)."""
    perms = permissions_of(user)
    return any(k.decide_perm in perms or k.submit_perm in perms for k in registered())
