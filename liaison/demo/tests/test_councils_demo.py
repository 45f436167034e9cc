"""The demo councils give every council screen content and realistic findings."""

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings

from liaison.councils import queries
from liaison.councils.models import Council, CouncilReview, Membership
from liaison.lib.dates import today_tokyo
from liaison.org.models import Koban, Officer

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """Load the demo once for the module (it takes a few seconds) and roll it back afterwards."""
    fast = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    with django_db_blocker.unblock(), override_settings(PASSWORD_HASHERS=fast), transaction.atomic():
        call_command("load_demo", verbosity=0)
        yield
        transaction.set_rollback(True)


@pytest.fixture
def councils(demo):
    day = today_tokyo()
    active = list(queries.with_current_members(Council.objects.filter(status=Council.Status.ACTIVE), day))
    return active, queries.findings_for(active, day)


def test_most_kobans_have_a_council_but_some_have_none(councils):
    """C3.1: a council for each jurisdiction as a rule; the kobans without one are listed."""
    without = queries.kobans_without_council(Koban.objects.all())
    total = Koban.objects.filter(active=True).count()
    assert 5 <= len(without) <= 9
    assert len(without) < total * 0.15
    kinds = {c.kind for c in councils[0]}
    assert kinds == {Council.Kind.JURISDICTION, Council.Kind.UNIT, Council.Kind.OCCUPATIONAL}
    aoba = [c for c in councils[0] if c.station.order == 1]
    assert {c.kind for c in aoba} == kinds


def test_demo_koban_council_has_about_ten_members_and_one_chair(councils):
    """C6.1, C3.2(1): the demo koban chief's koban has an active council of about ten with exactly one chair."""
    koban = Officer.objects.get(user__username="demo_koban_chief").koban
    council = next(c for c in councils[0] if koban in c.kobans.all())
    assert 8 <= len(council.current_members) <= 12
    assert sum(m.post == Membership.Post.CHAIR for m in council.current_members) == 1
    assert council.operation_manager.koban_id == koban.pk
    for other in councils[0]:
        assert sum(m.post == Membership.Post.CHAIR for m in other.current_members) == 1, other.name


def test_findings_are_realistic(councils):
    """C6.4(2) long tenure, C6.2(1) terms ending soon, C3.2(2)イ / C6.1 leader share and size warnings."""
    codes = [{f.code for f in found} for found in councils[1].values()]
    assert any("long_tenure" in c for c in codes)
    assert any("term_ending" in c for c in codes)
    assert any({"leader_share", "size"} & c for c in codes)
    assert not any({"many_chairs", "no_chair", "public_office"} & c for c in codes)
    assert sum(1 for c in codes if not c) >= 10  # plenty of councils in good order too


def test_members_who_took_public_office_were_dismissed(councils):
    """C6.4(1): members who stood for or took public office are no longer members; their seats have successors."""
    day = today_tokyo()
    dismissed = Membership.objects.filter(end_reason=Membership.EndReason.PUBLIC_OFFICE)
    assert dismissed.exists()
    for membership in dismissed:
        assert membership.following.filter(kind=Membership.Kind.SUCCESSOR).exists()
    for council in councils[0]:
        for member in council.current_members:
            assert member.person.public_office_on(day) is None


def test_history_has_successors_reappointments_and_a_review(demo):
    """C6.2(1) successors and reappointments, C4.3 a merger explained to the members before it took effect."""
    assert Membership.objects.filter(kind=Membership.Kind.SUCCESSOR, previous__end_reason="resigned").exists()
    assert Membership.objects.filter(kind=Membership.Kind.REAPPOINTMENT).count() > 100
    review = CouncilReview.objects.get()
    assert review.explained_on < review.effective_date
    assert review.predecessors.count() == 2
    merged = review.successors.get()
    assert merged.memberships.filter(kind=Membership.Kind.RECOMMISSION).exists()
    assert all(c.status == Council.Status.CLOSED for c in review.predecessors.all())
