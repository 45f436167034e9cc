"""Issue 11: the same new person on two rows of one file (one resident on two councils, a person listed twice) is
one person record; the preview says which earlier row the row follows."""

import datetime

import pytest
from django.urls import reverse

from liaison.councils import actions as council_actions
from liaison.councils.models import Council, Membership
from liaison.people.models import Person
from liaison.testing import make_person

from .conftest import MEMBER_HEADER, csv_bytes, last_run, upload
from .test_flow import commit

pytestmark = pytest.mark.django_db


@pytest.fixture
def second_council(world, council):
    """作並駐在所連絡協議会, a second council of station A."""
    return council_actions.council_create(
        station=world.station_a,
        values={
            "name": "作並駐在所連絡協議会",
            "kind": Council.Kind.JURISDICTION,
            "coverage": Council.Coverage.WHOLE,
            "established_on": datetime.date(2010, 4, 1),
            "reason": "所管区の住民の意見・要望を把握するため",
        },
        kobans=[world.chuzaisho_a],
        acting_user=world.user("community_section"),
    )


def _member(council_name, name="高橋 健一", kana="たかはし けんいち", born="1955-06-15"):
    return [council_name, "委員", "", "2025-04-01", name, kana, born, "男性", "農業", ""]


def test_one_resident_on_two_councils_is_one_person_with_two_appointments(world, council, second_council, client_for):
    """Issue 11, C6.2: a resident on a row for each of two councils is recorded once and appointed to both; the
    preview says the second row is the first row's person, in the dry run and in the commit."""
    client = client_for("community_section")
    rows = [_member(council.name), _member(second_council.name), _member(council.name, "阿部 和子", "あべ かずこ")]
    upload(client, "members", "m.csv", csv_bytes(MEMBER_HEADER, rows))
    run = last_run()
    assert run.error_count == 0, run.rows
    assert [r["note"] for r in run.rows] == ["", "2行目と同じ人として登録します", ""]
    page = client.get(reverse("imports:preview", args=[run.pk])).content.decode()
    assert "2行目と同じ人として登録します" in page
    people_before = Person.objects.count()
    commit(client, run)
    run.refresh_from_db()
    assert run.status == "done" and run.counts == {"created": 2, "repeated": 1, "appointed": 3}
    assert Person.objects.count() == people_before + 2
    takahashi = Person.objects.get(family_name="高橋")
    assert set(Membership.objects.filter(person=takahashi).values_list("council", flat=True)) == {
        council.pk,
        second_council.pk,
    }


def test_a_missing_birth_date_joins_the_same_name_but_different_birth_dates_are_two_people(
    world, council, second_council, client_for
):
    """Issue 11: the same names and readings with different birth dates are two people; a row without a birth date
    is the earlier row's person."""
    client = client_for("community_section")
    rows = [
        _member(council.name),
        _member(second_council.name, born="1960-01-01"),
        # no birth date: the first row's person, whose term on this council it overlaps
        [council.name, "委員", "", "2026-04-01", "高橋 健一", "たかはし けんいち", "", "男性", "農業", ""],
    ]
    upload(client, "members", "m.csv", csv_bytes(MEMBER_HEADER, rows))
    run = last_run()
    assert [r["note"] for r in run.rows] == ["", "", "2行目と同じ人として登録します"]
    assert [r["row"] for r in run.rows if r["errors"]] == [4], run.rows  # the first person's terms overlap


def test_a_repeated_row_of_a_people_file_records_one_person(world, client_for):
    """Issue 11: a people file listing the same person twice records one person; the preview says the second row
    is a repeat."""
    client = client_for("community_section")
    header = ["姓", "名", "セイ", "メイ", "生年月日"]
    rows = [["山田", "太郎", "ヤマダ", "タロウ", "1965-05-20"], ["山田", "太郎", "ヤマダ", "タロウ", "1965-05-20"]]
    upload(client, "people", "p.csv", csv_bytes(header, rows))
    run = last_run()
    assert run.error_count == 0 and run.rows[1]["note"] == "2行目と同じ人の繰り返しのため、登録しません"
    assert (
        "2行目と同じ人の繰り返しのため、登録しません"
        in client.get(reverse("imports:preview", args=[run.pk])).content.decode()
    )
    commit(client, run)
    assert Person.objects.filter(family_name="山田").count() == 1
    run.refresh_from_db()
    assert run.counts == {"created": 1, "repeated": 1}


def test_the_second_row_follows_the_first_rows_link_to_a_recorded_person(world, council, second_council, client_for):
    """N2.2, issue 11: when the first row is linked to a recorded person, the same person's second row is appointed
    as that recorded person too, without a choice of its own."""
    existing = make_person(
        world.station_a, "高橋", "健一", "タカハシ", "ケンイチ", birth_date=datetime.date(1955, 6, 15)
    )
    client = client_for("community_section")
    upload(client, "members", "m.csv", csv_bytes(MEMBER_HEADER, [_member(council.name), _member(second_council.name)]))
    run = last_run()
    assert [bool(r["duplicates"]) for r in run.rows] == [True, False]
    client.post(reverse("imports:preview", args=[run.pk]), {"choose": "1", "dup-row_2": str(existing.pk)})
    run.refresh_from_db()
    assert run.may_commit, run.rows
    people_before = Person.objects.count()
    commit(client, run)
    assert Person.objects.count() == people_before
    assert Membership.objects.filter(person=existing).count() == 2
