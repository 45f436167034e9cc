"""Reads of what follows meetings, for the meetings' own screens: the opinions of a meeting in order, the open
problem-solving activities a council's next meeting should hear about (C8.2: offered as a theme)."""

from __future__ import annotations

from django.db.models import Count, Min, Q, QuerySet

from liaison.councils.models import Council

from .models import Activity, Meeting, MeetingCase


def meeting_opinions(meeting: Meeting) -> QuerySet:
    """The opinions and requests raised at ``meeting`` in the order they were recorded (Form 3 prints them so),
    each with its case. One query."""
    return (
        MeetingCase.objects.filter(meeting=meeting)
        .select_related("case", "case__section", "case__raised_by_person")
        .order_by("order", "pk")
    )


def open_activities(council: Council | int) -> QuerySet:
    """C8.2: the council's problem-solving activities still open, oldest first, each annotated with the interim
    reports still to make (``pending_reports``) and the earliest due date among them (``next_due_on``): offered as a
    theme (問題解決活動の経過) for the council's next meeting. One query."""
    council_id = council.pk if isinstance(council, Council) else council
    pending = Q(interim_reports__reported_on__isnull=True)
    return (
        Activity.objects.filter(council_id=council_id, status=Activity.Status.OPEN)
        .annotate(
            pending_reports=Count("interim_reports", filter=pending),
            next_due_on=Min("interim_reports__due_on", filter=pending),
        )
        .order_by("started_on", "pk")
    )
