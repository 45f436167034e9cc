"""Lists and home pages cost the same at any size (C2 and DESIGN "Lists cost the same at any size").

Each page is counted with one council (or one term) and again with more than a page of them: the number of queries
must not change. The many councils are written in bulk and their findings stored with ``refresh_all``, as the
scale generator does; ``tenure_starts`` is run over 11,000 councils on whatever database the suite uses.
"""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from liaison.councils import queries
from liaison.councils.models import Council, Membership
from liaison.councils.rules import add_years
from liaison.findings import store
from liaison.lib.dates import today_tokyo
from liaison.lib.kana import family_given_key
from liaison.people.models import Person

pytestmark = pytest.mark.django_db


def bulk_councils(station, kobans, count, *, members=3, start=None, end=None, terms=1, prefix="大量"):
    """``count`` councils of ``station`` covering ``kobans``, each with ``members`` serving members (and ``terms``
    consecutive terms each), written in bulk; returns the councils. Findings are not stored (call refresh_all)."""
    today = today_tokyo()
    start = start or today - dt.timedelta(days=700)
    end = end or today + dt.timedelta(days=30)  # ending soon: on the renewal workbench and in the findings
    councils = Council.objects.bulk_create(
        Council(station=station, name=f"{prefix}{i:05d}連絡協議会", established_on=dt.date(2010, 4, 1))
        for i in range(count)
    )
    links = Council.kobans.through
    links.objects.bulk_create(links(council_id=c.pk, koban_id=k.pk) for c in councils for k in kobans)
    people = Person.objects.bulk_create(
        Person(
            station=station,
            family_name="大量",
            given_name=f"{i}",
            family_kana="タイリョウ",
            given_kana="イチ",
            sort_key=family_given_key("タイリョウ", "イチ"),
            birth_date=dt.date(1950 + i % 40, 1 + i % 12, 1),
        )
        for i in range(count * members)
    )
    memberships = []
    for i, council in enumerate(councils):
        for j in range(members):
            person = people[i * members + j]
            for t in range(terms, 0, -1):  # earlier terms end the day before the next starts
                term_start = add_years(start, -2 * (t - 1))
                term_end = end if t == 1 else add_years(start, -2 * (t - 2)) - dt.timedelta(days=1)
                memberships.append(
                    Membership(
                        council=council,
                        person=person,
                        station=station,
                        start_date=term_start,
                        end_date=term_end,
                        post="chair" if j == 0 else "member",
                        leader_category="a" if j % 2 else "",
                    )
                )
    Membership.objects.bulk_create(memberships, batch_size=2000)
    return councils


def count_queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx)


PAGES = [
    ("hq_admin", "/councils/"),
    ("hq_admin", "/councils/?finding=warning"),
    ("hq_admin", "/councils/?page=2"),
    ("community_section", "/councils/"),
    ("community_section", "/councils/?finding=term_ending"),
    ("hq_admin", "/"),
    ("hq_staff", "/"),
    ("station_chief", "/"),
    ("community_section", "/"),
    ("koban_chief", "/"),
    ("community_section", "/councils/renewals/"),
    ("koban_chief", "/councils/renewals/"),
    ("koban_chief", "/councils/renewals/?page=2"),
]


def test_c2_lists_and_home_pages_cost_the_same_with_1_or_55_councils(world, client_for):
    """C2: the council list (HQ, station, filtered, second page), the home pages (HQ, station, koban) and the renewal
    workbench issue as many queries with one council as with 55 (more than a page of councils and of terms)."""
    bulk_councils(world.station_a, [world.koban_a], 1, prefix="一")
    store.refresh_all()
    clients = {role: client_for(role) for role, _url in PAGES}
    for role, url in PAGES:
        clients[role].get(url)  # warm-up: session, settings
    one = {(role, url): count_queries(clients[role], url) for role, url in PAGES}
    bulk_councils(world.station_a, [world.koban_a], 55, members=2)
    store.refresh_all()
    assert Membership.objects.count() == 3 + 110
    many = {(role, url): count_queries(clients[role], url) for role, url in PAGES}
    assert many == one
    listing = clients["community_section"].get("/councils/").content.decode()
    assert "1 / 2 ページ（全56件）" in listing
    workbench = clients["koban_chief"].get("/councils/renewals/").content.decode()
    assert "1 / 3 ページ（全113件）" in workbench


def test_c6_4_2_tenure_starts_reads_11000_councils_in_a_few_bounded_queries(world):
    """C6.4(2): the first day of unbroken service of 11,000 councils' members is read with one query per 500
    councils, each of bounded size (SQLite refused the old one-condition-per-council query past ~1,000)."""
    today = today_tokyo()
    start = today - dt.timedelta(days=100)
    bulk_councils(world.station_a, [], 11_000, members=1, start=start, end=start + dt.timedelta(days=729), terms=2)
    councils = list(queries.with_current_members(Council.objects.filter(name__startswith="大量"), today))
    assert len(councils) == 11_000
    with CaptureQueriesContext(connection) as ctx:
        starts = queries.tenure_starts(councils, today)
    assert len(ctx) == 22  # 11,000 / 500
    assert max(len(q["sql"]) for q in ctx.captured_queries) < 6_000  # 500 ids at most, not 11,000 conditions
    earlier = add_years(start, -2)
    assert set(starts.values()) == {earlier}


def test_the_list_filters_and_the_home_page_count_on_the_stored_findings(world, client_for):
    """The council list's finding filter and the home page's to-do read the stored findings, not the rules run over
    every council: councils written behind the actions' back appear only once their findings are stored."""
    bulk_councils(world.station_a, [world.koban_a], 3, members=1)  # one member: no chair is fine, size is not
    client = client_for("community_section")
    assert "該当する協議会はありません。" in client.get("/councils/?finding=size").content.decode()
    store.refresh_all()
    listing = client.get("/councils/?finding=size").content.decode()
    assert "大量00000連絡協議会" in listing and "大量00002連絡協議会" in listing
    assert "要対応の協議会はありません。" in client.get("/").content.decode()


def test_c2_renewal_workbench_shows_one_page_of_terms(world, client_for):
    """C6.2(1) renewal workbench: 60 terms ending are shown 50 to a page, the rest on the next page."""
    bulk_councils(world.station_a, [world.koban_a], 20, members=3)
    client = client_for("community_section")
    first = client.get("/councils/renewals/").content.decode()
    second = client.get("/councils/renewals/?page=2").content.decode()
    assert first.count('name="ids" value=') == 50 and second.count('name="ids" value=') == 10
    assert "1 / 2 ページ（全60件）" in first
