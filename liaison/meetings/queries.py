"""Reads of the meetings that are more than a filter: the list with its figures, the attendance of a meeting,
the meetings of a month, and what an officer's calendar shows."""

from __future__ import annotations

import datetime

from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from liaison.councils.models import Council, Membership
from liaison.councils.queries import current_memberships

from . import rules
from .models import Attendance, Guest, Meeting, PoliceAttendee


def _count(model):
    """How many rows of ``model`` a meeting has, as a subquery (joins of three lists would multiply the rows)."""
    rows = model.objects.filter(meeting=OuterRef("pk")).order_by().values("meeting").annotate(n=Count("pk"))
    return Coalesce(Subquery(rows.values("n"), output_field=IntegerField()), 0)


def for_list(meetings: QuerySet) -> QuerySet:
    """Meetings as the list shows them: council, station and kobans, and the attendance figures, in a fixed number
    of queries per page (counts are subqueries of the page's own query)."""
    return (
        meetings.select_related("council", "council__station", "election_period")
        .prefetch_related("council__kobans")
        .annotate(
            member_count=_count(Attendance),
            guest_count=_count(Guest),
            police_count=_count(PoliceAttendee),
        )
        .order_by("-starts_at", "-pk")
    )


def filtered(meetings: QuerySet, *, council_id=None, koban_id=None, kind="", status="", year=None) -> QuerySet:
    """The list's filters (C10.1): council, koban, kind, status and fiscal year."""
    if council_id is not None:
        meetings = meetings.filter(council_id=council_id)
    if koban_id is not None:
        meetings = meetings.filter(council__in=Council.objects.filter(kobans__id=koban_id))
    if kind in Meeting.Kind.values:
        meetings = meetings.filter(kind=kind)
    if status in Meeting.Status.values:
        meetings = meetings.filter(status=status)
    if year is not None:
        meetings = meetings.filter(fiscal_year=year)
    return meetings


def members_on_day(meeting: Meeting) -> QuerySet:
    """The council's memberships serving on the meeting date (C7.4), in 五十音順."""
    day = timezone.localtime(meeting.starts_at).date()
    return (
        Membership.objects.filter(current_memberships(day), council_id=meeting.council_id)
        .select_related("person")
        .order_by("person__sort_key", "pk")
    )


def attendance_of(meeting: Meeting) -> dict:
    """What the meeting page shows of its attendance, and Form 3's figures from it."""
    attendances = list(
        meeting.attendances.select_related("membership__person").order_by("membership__person__sort_key")
    )
    guests = list(meeting.guests.all())
    police = list(
        PoliceAttendee.objects.filter(meeting=meeting).select_related("officer").order_by("officer__sort_key", "pk")
    )
    counts = rules.attendance_counts(
        members=len(attendances), guests=len(guests), classes=[p.executive_class for p in police]
    )
    return {"attendances": attendances, "guests": guests, "police": police, "counts": counts}


def month_bounds(year: int, month: int) -> tuple[datetime.datetime, datetime.datetime]:
    first = datetime.date(year, month, 1)
    following = datetime.date(year + (month == 12), month % 12 + 1, 1)
    tz = timezone.get_current_timezone()
    return (
        datetime.datetime.combine(first, datetime.time(), tzinfo=tz),
        datetime.datetime.combine(following, datetime.time(), tzinfo=tz),
    )


def in_month(meetings: QuerySet, year: int, month: int) -> QuerySet:
    start, end = month_bounds(year, month)
    return (
        meetings.filter(starts_at__gte=start, starts_at__lt=end).select_related("council").order_by("starts_at", "pk")
    )


def upcoming(meetings: QuerySet, day: datetime.date, days: int = 14) -> QuerySet:
    tz = timezone.get_current_timezone()
    start = datetime.datetime.combine(day, datetime.time(), tzinfo=tz)
    return meetings.filter(
        Q(status=Meeting.Status.PLANNED), starts_at__gte=start, starts_at__lt=start + datetime.timedelta(days=days)
    ).select_related("council")
