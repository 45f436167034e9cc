"""The councils' findings in the store (liaison.findings): how they are computed, refreshed and read.

The rules (``rules.council_findings``) stay pure; this module feeds them the facts of some councils and keeps their
results in the store. Every action that changes those facts calls ``refresh`` in its own transaction; lists, filters,
counts and home pages read the store in SQL (``having``, ``stored``); the council page computes live, and a test
checks that the two agree over the whole demo after each kind of action.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable

from django.db.models import Q, QuerySet

from liaison.findings import store
from liaison.findings.models import Finding
from liaison.lib.dates import age_on, today_tokyo
from liaison.org.models import PrefectureSettings
from liaison.people.models import PublicOfficeRecord

from . import queries, rules
from .models import Council, Membership

SOURCE = "council"


def _compute(ids: list[int], day: datetime.date) -> dict[int, store.Computed]:
    """Findings of the active councils among ``ids`` as of ``day``; closed councils have none stored.

    The same facts as ``queries.member_facts`` gives the council page, read as plain values (six queries for a
    batch of councils, no model objects): rebuilding 11,000 councils must not build a million of them. The tests
    compare the two over the whole demo.
    """
    limits = rules.Limits.from_settings(PrefectureSettings.current())
    councils = {
        pk: (station_id, kind)
        for pk, station_id, kind in Council.objects.filter(pk__in=ids, status=Council.Status.ACTIVE).values_list(
            "pk", "station_id", "kind"
        )
    }
    kobans = defaultdict(set)
    for council_id, koban_id in Council.kobans.through.objects.filter(council_id__in=list(councils)).values_list(
        "council_id", "koban_id"
    ):
        kobans[council_id].add(koban_id)
    rows = list(
        Membership.objects.filter(queries.current_memberships(day), council_id__in=list(councils))
        .order_by("person__sort_key", "pk")  # as with_current_members: the rules' output follows this order
        .values_list(
            "pk",
            "council_id",
            "person_id",
            "post",
            "leader_category",
            "end_date",
            "person__family_name",
            "person__given_name",
            "person__gender",
            "person__birth_date",
            "person__occupation",
        )
    )
    holders = set(
        PublicOfficeRecord.objects.filter(person_id__in={r[2] for r in rows}, start_date__lte=day)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=day))
        .values_list("person_id", flat=True)
    )
    terms = queries.service_terms(sorted({r[1] for r in rows}), day)
    members = defaultdict(list)
    for pk, council_id, person_id, post, leader, end_date, family, given, gender, birth, occupation in rows:
        members[council_id].append(
            rules.MemberFacts(
                name=f"{family} {given}",  # Person.full_name
                post=post,
                leader_category=leader,
                gender=gender,
                age=age_on(birth, day) if birth else None,  # Person.age
                occupation=occupation,
                holds_public_office=person_id in holders,  # Person.public_office_on
                tenure_start=rules.consecutive_service_start(terms[(council_id, person_id)], day),
                end_date=end_date,
                key=str(pk),
            )
        )
    return {
        pk: store.Computed(
            station_id=station_id,
            koban_ids=frozenset(kobans[pk]),
            findings=rules.council_findings(
                members=members[pk], limits=limits, today=day, occupational=kind == Council.Kind.OCCUPATIONAL
            ),
        )
        for pk, (station_id, kind) in councils.items()
    }


def _objects() -> QuerySet:
    return Council.objects.filter(status=Council.Status.ACTIVE)


def _anniversaries(field: str, since: datetime.date, day: datetime.date) -> Q:
    """``field`` (a date) has its anniversary in (since, day]: an age or a length of service went up by a year.

    One born (or starting) on 29 February counts a year more on 1 March in common years (``age_on``,
    ``rules.years_between``), so that day is matched whenever 28 February or 1 March is in the window.
    """
    pairs = set()
    current = since + datetime.timedelta(days=1)
    while current <= day:
        pairs.add((current.month, current.day))
        current += datetime.timedelta(days=1)
    if (2, 28) in pairs or (3, 1) in pairs:
        pairs.add((2, 29))
    condition = Q(pk__in=[])
    for month, dom in sorted(pairs):
        condition |= Q(**{f"{field}__month": month, f"{field}__day": dom})
    return condition


def _date_driven(since: datetime.date, day: datetime.date) -> QuerySet:
    """Active councils whose findings may differ between ``since`` and ``day`` with no action taken (a superset).

    What the rules read that moves with the date alone: who is serving (terms that started or ended), public offices
    that began or ended, ages (birthdays), years of unbroken service (anniversaries of a term's start) and the days
    left of terms ending within the notice period. ``store.DATE_DRIVEN_MAX_DAYS`` bounds the window, so the
    anniversary conditions stay short.
    """
    limits = rules.Limits.from_settings(PrefectureSettings.current())
    serving = Membership.objects.filter(queries.current_memberships(day))
    started_or_ended = Membership.objects.filter(
        Q(start_date__gt=since, start_date__lte=day)
        | Q(end_date__gte=since, end_date__lt=day)
        | Q(ended_on__gte=since, ended_on__lt=day)
    )
    offices = PublicOfficeRecord.objects.filter(
        Q(start_date__gt=since, start_date__lte=day) | Q(end_date__gte=since, end_date__lt=day)
    )
    changed = (
        Q(pk__in=started_or_ended.values("council_id"))
        | Q(
            pk__in=serving.filter(end_date__lte=day + datetime.timedelta(days=limits.term_ending_days)).values(
                "council_id"
            )
        )
        | Q(pk__in=Membership.objects.filter(_anniversaries("start_date", since, day)).values("council_id"))
        | Q(pk__in=serving.filter(_anniversaries("person__birth_date", since, day)).values("council_id"))
        | Q(pk__in=serving.filter(person__in=offices.values("person_id")).values("council_id"))
    )
    return _objects().filter(changed)


def register() -> None:
    """Make the councils a source of stored findings (called from the app's ``ready``)."""
    store.register(SOURCE, compute=_compute, objects=_objects, date_driven=_date_driven, render=rules.message)


# --- writing ---------------------------------------------------------------------------------------------------


def refresh(council_ids: Iterable[int], day: datetime.date | None = None) -> None:
    """Recompute the stored findings of these councils (in the caller's transaction; see ``deferred``)."""
    store.refresh(SOURCE, council_ids, day)


deferred = store.deferred  # many steps, one refresh per council at the end (see liaison.findings.store)


def refresh_serving(person_id: int, day: datetime.date | None = None) -> None:
    """Recompute the findings of every council the person serves today (their name, age … changed)."""
    day = day or today_tokyo()
    ids = Membership.objects.filter(queries.current_memberships(day), person_id=person_id).values_list(
        "council_id", flat=True
    )
    refresh(list(ids), day)


def refresh_all(day: datetime.date | None = None) -> int:
    """Recompute every council's findings in batches."""
    return store.refresh_all(SOURCE, day)


def refresh_all_later() -> None:
    """Recompute every council's findings in the background worker once the transaction commits (the limits in the
    prefecture settings changed: at a thousand councils and more, too long for the request that saved them)."""
    store.refresh_all_later(SOURCE)


# --- reading ---------------------------------------------------------------------------------------------------


def findings_of_councils() -> QuerySet:
    """Stored findings of councils (filter it further)."""
    return Finding.objects.filter(subject__source=SOURCE)


def having(*, severity: str | None = None, code: str | None = None, hidden: Iterable[str] = ()) -> Q:
    """A filter for Council querysets: the council has a stored finding of this severity or code.

    ``hidden`` are codes the reader may not see (``access.personal_data.hidden_finding_codes``): they do not count.
    """
    return store.having(SOURCE, severity=severity, code=code, hidden=hidden)


# Severity by its stored value: a dict lookup, where calling the enum for each of a page's hundreds of findings
# showed up in the council list's profile.
_SEVERITY = {severity.value: severity for severity in rules.Severity}


def stored(council_ids: Iterable[int], hidden: Iterable[str] = ()) -> dict[int, list[rules.Finding]]:
    """Council id → its stored findings, most serious first, as the rules' findings. One query."""
    result: dict[int, list[rules.Finding]] = defaultdict(list)
    ids = list(council_ids)
    if not ids:
        return result
    rows = (
        findings_of_councils()
        .filter(subject__object_id__in=ids)
        .exclude(code__in=list(hidden))
        .order_by("subject__object_id", "position")
        .values_list("subject__object_id", "code", "severity", "requirement", "params", "key")
    )
    for council_id, code, severity, requirement, params, key in rows:
        result[council_id].append(rules.Finding(code, _SEVERITY[severity], requirement, params, key))
    return result
