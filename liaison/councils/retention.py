"""Council terms as a source of the retention period (``liaison.people.retention``): a member is kept while a term
lasts, lies ahead, or ended on or after the cutoff."""

import datetime

from django.db.models import Q, QuerySet

from .models import Membership


def persons_holding_since(cutoff: datetime.date) -> QuerySet:
    """Person ids whose term's last day (``Membership.last_day``: the end date, or the earlier day it was ended) is on
    or after ``cutoff``."""
    return (
        Membership.objects.filter(end_date__gte=cutoff)
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gte=cutoff))
        .values("person_id")
    )
