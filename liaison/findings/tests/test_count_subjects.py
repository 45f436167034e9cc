"""Issue 8: the home pages' counts of stored findings cost what the user's station or koban holds. For one station or
koban the subjects are read first and probed for their findings (SQLite, without statistics, otherwise read every
error finding of the prefecture); HQ reads the matching findings. Both ways count the same subjects."""

import io

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.models import Q
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from liaison.access.policy import for_work
from liaison.findings import store
from liaison.findings.models import Finding, Subject
from liaison.org.models import Officer

pytestmark = pytest.mark.django_db

CONDITIONS = {
    "council_errors": Q(subject__source="council", severity="error"),
    "without_council": Q(subject__source="koban", code="no_council"),
    "not_told": Q(subject__source="case", code="not_told"),
    "any_warning": Q(severity="warning"),
}


@pytest.fixture
def prefecture():
    call_command("generate_scale", "--scale", "tiny", "--seed", "5", stdout=io.StringIO())


def _counted_in_python(user) -> dict[str, int]:
    """The subjects of the user's work holding a finding that matches each condition, counted without SQL
    aggregates."""
    findings = list(for_work(user, Finding).select_related("subject"))
    return {
        name: len({f.subject_id for f in findings if Finding.objects.filter(condition, pk=f.pk).exists()})
        for name, condition in CONDITIONS.items()
    }


def _client(username: str) -> Client:
    client = Client()
    client.force_login(Officer.objects.get(user__username=username).user)
    return client


@pytest.mark.parametrize("username", ["demo_hq_admin", "demo_chief", "demo_community", "demo_koban_chief"])
def test_issue8_counts_from_the_subjects_equal_counts_from_the_findings(prefecture, username):
    user = Officer.objects.get(user__username=username).user
    findings = for_work(user, Finding)
    from_findings = store.count_subjects(findings, **CONDITIONS)
    from_subjects = store.count_subjects(findings, within=for_work(user, Subject), **CONDITIONS)
    assert from_findings == from_subjects == _counted_in_python(user)
    assert sum(from_findings.values()) > 0  # the generated prefecture has findings of these kinds in every scope


@pytest.mark.parametrize("username", ["demo_chief", "demo_koban_chief"])
def test_issue8_a_station_home_counts_its_findings_from_its_subjects(prefecture, username):
    """The station's and koban's to-do counts start from their subjects (a few hundred); HQ's read the tally per
    station (test_station_tally)."""
    with CaptureQueriesContext(connection) as run:
        assert _client(username).get(reverse("home")).status_code == 200
    counts = [q["sql"] for q in run.captured_queries if "COUNT" in q["sql"] and '"findings_finding"' in q["sql"]]
    from_subjects = [sql for sql in counts if sql.startswith('SELECT COUNT("findings_subject"."id") FILTER')]
    assert len(from_subjects) >= 2, counts  # the councils' and the cases' panels
