"""Cases as a source of the retention period (``liaison.people.retention``)."""

import datetime

from django.db.models import Q, QuerySet

from .models import Case


def persons_holding_since(cutoff: datetime.date) -> QuerySet:
    """Ids of persons who raised a case received on or after ``cutoff``, or one the police are still acting on."""
    return (
        Case.objects.filter(raised_by_person__isnull=False)
        .filter(Q(received_on__gte=cutoff) | ~Q(status__in=Case.SETTLED))
        .values("raised_by_person_id")
    )
