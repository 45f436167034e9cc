"""C7.2: a council with no regular meeting this fiscal year after the configured month, stored and shown."""

import datetime

import pytest
from django.urls import reverse

from liaison.findings import store
from liaison.findings.models import Finding
from liaison.meetings import findings
from liaison.meetings.actions import meetings as actions
from liaison.org.models import PrefectureSettings

from .conftest import values

D = datetime.date
pytestmark = pytest.mark.django_db


def _stored(council):
    return list(
        Finding.objects.filter(subject__source=findings.SOURCE, subject__object_id=council.pk).values_list(
            "code", flat=True
        )
    )


def test_c7_2_the_finding_appears_with_the_due_month_and_goes_with_a_regular_meeting(world, council):
    settings = PrefectureSettings.current()
    settings.regular_meeting_due_month = 10
    settings.save()
    store.refresh_all(findings.SOURCE, day=D(2026, 9, 30))
    assert _stored(council) == []
    # The daily command picks up the first day of the month without any action taken.
    assert store.refresh_date_driven(day=D(2026, 10, 1)) >= 1
    assert _stored(council) == ["no_regular_meeting"]
    assert findings.live([council.pk], D(2026, 10, 1))[council.pk][0].code == "no_regular_meeting"
    # An ad hoc meeting does not answer it; a regular one (planned) does, in the same transaction.
    actions.meeting_schedule(
        council=council,
        values=values(D(2026, 11, 5), kind="ad_hoc", trigger="連続発生"),
        acting_user=world.user("koban_chief"),
    )
    findings.refresh([council.pk], D(2026, 10, 1))
    assert _stored(council) == ["no_regular_meeting"]
    meeting = actions.meeting_schedule(
        council=council, values=values(D(2026, 11, 20)), acting_user=world.user("koban_chief")
    )
    findings.refresh([council.pk], D(2026, 10, 1))
    assert _stored(council) == []
    actions.meeting_cancel(meeting=meeting, reason="", acting_user=world.user("koban_chief"))
    findings.refresh([council.pk], D(2026, 10, 1))
    assert _stored(council) == ["no_regular_meeting"]
    assert findings.live([council.pk], D(2026, 10, 1))[council.pk][0].code == "no_regular_meeting"


def test_c7_2_the_home_page_shows_the_councils_without_a_regular_meeting(world, council, client_for):
    settings = PrefectureSettings.current()
    settings.regular_meeting_due_month = 4  # due from the first day of the fiscal year: today always qualifies
    settings.save()
    findings.refresh([council.pk])
    page = client_for("koban_chief").get(reverse("home")).content.decode()
    assert "今年度の定期会議が予定されていない協議会が1件あります" in page and council.name in page
    # The chuzaisho has no council: a koban chief elsewhere is offered none of this work.
    from liaison.testing import make_officer

    other = make_officer("koban_chief", station=world.station_a, koban=world.chuzaisho_a)
    page = client_for(other.user).get(reverse("home")).content.decode()
    assert "定期会議が予定されていない協議会が1件" not in page
