"""Reactions of the reports app to lower layers: a meeting held or moved (its Form 3 may now be missing, C11.2), and
the prefecture settings whose day limits the report findings read."""

from django.dispatch import receiver

from liaison.meetings.signals import meeting_changed
from liaison.org.signals import settings_changed

from . import routing


@receiver(meeting_changed)
def _refresh_missing_report(sender, meeting, **kwargs):
    routing.refresh_meetings([meeting.pk])


@receiver(settings_changed)
def _refresh_findings_for_limits(sender, changed, **kwargs):
    from liaison.findings import store

    if "report_decision_days" in changed:
        store.refresh_all_later(routing.SOURCE)
    if "meeting_report_days" in changed:
        store.refresh_all_later(routing.MISSING_SOURCE)
