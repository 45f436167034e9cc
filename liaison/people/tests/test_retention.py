"""Retention of personal data (APPI, issue 12): ``manage.py apply_retention`` anonymises persons whose last role
(council term, contact person, referral, case) ended more than N years ago; a dry run only lists them."""

import datetime
import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from liaison.audit.models import AuditEntry
from liaison.cases.models import Case
from liaison.councils.models import Council, Membership
from liaison.councils.queries import member_counts
from liaison.network.models import ConsentChange, ContactPerson, Referral
from liaison.org.models import Officer, PrefectureSettings, Station
from liaison.people.actions import ANONYMISED_NAME, person_retention_apply
from liaison.people.models import Person, PersonNameGram, PublicOfficeRecord
from liaison.people.queries import search
from liaison.people.retention import cutoff_for, due_for_anonymising

pytestmark = pytest.mark.django_db

DAY = datetime.date(2026, 11, 26)
YEARS = 5
CUTOFF = datetime.date(2021, 11, 26)  # a role that ended on this day is not "more than five years ago"
BEFORE = CUTOFF - datetime.timedelta(days=1)
OLD = datetime.datetime(2015, 1, 1, tzinfo=datetime.UTC)


@pytest.fixture
def place():
    user = get_user_model().objects.create_user("clerk", password="x" * 12)
    station = Station.objects.create(name="試験警察署", code="T01")
    council = Council.objects.create(station=station, name="試験連絡協議会", established_on=datetime.date(2010, 4, 1))
    return {"user": user, "station": station, "council": council}


def person(place, given: str, *, created=OLD, **extra) -> Person:
    p = Person.objects.create(
        station=place["station"],
        family_name="佐藤",
        given_name=given,
        family_kana="サトウ",
        given_kana="ハナコ",
        birth_date=datetime.date(1950, 5, 5),
        gender="female",
        occupation="会社員",
        organisation="一番町町内会",
        organisation_title="会長",
        postal_code="980-0001",
        address_prefecture="宮城県",
        address_city="仙台市青葉区",
        address_town="一番町",
        address_rest="1-1",
        phone="0221234567",
        email="hanako@example.jp",
        notes="備考",
        **extra,
    )
    Person.objects.filter(pk=p.pk).update(created_at=created)
    return p


def make_officer(place) -> Officer:
    return Officer.objects.create(
        user=place["user"],
        station=place["station"],
        family_name="警察",
        given_name="太郎",
        family_kana="ケイサツ",
        given_kana="タロウ",
        rank="junsa",
        role=Officer.Role.STATION_CHIEF,
    )


def term(place, p, start, end, ended_on=None):
    return Membership.objects.create(
        council=place["council"], person=p, station=place["station"], start_date=start, end_date=end, ended_on=ended_on
    )


def contact(place, p, consent, steps=(), **extra):
    c = ContactPerson.objects.create(
        person=p, station=place["station"], source="acquaintance", consent=consent, created_by=place["user"], **extra
    )
    ContactPerson.objects.filter(pk=c.pk).update(created_at=OLD)
    for on, state in steps:
        ConsentChange.objects.create(contact=c, consent=state, on=on, created_by=place["user"])
    return c


def case(place, p, received_on, status=Case.Status.DONE):
    return Case.objects.create(
        station=place["station"],
        received_on=received_on,
        category=Case.Category.CRIME,
        content="空き巣が続いている",
        raised_by_kind=Case.RaisedBy.MEMBER,
        raised_by_person=p,
        status=status,
        created_by=place["user"],
    )


def due_ids():
    return set(due_for_anonymising(day=DAY, years=YEARS).values_list("pk", flat=True))


def test_cutoff_is_n_years_before_the_day():
    assert cutoff_for(DAY, YEARS) == CUTOFF
    assert cutoff_for(datetime.date(2028, 2, 29), 1) == datetime.date(2027, 2, 28)


def test_council_terms_at_the_boundary(place):
    """A term whose last day is before the cutoff lets the person go; one ending on the cutoff, later, or still
    running keeps them; an early end (ended_on) counts, not the planned end date."""
    gone = person(place, "満了")
    term(place, gone, datetime.date(2017, 4, 1), BEFORE)
    on_cutoff = person(place, "境界")
    term(place, on_cutoff, datetime.date(2017, 4, 1), CUTOFF)
    serving = person(place, "在任")
    term(place, serving, datetime.date(2025, 4, 1), datetime.date(2027, 3, 31))
    ended_early = person(place, "途中終了")
    term(place, ended_early, datetime.date(2019, 4, 1), datetime.date(2023, 3, 31), ended_on=BEFORE)
    two_terms = person(place, "再任")
    term(place, two_terms, datetime.date(2015, 4, 1), datetime.date(2017, 3, 31))
    term(place, two_terms, datetime.date(2021, 4, 1), datetime.date(2023, 3, 31))
    assert due_ids() == {gone.pk, ended_early.pk}


def test_recently_recorded_person_without_roles_is_kept(place):
    old = person(place, "古い")
    new = person(place, "新しい", created=datetime.datetime(2024, 1, 1, tzinfo=datetime.UTC))
    assert old.pk in due_ids() and new.pk not in due_ids()


def test_contact_persons_at_the_boundary(place):
    """Consenting or asked contact persons are kept; 辞退・辞任 count from their last dated step."""
    active = person(place, "承諾中")
    contact(place, active, ContactPerson.Consent.CONSENTED, [(datetime.date(2012, 1, 1), "consented")])
    withdrew_long_ago = person(place, "辞任済み")
    contact(
        place,
        withdrew_long_ago,
        ContactPerson.Consent.WITHDRAWN,
        [(datetime.date(2012, 1, 1), "consented"), (BEFORE, "withdrawn")],
    )
    withdrew_on_cutoff = person(place, "辞任境界")
    contact(place, withdrew_on_cutoff, ContactPerson.Consent.WITHDRAWN, [(CUTOFF, "withdrawn")])
    declined_recently = person(place, "辞退最近")
    contact(place, declined_recently, ContactPerson.Consent.DECLINED, [(datetime.date(2025, 6, 1), "declined")])
    assert due_ids() == {withdrew_long_ago.pk}


def test_referrals_and_cases_at_the_boundary(place):
    """A case raised in the period, or still being acted on, keeps the person; so does a recent referral."""
    old_case = person(place, "古い申出")
    case(place, old_case, BEFORE)
    recent_case = person(place, "最近の申出")
    case(place, recent_case, CUTOFF)
    open_case = person(place, "未措置")
    case(place, open_case, datetime.date(2015, 1, 1), status=Case.Status.RECEIVED)
    referred = person(place, "推薦")
    officer_user = place["user"]
    officer = make_officer(place)
    Referral.objects.create(
        station=place["station"],
        referrer=officer,
        person=referred,
        reason="地域に詳しい",
        met_at=Referral.MetAt.CAMPAIGN,
        referred_on=datetime.date(2025, 1, 1),
        created_by=officer_user,
    )
    assert due_ids() == {old_case.pk}


def test_dry_run_lists_ids_and_stations_and_changes_nothing(place):
    gone = person(place, "満了")
    term(place, gone, datetime.date(2017, 4, 1), BEFORE)
    kept = person(place, "在任")
    term(place, kept, datetime.date(2025, 4, 1), datetime.date(2027, 3, 31))
    before = list(Person.objects.order_by("pk").values())
    audits = AuditEntry.objects.count()
    out = io.StringIO()
    call_command("apply_retention", "--date", DAY.isoformat(), stdout=out)
    text = out.getvalue()
    assert f"person {gone.pk} station {place['station'].pk}" in text
    assert f"person {kept.pk} " not in text
    assert "1人が匿名化の対象です" in text
    assert "佐藤" not in text and "満了" not in text
    assert list(Person.objects.order_by("pk").values()) == before
    assert AuditEntry.objects.count() == audits


def test_apply_anonymises_keeps_rows_and_links_and_audits_without_names(place):
    gone = person(place, "満了")
    membership = term(place, gone, datetime.date(2017, 4, 1), BEFORE)
    PublicOfficeRecord.objects.create(
        person=gone, kind="office", office="試験市議会議員", start_date=datetime.date(2016, 1, 1), note="任期中"
    )
    kept = person(place, "在任")
    term(place, kept, datetime.date(2025, 4, 1), datetime.date(2027, 3, 31))
    served_on = datetime.date(2018, 6, 1)
    figures_before = member_counts([place["council"].pk], served_on)

    out = io.StringIO()
    call_command("apply_retention", "--apply", "--years", "5", "--date", DAY.isoformat(), stdout=out)

    gone.refresh_from_db()
    assert gone.anonymised_at is not None
    assert (gone.family_name, gone.given_name) == (ANONYMISED_NAME, str(gone.pk))
    assert gone.family_kana == gone.given_kana == "トクメイカ"
    for field in ("organisation", "organisation_title", "postal_code", "address_city", "address_rest", "phone"):
        assert getattr(gone, field) == "", field
    assert (gone.birth_date, gone.email, gone.notes) == (None, "", "")
    assert (gone.gender, gone.occupation) == ("female", "会社員")  # figures by gender and occupation keep counting
    office = gone.public_offices.get()
    assert (office.office, office.note, office.start_date) == (ANONYMISED_NAME, "", datetime.date(2016, 1, 1))
    assert Membership.objects.filter(pk=membership.pk, person=gone).exists()
    assert member_counts([place["council"].pk], served_on) == figures_before
    # The name search no longer finds the old name, and the grams follow the new one.
    assert not PersonNameGram.objects.filter(person_id=gone.pk, gram="満").exists()
    assert gone.pk not in set(search(Person.objects.all(), "満了").values_list("pk", flat=True))
    kept.refresh_from_db()
    assert kept.given_name == "在任" and kept.anonymised_at is None

    entry = AuditEntry.objects.get(action="person.retention")
    assert entry.detail["count"] == 1
    assert entry.detail["people"] == [{"id": gone.pk, "station": place["station"].pk}]
    assert "満了" not in entry.summary and "佐藤" not in str(entry.detail) and "満了" not in entry.object_label
    assert "1人が匿名化しました" in out.getvalue()


def test_apply_is_idempotent(place):
    gone = person(place, "満了")
    term(place, gone, datetime.date(2017, 4, 1), BEFORE)
    assert [pk for pk, _ in person_retention_apply(years=YEARS, day=DAY, acting_user=None)] == [gone.pk]
    snapshot = list(Person.objects.order_by("pk").values())
    assert person_retention_apply(years=YEARS, day=DAY, acting_user=None) == []
    assert list(Person.objects.order_by("pk").values()) == snapshot
    assert AuditEntry.objects.filter(action="person.retention").count() == 1


def test_apply_clears_the_particulars_a_referral_copied(place):
    gone = person(place, "満了")
    officer = make_officer(place)
    referral = Referral.objects.create(
        station=place["station"],
        referrer=officer,
        person=gone,
        family_name="佐藤",
        given_name="満了",
        phone="0221234567",
        address="仙台市",
        reason="地域に詳しい",
        met_at=Referral.MetAt.CAMPAIGN,
        referred_on=datetime.date(2015, 1, 1),
        created_by=place["user"],
    )
    person_retention_apply(years=YEARS, day=DAY, acting_user=None)
    referral.refresh_from_db()
    assert (referral.family_name, referral.given_name, referral.phone, referral.address) == ("", "", "", "")


def test_years_default_to_the_prefecture_setting(place):
    gone = person(place, "満了")
    term(place, gone, datetime.date(2017, 4, 1), datetime.date(2019, 3, 31))
    PrefectureSettings.objects.update_or_create(pk=1, defaults={"retention_years": 10})
    out = io.StringIO()
    call_command("apply_retention", "--date", DAY.isoformat(), stdout=out)
    assert "0人" in out.getvalue() and "保存期間 10年" in out.getvalue()
    PrefectureSettings.objects.filter(pk=1).update(retention_years=5)
    out = io.StringIO()
    call_command("apply_retention", "--date", DAY.isoformat(), stdout=out)
    assert "1人" in out.getvalue()


def test_hq_edits_the_retention_period_in_the_prefecture_settings(world, client_for):
    client = client_for("hq_admin")
    form = client.get("/org/settings/").context["form"]
    data = {name: form[name].value() for name in form.fields}
    assert data["retention_years"] == 5
    data["retention_years"] = 7
    assert client.post("/org/settings/", data).status_code == 302
    assert PrefectureSettings.current().retention_years == 7
    data["retention_years"] = 0
    data["version"] = PrefectureSettings.current().version
    assert client.post("/org/settings/", data).status_code == 200  # at least one year
    assert PrefectureSettings.current().retention_years == 7
