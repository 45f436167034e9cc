import datetime

import pytest
from django.utils import timezone

from liaison.testing import make_council_with_members


@pytest.fixture
def council(world):
    """koban_a's council with ten members serving from 2025-04-01."""
    council, _people = make_council_with_members(world, world.koban_a, acting_user=world.user("community_section"))
    return council


def at(day: datetime.date, hour: int = 19) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, 0)))


def values(day: datetime.date, kind: str = "regular", **extra) -> dict:
    base = {
        "kind": kind,
        "starts_at": at(day),
        "ends_at": at(day, 20),
        "venue_kind": "koban",
        "venue_name": "一番町交番",
        "themes": ["situation"],
        "theme_note": "",
        "trigger": "",
        "measures": [],
        "measures_note": "",
        "minutes": "",
        "remarks": "",
    }
    base.update(extra)
    return base
