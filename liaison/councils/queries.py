"""Reads about councils that are more than a filter. Each function costs a fixed number of queries."""

import datetime
from collections import defaultdict

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet

from liaison.access.permissions import Perm
from liaison.access.policy import has_perm, visible_to
from liaison.lib.dates import today_tokyo
from liaison.org.models import Officer, PrefectureSettings, Rank
from liaison.people.koban_ties import Ties

from . import rules
from .models import Council, Membership

RANK_ORDER = {value: i for i, value in enumerate(Rank.values)}
CHUNK = 500  # council ids per query where a list of councils is read in pieces


def current_memberships(day: datetime.date) -> Q:
    """Memberships serving on ``day``."""
    return Q(start_date__lte=day, end_date__gte=day) & (Q(ended_on__isnull=True) | Q(ended_on__gte=day))


def person_roles(user, person_ids: list[int], day: datetime.date) -> dict[int, list[str]]:
    """Person id → 「<council> <post>」 for each council the person serves on ``day`` that ``user`` may see (the
    person picker tells namesakes apart by it). One query."""
    if not has_perm(user, Perm.VIEW_COUNCILS):
        return {}
    terms = (
        visible_to(user, Membership)
        .filter(current_memberships(day), person_id__in=person_ids)
        .select_related("council")
        .order_by("council__name", "pk")
    )
    roles = defaultdict(list)
    for term in terms:
        post = term.post_title if term.post == Membership.Post.OTHER and term.post_title else term.get_post_display()
        roles[term.person_id].append(f"{term.council.name} {post}")
    return dict(roles)


def members_prefetch(day: datetime.date, to_attr: str = "current_members") -> Prefetch:
    qs = (
        Membership.objects.filter(current_memberships(day))
        .select_related("person")
        .prefetch_related("person__public_offices")
        .order_by("person__sort_key", "pk")
    )
    return Prefetch("memberships", queryset=qs, to_attr=to_attr)


def member_counts(council_ids: list[int], day: datetime.date) -> dict[int, int]:
    """Council id → how many members serve on ``day``, for one page of councils. One query."""
    rows = (
        Membership.objects.filter(current_memberships(day), council_id__in=council_ids)
        .order_by()
        .values_list("council_id")
        .annotate(n=Count("pk"))
    )
    return dict(rows)


def with_current_members(councils: QuerySet, day: datetime.date) -> QuerySet:
    return councils.select_related("station", "operation_manager").prefetch_related(members_prefetch(day), "kobans")


def tenure_starts(councils: list[Council], day: datetime.date) -> dict[int, datetime.date | None]:
    """Membership id → first day of that person's unbroken service on that council (C6.4(2)).

    For councils loaded with ``with_current_members``; see ``service_terms`` for the cost.
    """
    terms = service_terms([c.pk for c in councils if c.current_members], day)
    result = {}
    for council in councils:
        for m in council.current_members:
            result[m.pk] = rules.consecutive_service_start(terms[(council.pk, m.person_id)], day)
    return result


def service_terms(council_ids: list[int], day: datetime.date) -> dict[tuple[int, int], list]:
    """(council id, person id) → every term (start, last day) of each member serving on ``day``, on that council.

    Reads the terms of the councils given whose person also serves that council on ``day`` (a semi-join, so the SQL
    stays the same size whatever the members). Councils go in chunks of ``CHUNK`` ids: one query per chunk, with
    11,000 councils as with one.
    """
    serving = Membership.objects.filter(
        current_memberships(day), council_id=OuterRef("council_id"), person_id=OuterRef("person_id")
    )
    terms = defaultdict(list)
    for start in range(0, len(council_ids), CHUNK):
        rows = (
            Membership.objects.filter(council_id__in=council_ids[start : start + CHUNK])
            .filter(Exists(serving))
            .values_list("council_id", "person_id", "start_date", "end_date", "ended_on")
        )
        for council_id, person_id, start_date, end_date, ended_on in rows:
            last = ended_on if ended_on and ended_on < end_date else end_date  # Membership.last_day
            terms[(council_id, person_id)].append((start_date, last))
    return terms


def member_facts(membership: Membership, day: datetime.date, tenure_start=None) -> rules.MemberFacts:
    person = membership.person
    office = person.public_office_on(day)
    return rules.MemberFacts(
        name=person.full_name,
        post=membership.post,
        leader_category=membership.leader_category,
        gender=person.gender,
        age=person.age(day),
        occupation=person.occupation,
        holds_public_office=office is not None,
        tenure_start=tenure_start,
        end_date=membership.end_date,
        key=str(membership.pk),
    )


def findings_for(councils: list[Council], day: datetime.date, limits: rules.Limits | None = None) -> dict:
    """Council id → findings, for councils loaded with ``with_current_members``."""
    limits = limits or rules.Limits.from_settings(PrefectureSettings.current())
    starts = tenure_starts(councils, day)
    result = {}
    for council in councils:
        facts = [member_facts(m, day, starts.get(m.pk)) for m in council.current_members]
        result[council.pk] = rules.council_findings(
            members=facts, limits=limits, today=day, occupational=council.kind == Council.Kind.OCCUPATIONAL
        )
    return result


def proposed_operation_manager(council: Council) -> Officer | None:
    """C3.2(3): proposal from the staff of the council's first koban."""
    koban = council.kobans.order_by("pk").first()
    if koban is None:
        return None
    officers = list(koban.officers.filter(active=True))
    facts = [rules.OfficerFacts(o.pk, o.role, RANK_ORDER.get(o.rank, 0)) for o in officers]
    chosen = rules.propose_operation_manager(koban_kind=koban.kind, officers=facts)
    return next((o for o in officers if o.pk == chosen), None)


def operation_staff(council: Council) -> list[Officer]:
    """C3.2(4): every active officer of the council's kobans; derived, never typed in."""
    return list(
        Officer.objects.filter(koban__in=council.kobans.all(), active=True)
        .select_related("koban")
        .order_by("koban__name", "-rank", "sort_key")
    )


def kobans_without_council(kobans: QuerySet) -> QuerySet:
    """C3.1: active kobans that no active council covers (a query: count it or slice it, it may be long)."""
    return (
        kobans.filter(active=True)
        .exclude(councils__status=Council.Status.ACTIVE)
        .select_related("station")
        .order_by("station__order", "station__code", "name", "pk")
    )


def memberships_ending(qs: QuerySet, start: datetime.date, end: datetime.date) -> QuerySet:
    """Terms whose end date falls in [start, end] and that were not ended early, for the renewal workbench."""
    return (
        qs.filter(end_date__gte=start, end_date__lte=end, ended_on__isnull=True)
        .exclude(following__kind__in=[Membership.Kind.REAPPOINTMENT, Membership.Kind.RECOMMISSION])
        .select_related("person", "council", "council__station")
        .order_by("council__name", "person__sort_key", "pk")
    )


def person_koban_ties(koban_id: int) -> Ties:
    """A person's council ties (X2): terms not yet over, today or starting later; each tie covers its council's kobans."""
    today = today_tokyo()
    live = Membership.objects.filter(person=OuterRef("pk"), end_date__gte=today).filter(
        Q(ended_on__isnull=True) | Q(ended_on__gte=today)
    )
    return Ties(anywhere=Q(Exists(live)), elsewhere=Q(Exists(live.exclude(council__kobans=koban_id))))
