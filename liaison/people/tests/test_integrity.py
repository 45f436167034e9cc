"""The database holds the person rules the actions enforce."""

import datetime as dt

import pytest
from django.db import IntegrityError, transaction

from liaison.people.models import PublicOfficeRecord
from liaison.testing import make_person

pytestmark = pytest.mark.django_db


def test_c6_4_1_the_database_refuses_a_public_office_ending_before_it_starts(world):
    """C6.4(1): a candidacy or office ends on or after the day it starts (or is still open)."""
    person = make_person(world.station_a)
    start = dt.date(2025, 4, 20)
    with pytest.raises(IntegrityError), transaction.atomic():
        PublicOfficeRecord.objects.create(
            person=person, kind="office", office="仙台市議会議員", start_date=start, end_date=start - dt.timedelta(1)
        )
    PublicOfficeRecord.objects.create(person=person, kind="office", office="仙台市議会議員", start_date=start)
    PublicOfficeRecord.objects.create(
        person=person, kind="candidacy", office="仙台市長", start_date=start, end_date=start
    )
