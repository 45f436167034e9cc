"""X2: every URL of the app × every role (and logged-out) answers as the access rules say.

Adding a URL without adding it to URLS below makes test_every_url_is_listed fail, and a view without an access
decorator makes test_every_view_declares_an_access_rule fail: nothing is reachable by accident.
"""

import pytest

from liaison.testing import ROLES, app_urls

ALL = set(ROLES)
HQ = {"hq_admin", "hq_staff"}
STATION_READERS = ALL  # every role reads its own station's organisation
PEOPLE_READERS = {"hq_admin", "station_chief", "deputy", "community_section", "koban_chief", "koban_staff"}
PEOPLE_MANAGERS = {"station_chief", "deputy", "community_section", "koban_chief"}
PEOPLE_MERGERS = {"hq_admin", "station_chief", "community_section"}
COUNCIL_EDITORS = {"station_chief", "deputy", "community_section"}
APPOINTERS = COUNCIL_EDITORS | {"koban_chief"}
PRINTERS = APPOINTERS | {"hq_admin"}
GOOD_PRACTICE_REPORTERS = {"station_chief", "deputy", "community_section", "koban_chief"}
GOOD_PRACTICE_READERS = GOOD_PRACTICE_REPORTERS | HQ
# Those who submit or decide a report: all but the station's other sections and HQ's other divisions.
ROUTING_USERS = ALL - {"section_staff", "hq_staff"}


def _none(world):
    return {}


def _person(world):
    from liaison.people.models import Person

    return Person.objects.create(
        station=world.station_a, family_name="山田", given_name="花子", family_kana="ヤマダ", given_kana="ハナコ"
    )


def _login_throttle():
    """A login ID held back after enough failed passwords to make it wait."""
    from liaison.access.actions import login_failure_record
    from liaison.access.throttle import ACCOUNT, RULES

    return [
        login_failure_record(username="station_chief", address=f"10.9.9.{i}", device_token=None)
        for i in range(RULES[ACCOUNT].free)
    ][-1][0]


def _council_of(world, koban, name):
    """A council of station A covering ``koban``, with one member serving today."""
    import datetime

    from liaison.councils.models import Council, Membership

    council = Council.objects.create(station=world.station_a, name=name, established_on=datetime.date(2025, 4, 1))
    council.kobans.add(koban)
    Membership.objects.create(
        council=council,
        person=_person(world),
        station=world.station_a,
        start_date=datetime.date(2025, 4, 1),
        end_date=datetime.date(2099, 3, 31),
    )
    return council


def _print_council(world):
    """A council of station A covering koban_a (so its koban chief may print it), with one member."""
    return _council_of(world, world.koban_a, "一番町交番連絡協議会")


def _print_job(world, done=False, council_of=_print_council):
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    from liaison.reports.models import PrintJob

    council = council_of(world)
    job = PrintJob.objects.create(
        station=world.station_a,
        requested_by=world.user("community_section"),
        kind="form1",
        object_ids=list(council.memberships.values_list("pk", flat=True)),
        total=1,
    )
    if done:
        name = "print_jobs/url-access-test.pdf"
        if not default_storage.exists(name):
            default_storage.save(name, ContentFile(b"%PDF-1.7\n"))
        job.result.name, job.status, job.done = name, PrintJob.Status.DONE, 1
        job.save()
    return job


def _notification(world):
    from django.utils import timezone

    from liaison.notify.models import Notification

    officer = world.officers["community_section"]
    return Notification.objects.get_or_create(
        officer=officer, key="test:1", defaults={"text": "お知らせ", "created_at": timezone.now()}
    )[0]


def _export_job(world, done=False):
    """A long list export of the community section's officer: theirs alone, whatever the role or station."""
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    from liaison.audit.models import ExportJob

    job = ExportJob.objects.create(
        user=world.user("community_section"), station=world.station_a, title="意見・要望", path="/", fmt="csv"
    )
    if done:
        name = "export_jobs/url-access-test.csv"
        if not default_storage.exists(name):
            default_storage.save(name, ContentFile(b"a\r\n"))
        job.result.name, job.file_name, job.status = name, "x.csv", ExportJob.Status.DONE
        job.save()
    return job


def _report_meeting(world):
    """A held meeting of the koban_a council (Form 3 is printed from it)."""
    import datetime

    from liaison.meetings.models import Meeting

    return Meeting.objects.create(
        council=_print_council(world),
        kind=Meeting.Kind.REGULAR,
        fiscal_year=2025,
        number=1,
        status=Meeting.Status.HELD,
        starts_at=datetime.datetime(2025, 6, 12, 10, 0, tzinfo=datetime.UTC),
        venue_kind=Meeting.VenueKind.KOBAN,
        venue_name="一番町交番",
        created_by=world.user("koban_chief"),
    )


def _council_with_bylaws(world):
    from django.core.files.base import ContentFile

    council = _print_council(world)
    council.bylaws.save("kiyaku.txt", ContentFile("一番町交番連絡協議会規約".encode()), save=True)
    return council


def _notice(world):
    from liaison.councils.models import Notice

    council = _print_council(world)
    return Notice.objects.create(recipient=world.officers["koban_chief"], council=council, text="お知らせ")


def _membership(world):
    return _print_council(world).memberships.get()


MEETING_MANAGERS = {"station_chief", "deputy", "community_section", "koban_chief", "koban_staff"}
ELECTION_MANAGERS = {"hq_admin", "station_chief", "deputy", "community_section"}


def _meeting(world, council_of=None):
    """A planned regular meeting of koban_a's council (or of ``council_of``'s)."""
    import datetime

    from liaison.meetings.models import Meeting

    council = (council_of or _print_council)(world)
    return Meeting.objects.create(
        council=council,
        kind="regular",
        fiscal_year=2026,
        number=1,
        starts_at=datetime.datetime(2026, 5, 20, 10, 0, tzinfo=datetime.UTC),
        venue_kind="koban",
        venue_name="一番町交番",
        created_by=world.user("community_section"),
    )


def _material(world):
    from django.core.files.base import ContentFile

    from liaison.meetings.models import Material

    material = Material(station=world.station_a, title="資料", uploaded_by=world.user("community_section"))
    material.file.save("url-access-material.txt", ContentFile("資料".encode()), save=True)
    return material


def _election_period(world):
    import datetime

    from liaison.meetings.models import ElectionPeriod

    return ElectionPeriod.objects.create(
        name="市長選挙",
        municipalities=["仙台市青葉区"],
        starts_on=datetime.date(2026, 7, 1),
        ends_on=datetime.date(2026, 7, 10),
        station=world.station_a,
        created_by=world.user("community_section"),
    )


CASE_READERS = ALL  # every section of the station and HQ (C8.2)
CASE_MANAGERS = COUNCIL_EDITORS | {"section_staff", "koban_chief", "koban_staff"}


def _case(world, koban="own"):
    """An opinion of station A received by koban_a (or another koban)."""
    import datetime

    from liaison.cases.models import Case

    return Case.objects.create(
        station=world.station_a,
        koban=world.koban_a if koban == "own" else koban,
        received_on=datetime.date(2026, 4, 10),
        category=Case.Category.CRIME,
        content="空き巣が続いている",
        raised_by_kind=Case.RaisedBy.MEMBER,
        created_by=world.user("community_section"),
    )


def _settled_case(world, koban="own"):
    case = _case(world, koban)
    case.status = case.Status.DONE
    case.settled_on = case.received_on
    case.save()
    return case


MEETING_WORKERS = COUNCIL_EDITORS | {"koban_chief", "koban_staff"}  # MANAGE_MEETINGS (C9.1, C9.2)


EXCHANGE_READERS = ALL  # every section of the station and HQ read the exchanges (N3.1ウ)
EXCHANGE_LOGGERS = ALL - HQ  # every officer of a station logs them (N3.1イ)


def _exchange(world):
    """An exchange of station A's koban_a with one contact person."""
    import datetime

    from liaison.network.models import ContactPerson, Exchange

    contact = ContactPerson.objects.create(
        person=_person(world), station=world.station_a, source="acquaintance", created_by=world.user("koban_staff")
    )
    exchange = Exchange.objects.create(
        station=world.station_a,
        koban=world.koban_a,
        on=datetime.date(2026, 4, 10),
        officer=world.officers["koban_staff"],
        kind=Exchange.Kind.HOME_VISIT,
        created_by=world.user("koban_staff"),
    )
    exchange.contacts.add(contact)
    return exchange


def _held_meeting(world, council_of=_print_council):
    """A regular meeting held yesterday by a council of station A."""
    import datetime

    from django.utils import timezone

    from liaison.meetings.models import Meeting

    return Meeting.objects.create(
        council=council_of(world),
        kind=Meeting.Kind.REGULAR,
        fiscal_year=2026,
        number=1,
        status=Meeting.Status.HELD,
        starts_at=timezone.now() - datetime.timedelta(days=1),
        venue_kind=Meeting.VenueKind.KOBAN,
        venue_name="一番町交番",
        created_by=world.user("community_section"),
    )


def _feed_token(world):
    from liaison.meetings.actions.meetings import calendar_feed_renew

    return calendar_feed_renew(officer=world.officers["koban_staff"], acting_user=world.user("koban_staff"))


def _setup_report_round(world):
    """A Form 2 of a station-A council, submitted by its station chief and waiting for HQ (C11.1(1))."""
    from liaison.reports import actions, routing

    return actions.report_submit(kind=routing.FORM2, obj=_print_council(world), acting_user=world.user("station_chief"))


def _good_practice(world, koban=None):
    import datetime

    from liaison.reports.models import GoodPractice

    return GoodPractice.objects.create(
        station=world.station_a,
        koban=world.koban_a if koban is None else koban,
        title="防犯教室",
        text="小学校で防犯教室を開きました。",
        occurred_on=datetime.date(2025, 6, 1),
        created_by=world.user("koban_chief"),
    )


def _good_practice_attachment(world, koban=None):
    from django.core.files.base import ContentFile

    from liaison.reports.models import GoodPracticeAttachment

    attachment = GoodPracticeAttachment(
        good_practice=_good_practice(world, koban), name="写真.txt", size=4, uploaded_by=world.user("koban_chief")
    )
    attachment.file.save("gp.txt", ContentFile(b"test"), save=True)
    return attachment


def _activity(world, council_of=_print_council):
    import datetime

    from liaison.meetings.models import Activity

    return Activity.objects.create(
        council=council_of(world),
        title="通学路の見守り",
        started_on=datetime.date(2026, 4, 1),
        created_by=world.user("community_section"),
    )


def _interim(world, council_of=_print_council):
    import datetime

    return _activity(world, council_of).interim_reports.create(due_on=datetime.date(2026, 6, 1))


def _information_with_file(world):
    import datetime

    from django.core.files.base import ContentFile

    from liaison.meetings.models import MemberInformation

    item = MemberInformation(
        council=_print_council(world),
        received_on=datetime.date(2026, 5, 1),
        content="不審者の目撃情報",
        created_by=world.user("community_section"),
    )
    item.file.save("info.txt", ContentFile("資料".encode()), save=True)
    return item


PUBLISHERS = {"hq_admin", "hq_staff", "station_chief", "deputy", "community_section", "section_staff"}
STATION_PUBLISHERS = PUBLISHERS - HQ
DISTRIBUTORS = {"station_chief", "deputy", "community_section", "koban_chief"}


def _info(world, hq=False):
    """A safety information item of station A, published to itself; or, with ``hq``, HQ's item to station A."""
    import datetime

    from liaison.network.models import SafetyInfo, SafetyInfoTarget

    publisher = world.officers["hq_admin" if hq else "community_section"]
    item = SafetyInfo.objects.create(
        publisher_division=publisher.hq_division if hq else None,
        publisher_station=None if hq else world.station_a,
        title="特殊詐欺の電話が多発しています",
        body="不審な電話に注意してください。",
        published_on=datetime.date(2026, 11, 1),
        created_by=publisher.user,
    )
    SafetyInfoTarget.objects.create(item=item, station=world.station_a)
    return item


def _info_attachment(world):
    from django.core.files.base import ContentFile

    from liaison.network.models import SafetyInfoAttachment

    attachment = SafetyInfoAttachment(item=_info(world), name="チラシ.txt", uploaded_by=world.user("community_section"))
    attachment.file.save("a1b2.txt", ContentFile("注意".encode()), save=True)
    return attachment


def _distribution(world):
    from liaison.network.models import Distribution

    return Distribution.objects.create(
        item=_info(world), station=world.station_a, method="email", created_by=world.user("community_section")
    )


def _delivery(world):
    from liaison.network.actions.contacts import contact_create
    from liaison.network.models import Delivery

    contact = contact_create(
        station=world.station_a,
        person=_person(world),
        values={"koban": world.koban_a, "source": "acquaintance"},
        acting_user=world.user("community_section"),
    )
    return Delivery.objects.create(distribution=_distribution(world), contact=contact, email="a@example.jp")


# The community safety network's referrals (N2.3): every station role refers; 地域課, the chief and the deputy decide.
REFERRERS = ALL - HQ
REFERRAL_DECIDERS = {"station_chief", "deputy", "community_section"}


def _referral(world):
    """A pending referral of station A made by its 署各課 officer (the only non-decider who may open it)."""
    from liaison.network.actions.referrals import referral_create

    return referral_create(
        values={"family_name": "候補", "given_name": "花子", "reason": "防犯活動に熱心", "met_at": "campaign"},
        acting_user=world.user("section_staff"),
    )


def _safety_meeting(world):
    import datetime

    from liaison.network.models import SafetyMeeting

    return SafetyMeeting.objects.create(
        station=world.station_a,
        held_on=datetime.date(2026, 5, 1),
        venue="青葉区民センター",
        topics="空き巣の発生状況",
        created_by=world.user("community_section"),
    )


def _visit_day(world):
    import datetime

    from liaison.network.models import VisitDay

    day, _created = VisitDay.objects.get_or_create(
        koban=world.koban_a, on=datetime.date(2026, 5, 1), defaults={"created_by": world.user("station_chief")}
    )
    return day


NETWORK_KEEPERS = {"station_chief", "deputy", "community_section"}
CONTACT_READERS = ALL  # N2.4: every section of the station and HQ read the contact-person list
CONTACT_KEEPERS = {"station_chief", "deputy", "community_section", "koban_chief"}  # MANAGE_CONTACTS


def _contact(world, koban="own"):
    """A candidate contact person of station A in koban_a's area (or another koban's)."""
    from liaison.network.actions.contacts import contact_create

    return contact_create(
        station=world.station_a,
        person=_person(world),
        values={"koban": world.koban_a if koban == "own" else koban, "source": "group"},
        acting_user=world.user("community_section"),
    )


# Imports of rosters (issue 11): whoever appoints members, keeps contact persons or records people.
IMPORTERS = PEOPLE_MANAGERS


def _import_run(world, by="koban_chief"):
    """A checked import of people into station A, by its koban chief unless said (so every importer may open it)."""
    from liaison.imports.models import ImportRun

    return ImportRun.objects.create(
        station=world.station_a,
        kind="people",
        file_name="people.csv",
        data=b"x",
        status=ImportRun.Status.CHECKED,
        created_by=world.user(by),
    )


# url name → (kwargs builder for an object of station A, roles allowed, does a station-B user get 404?[, GET status
# for allowed roles when not 200])
URLS: dict[str, tuple] = {
    "home": (_none, ALL, False),
    "healthz": (_none, "public", False),
    "login": (_none, "public", False),
    "logout": (_none, "public-post", False),
    "set_language": (_none, "public-post", False),  # Django's language switch: a POST answered by a redirect
    "password_change": (_none, ALL, False),
    "password_change_done": (_none, ALL, False),
    # Logins held back by the throttle: the HQ administrator, who manages the officers, lists and clears them.
    "login_throttles": (_none, {"hq_admin"}, False),
    "login_throttle_clear": (lambda w: {"pk": _login_throttle().pk}, {"hq_admin"}, False, 405),  # POST only
    # The second factor: a user who owes no code is sent on from the code pages; new recovery codes are POST only.
    "second_factor": (_none, ALL, False, 302),
    "second_factor_recovery": (_none, ALL, False, 302),
    "second_factor_setup": (_none, ALL, False),
    "second_factor_recovery_codes": (_none, ALL, False, 405),
    "org:stations": (_none, STATION_READERS, False),
    "org:station": (lambda w: {"pk": w.station_a.pk}, STATION_READERS, True),
    "org:koban": (lambda w: {"pk": w.koban_a.pk}, STATION_READERS, True),
    "org:officers": (_none, STATION_READERS, False),
    "org:pick": (_none, STATION_READERS, False),  # the officer picker's search
    "org:station_pick": (_none, ALL, False),  # the station filter's search: any logged-in user, within their stations
    "org:settings": (_none, {"hq_admin"}, False),
    "org:reorganisations": (_none, {"hq_admin"}, False),
    "org:reorganisation_new": (_none, {"hq_admin"}, False),
    # Organisation maintenance: only the HQ administrator holds the permission, and HQ sees every station.
    "org:station_new": (_none, {"hq_admin"}, False),
    "org:station_edit": (lambda w: {"pk": w.station_a.pk}, {"hq_admin"}, False),
    "org:section_new": (lambda w: {"station_pk": w.station_a.pk}, {"hq_admin"}, False),
    "org:section_edit": (lambda w: {"pk": w.station_a.sections.first().pk}, {"hq_admin"}, False),
    "org:hq_divisions": (_none, {"hq_admin"}, False),
    "org:hq_division_new": (_none, {"hq_admin"}, False),
    "org:hq_division_edit": (lambda w: {"pk": w.officers["hq_admin"].hq_division_id}, {"hq_admin"}, False),
    "org:koban_new": (_none, {"hq_admin"}, False),
    "org:koban_edit": (lambda w: {"pk": w.koban_a.pk}, {"hq_admin"}, False),
    "org:koban_close": (lambda w: {"pk": w.koban_a.pk}, {"hq_admin"}, False),  # GET: confirmation page
    "org:officer_new": (_none, {"hq_admin"}, False),
    "org:officer_edit": (lambda w: {"pk": w.officers["koban_staff"].pk}, {"hq_admin"}, False),
    "org:officer_retire": (lambda w: {"pk": w.officers["koban_staff"].pk}, {"hq_admin"}, False),
    "org:officer_password": (lambda w: {"pk": w.officers["koban_staff"].pk}, {"hq_admin"}, False),
    "org:officer_second_factor_reset": (lambda w: {"pk": w.officers["koban_staff"].pk}, {"hq_admin"}, False, 405),
    "audit:list": (_none, {"hq_admin", "station_chief", "deputy"}, False),
    # Only the user who asked for the export: every other user, of any role or station, gets 404.
    "audit:export_job": (lambda w: {"pk": _export_job(w).pk}, "own:community_section", True),
    "audit:export_download": (lambda w: {"pk": _export_job(w, done=True).pk}, "own:community_section", True),
    "people:list": (_none, PEOPLE_READERS, False),
    "people:detail": (lambda w: {"pk": _person(w).pk}, PEOPLE_READERS, True),
    "people:create": (_none, PEOPLE_MANAGERS, False),
    "people:pick": (_none, PEOPLE_READERS, False),  # the person picker's search: readings, ages and towns
    # A member of koban_a's council: the koban chief of koban_a may change the person (see OTHER_KOBAN).
    "people:edit": (lambda w: {"pk": _membership(w).person_id}, PEOPLE_MANAGERS, True),
    "people:public_office_new": (lambda w: {"pk": _membership(w).person_id}, PEOPLE_MANAGERS, True),
    "people:merge": (lambda w: {"pk": _person(w).pk}, PEOPLE_MERGERS, True),
    "people:postal": (lambda w: {"code": "9800811"}, PEOPLE_MANAGERS, False),
    "councils:list": (_none, ALL, False),
    "councils:create": (_none, COUNCIL_EDITORS, False),
    "councils:renewals": (_none, APPOINTERS, False),
    "councils:detail": (lambda w: {"pk": _print_council(w).pk}, ALL, True),
    "councils:edit": (lambda w: {"pk": _print_council(w).pk}, COUNCIL_EDITORS, True),
    "councils:bylaws": (lambda w: {"pk": _print_council(w).pk}, COUNCIL_EDITORS, True),
    "councils:bylaws_download": (lambda w: {"pk": _council_with_bylaws(w).pk}, ALL, True),
    "councils:confirm_manager": (lambda w: {"pk": _print_council(w).pk}, {"station_chief"}, True, 302),  # POST form
    "councils:appoint": (lambda w: {"pk": _print_council(w).pk}, APPOINTERS, True),
    "councils:review": (lambda w: {"pk": _print_council(w).pk}, COUNCIL_EDITORS, True),
    "councils:membership_end": (lambda w: {"pk": _membership(w).pk}, APPOINTERS, True),
    "councils:membership_reappoint": (lambda w: {"pk": _membership(w).pk}, APPOINTERS, True),
    "councils:membership_successor": (lambda w: {"pk": _membership(w).pk}, APPOINTERS, True),
    "councils:notice_read": (lambda w: {"pk": _notice(w).pk}, {"koban_chief"}, True, 302),  # only its recipient
    "cases:list": (_none, CASE_READERS, False),
    "cases:export": (_none, CASE_READERS, False),
    "cases:create": (_none, CASE_MANAGERS, False),
    "cases:detail": (lambda w: {"pk": _case(w).pk}, CASE_READERS, True),
    "cases:edit": (lambda w: {"pk": _case(w).pk}, CASE_MANAGERS, True),
    "cases:progress": (lambda w: {"pk": _case(w).pk}, CASE_MANAGERS, True),
    "cases:told": (lambda w: {"pk": _settled_case(w).pk}, CASE_MANAGERS, True),
    "network:exchange_list": (_none, EXCHANGE_READERS, False),
    "network:exchange_create": (_none, EXCHANGE_LOGGERS, False),
    "network:exchange_detail": (lambda w: {"pk": _exchange(w).pk}, EXCHANGE_READERS, True),
    "meetings:opinion_new": (lambda w: {"pk": _held_meeting(w).pk}, CASE_MANAGERS, True),
    "network:safety_meeting_list": (_none, ALL, False),
    "network:safety_meeting_create": (_none, NETWORK_KEEPERS, False),
    "network:safety_meeting_detail": (lambda w: {"pk": _safety_meeting(w).pk}, ALL, True),
    "network:safety_meeting_edit": (lambda w: {"pk": _safety_meeting(w).pk}, NETWORK_KEEPERS, True),
    "network:safety_meeting_opinion": (lambda w: {"pk": _safety_meeting(w).pk}, NETWORK_KEEPERS, True),
    "network:figures": (_none, NETWORK_KEEPERS | {"hq_admin"}, False),
    "network:figures_export": (_none, NETWORK_KEEPERS | {"hq_admin"}, False),
    "network:visit_day_plan": (_none, NETWORK_KEEPERS, False),
    # The station chief's and HQ's figures (C10.1, N4.4): the own station, HQ every station and its rows.
    "figures:index": (_none, NETWORK_KEEPERS | {"hq_admin"}, False),
    "figures:station": (lambda w: {"pk": w.station_a.pk}, NETWORK_KEEPERS | {"hq_admin"}, True),
    # POST only: GET is refused as 405 before the day is looked up; test_figures posts from station B (404)
    "network:visit_day_delete": (lambda w: {"pk": _visit_day(w).pk}, NETWORK_KEEPERS, False, 405),
    # Council summaries (aggregates, no names): HQ opens the prefecture; everyone their station and its councils.
    "figures:summary": (_none, ALL, False, 302),  # to the prefecture (HQ) or the own station
    "figures:summary_prefecture": (_none, HQ, False),
    "figures:summary_station": (lambda w: {"pk": w.station_a.pk}, ALL, True),
    "figures:summary_council": (lambda w: {"pk": _print_council(w).pk}, ALL, True),
    "meetings:council_activities": (lambda w: {"pk": _print_council(w).pk}, ALL, True),
    "meetings:activity_new": (lambda w: {"pk": _print_council(w).pk}, CASE_MANAGERS, True),
    "meetings:activity": (lambda w: {"pk": _activity(w).pk}, ALL, True),
    "meetings:activity_edit": (lambda w: {"pk": _activity(w).pk}, CASE_MANAGERS, True),
    "meetings:activity_close": (lambda w: {"pk": _activity(w).pk}, CASE_MANAGERS, True),
    "meetings:interim_new": (lambda w: {"pk": _activity(w).pk}, CASE_MANAGERS, True),
    "meetings:interim_record": (lambda w: {"pk": _interim(w).pk}, CASE_MANAGERS, True),
    "meetings:council_information": (lambda w: {"pk": _print_council(w).pk}, ALL, True),
    "meetings:information_new": (lambda w: {"pk": _print_council(w).pk}, MEETING_WORKERS, True),
    "meetings:information_report": (lambda w: {"pk": _print_council(w).pk}, MEETING_WORKERS, True, 302),  # POST
    "meetings:station_information": (_none, ALL, False),
    "meetings:information_file": (lambda w: {"pk": _information_with_file(w).pk}, ALL, True),
    "meetings:council_contacts": (lambda w: {"pk": _print_council(w).pk}, ALL, True),
    "meetings:contact_new": (lambda w: {"pk": _print_council(w).pk}, MEETING_WORKERS, True),
    "reports:letter": (lambda w: {"pk": _print_council(w).memberships.get().pk}, PRINTERS, True),
    "reports:council_letters": (lambda w: {"pk": _print_council(w).pk}, PRINTERS, True),
    "reports:council_roster": (lambda w: {"pk": _print_council(w).pk}, PRINTERS, True),
    "reports:setup_report": (lambda w: {"pk": _print_council(w).pk}, PRINTERS, True),
    "reports:batch_letters": (_none, PRINTERS, False, 405),  # POST only: GET is refused after the access check
    "reports:batch": (lambda w: {"kind": "form1"}, PRINTERS, False, 405),  # the same, for any document kind
    "reports:job": (lambda w: {"pk": _print_job(w).pk}, PRINTERS, True),
    "reports:job_download": (lambda w: {"pk": _print_job(w, done=True).pk}, PRINTERS, True),
    "reports:meeting_report": (lambda w: {"pk": _report_meeting(w).pk}, ALL, True),
    "meetings:list": (_none, ALL, False),
    "meetings:calendar": (_none, ALL, False),
    "meetings:create": (_none, MEETING_MANAGERS, False),
    "meetings:holiday": (_none, ALL, False),  # htmx: the holiday of a date typed into the form
    "meetings:detail": (lambda w: {"pk": _meeting(w).pk}, ALL, True),
    "meetings:edit": (lambda w: {"pk": _meeting(w).pk}, MEETING_MANAGERS, True),
    "meetings:hold": (lambda w: {"pk": _meeting(w).pk}, MEETING_MANAGERS, True, 302),  # POST form
    "meetings:cancel": (lambda w: {"pk": _meeting(w).pk}, MEETING_MANAGERS, True),
    "meetings:attendance": (lambda w: {"pk": _meeting(w).pk}, MEETING_MANAGERS, True),
    "meetings:materials": (lambda w: {"pk": _meeting(w).pk}, MEETING_MANAGERS, True),
    "meetings:material_download": (lambda w: {"pk": _material(w).pk}, ALL, True),
    "meetings:election_periods": (_none, ALL, False),
    "meetings:election_period_delete": (lambda w: {"pk": _election_period(w).pk}, ELECTION_MANAGERS, True, 302),
    "meetings:calendar_feed": (_none, ALL, False),
    "meetings:ical": (lambda w: {"token": _feed_token(w)}, "public", False),  # the secret token is the key
    # The routing of reports (C11.1, C11.2) and good-practice reports: not personal data (see ROUTING_URLS).
    "reports:decisions": (_none, ROUTING_USERS, False),
    "reports:report_submit": (
        lambda w: {"kind": "form2", "object_id": _print_council(w).pk},
        {"station_chief", "deputy", "community_section", "koban_chief", "koban_staff"},
        False,  # GET is refused as 405 before the object is looked up; the reports tests post from station B
        405,  # POST only
    ),
    "reports:submission": (lambda w: {"pk": _setup_report_round(w).pk}, ALL, True),
    "reports:good_practice_list": (_none, GOOD_PRACTICE_READERS, False),
    "reports:good_practice_xlsx": (_none, GOOD_PRACTICE_READERS, False),
    "reports:good_practice_new": (_none, GOOD_PRACTICE_REPORTERS, False),
    "reports:good_practice": (lambda w: {"pk": _good_practice(w).pk}, GOOD_PRACTICE_READERS, True),
    "reports:good_practice_edit": (lambda w: {"pk": _good_practice(w).pk}, GOOD_PRACTICE_REPORTERS, True),
    "reports:good_practice_attachment": (
        lambda w: {"pk": _good_practice_attachment(w).pk},
        GOOD_PRACTICE_READERS,
        True,
    ),
    # Safety information (N3.1エ, N3.2): read by every role that may see it; published by HQ and the stations'
    # sections; changed by its publisher only; distributed by 地域課, the chief, the deputy and koban chiefs.
    "network:info_list": (_none, ALL, False),
    "network:info_create": (_none, PUBLISHERS, False),
    "network:info_detail": (lambda w: {"pk": _info(w).pk}, ALL, True),
    "network:info_edit": (lambda w: {"pk": _info(w).pk}, STATION_PUBLISHERS, True),  # HQ never edits a station's
    "network:info_pass_on": (lambda w: {"pk": _info(w, hq=True).pk}, STATION_PUBLISHERS, True),
    "network:info_distribute": (lambda w: {"pk": _info(w).pk}, DISTRIBUTORS, True),
    "network:info_attachment": (lambda w: {"pk": _info_attachment(w).pk}, ALL, True),
    "network:distribution_detail": (lambda w: {"pk": _distribution(w).pk}, ALL, True),
    "network:distribution_resend": (lambda w: {"pk": _distribution(w).pk}, DISTRIBUTORS, False, 405),  # POST only
    "network:delivery_shared": (lambda w: {"pk": _delivery(w).pk}, DISTRIBUTORS, False, 405),  # POST only
    "network:referral_list": (_none, REFERRERS, False),
    "network:referral_create": (_none, REFERRERS, False),
    "network:referral_detail": (lambda w: {"pk": _referral(w).pk}, REFERRAL_DECIDERS | {"section_staff"}, True),
    "network:referral_accept": (lambda w: {"pk": _referral(w).pk}, REFERRAL_DECIDERS, True),
    "network:referral_decline": (lambda w: {"pk": _referral(w).pk}, REFERRAL_DECIDERS, True),
    "network:contact_list": (_none, CONTACT_READERS, False),
    "network:contact_export": (_none, CONTACT_READERS, False),
    "network:contact_create": (_none, CONTACT_KEEPERS, False),
    "network:contact_detail": (lambda w: {"pk": _contact(w).pk}, CONTACT_READERS, True),
    "network:contact_edit": (lambda w: {"pk": _contact(w).pk}, CONTACT_KEEPERS, True),
    "network:contact_consent": (lambda w: {"pk": _contact(w).pk}, CONTACT_KEEPERS, True),
    "reports:contact_list_pdf": (_none, CONTACT_READERS, False),
    "imports:list": (_none, IMPORTERS, False),
    "imports:start": (_none, IMPORTERS, False),
    "imports:template": (lambda w: {"kind": "people", "fmt": "xlsx"}, IMPORTERS, False),
    "imports:export": (lambda w: {"kind": "people", "fmt": "xlsx"}, IMPORTERS, False),
    "imports:detail": (lambda w: {"pk": _import_run(w).pk}, IMPORTERS, True),
    "imports:preview": (lambda w: {"pk": _import_run(w).pk}, IMPORTERS, True),
    "imports:commit": (lambda w: {"pk": _import_run(w).pk}, IMPORTERS, False, 405),  # POST only
    # Each officer's own notifications; the POSTs of another's id answer 404 (tested in liaison/notify/tests).
    "notify:list": (_none, ALL, False),
    "notify:read": (lambda w: {"pk": _notification(w).pk}, ALL, False, 405),  # POST only
    "notify:read_all": (_none, ALL, False, 405),  # POST only
    "notify:email": (_none, ALL, False, 405),  # POST only
}


def test_every_url_is_listed():
    """X2: a URL that is not in the matrix fails here until someone decides who may open it."""
    names = {name for name, _ in app_urls()}
    missing = sorted(names - set(URLS))
    assert not missing, f"URLs without an access expectation: {missing}"
    assert all(name for name in names), "every URL must have a name"


def test_every_view_declares_an_access_rule():
    """X2: every view goes through the access module (a decorator from liaison.access.policy)."""
    undeclared = [name for name, p in app_urls() if not hasattr(p.callback, "access_rule")]
    assert not undeclared, f"views without an access rule: {undeclared}"


def _url(name, world):
    from django.urls import reverse

    builder = URLS[name][0]
    return reverse(name, kwargs=builder(world))


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(URLS))
def test_url_answers_each_role_as_the_rules_say(name, world, client_for, client):
    """X2: allowed roles get the page, others 403 (404 for what is one user's own), logged-out users go to login;
    other stations get 404."""
    url = _url(name, world)
    allowed, hides_other_station = URLS[name][1], URLS[name][2]
    if allowed == "public":
        assert client.get(url).status_code == 200
        return
    if allowed == "public-post":
        assert client.post(url).status_code == 302
        return
    anonymous = client.get(url)
    assert anonymous.status_code == 302 and anonymous["Location"].startswith("/accounts/login/")
    ok = URLS[name][3] if len(URLS[name]) > 3 else 200  # 405 for POST-only URLs opened with GET
    for role in ROLES:
        response = client_for(role).get(url)
        if isinstance(allowed, str) and allowed.startswith("own:"):
            expected = ok if role == allowed.removeprefix("own:") else 404
        else:
            expected = ok if role in allowed else 403
        assert response.status_code == expected, f"{role} on {url}: {response.status_code}, expected {expected}"
    if hides_other_station:
        other = client_for(world.chief_b.user).get(url)
        assert other.status_code == 404, f"station B chief on {url}: {other.status_code}"


# --- Koban scope: koban-level roles change only what belongs to their own koban --------------------------------------

KOBAN_ROLES = {"koban_chief", "koban_staff"}


def _other_koban_council(world):
    """A council of the same station A covering the other koban (作並駐在所), with one member."""
    return _council_of(world, world.chuzaisho_a, "作並駐在所連絡協議会")


def _other_koban_membership(world):
    return _other_koban_council(world).memberships.get()


# url name → kwargs builder for an object of station A that belongs to the *other* koban. Koban-level roles must get
# 403 (or 404) on each; the station-level roles allowed by URLS still get the page.
OTHER_KOBAN: dict[str, object] = {
    "people:edit": lambda w: {"pk": _other_koban_membership(w).person_id},
    "people:public_office_new": lambda w: {"pk": _other_koban_membership(w).person_id},
    "councils:appoint": lambda w: {"pk": _other_koban_council(w).pk},
    "councils:membership_end": lambda w: {"pk": _other_koban_membership(w).pk},
    "councils:membership_reappoint": lambda w: {"pk": _other_koban_membership(w).pk},
    "councils:membership_successor": lambda w: {"pk": _other_koban_membership(w).pk},
    "cases:edit": lambda w: {"pk": _case(w, w.chuzaisho_a).pk},
    "cases:progress": lambda w: {"pk": _case(w, w.chuzaisho_a).pk},
    "cases:told": lambda w: {"pk": _settled_case(w, w.chuzaisho_a).pk},
    "meetings:opinion_new": lambda w: {"pk": _held_meeting(w, _other_koban_council).pk},
    "meetings:activity_new": lambda w: {"pk": _other_koban_council(w).pk},
    "meetings:activity_edit": lambda w: {"pk": _activity(w, _other_koban_council).pk},
    "meetings:activity_close": lambda w: {"pk": _activity(w, _other_koban_council).pk},
    "meetings:interim_new": lambda w: {"pk": _activity(w, _other_koban_council).pk},
    "meetings:interim_record": lambda w: {"pk": _interim(w, _other_koban_council).pk},
    "meetings:information_new": lambda w: {"pk": _other_koban_council(w).pk},
    "meetings:information_report": lambda w: {"pk": _other_koban_council(w).pk},
    "meetings:contact_new": lambda w: {"pk": _other_koban_council(w).pk},
    "reports:letter": lambda w: {"pk": _other_koban_membership(w).pk},
    "reports:council_letters": lambda w: {"pk": _other_koban_council(w).pk},
    "reports:council_roster": lambda w: {"pk": _other_koban_council(w).pk},
    "reports:setup_report": lambda w: {"pk": _other_koban_council(w).pk},
    "reports:job": lambda w: {"pk": _print_job(w, council_of=_other_koban_council).pk},
    "reports:job_download": lambda w: {"pk": _print_job(w, done=True, council_of=_other_koban_council).pk},
    "meetings:edit": lambda w: {"pk": _meeting(w, _other_koban_council).pk},
    "meetings:hold": lambda w: {"pk": _meeting(w, _other_koban_council).pk},
    "meetings:cancel": lambda w: {"pk": _meeting(w, _other_koban_council).pk},
    "meetings:attendance": lambda w: {"pk": _meeting(w, _other_koban_council).pk},
    "meetings:materials": lambda w: {"pk": _meeting(w, _other_koban_council).pk},
    "reports:good_practice_edit": lambda w: {"pk": _good_practice(w, koban=w.chuzaisho_a).pk},
    "network:contact_edit": lambda w: {"pk": _contact(w, w.chuzaisho_a).pk},
    "network:contact_consent": lambda w: {"pk": _contact(w, w.chuzaisho_a).pk},
    # A koban chief works on the imports of the officers of the own koban only (ImportRun.koban_scope).
    "imports:detail": lambda w: {"pk": _import_run(w, by="community_section").pk},
    "imports:preview": lambda w: {"pk": _import_run(w, by="community_section").pk},
}

# URLs with a parameter that koban-level roles open station-wide, because they only read the object (reads stay
# station-wide), because it is their own whatever the koban (a notice addressed to them), or because it is no record
# (a postal code look-up).
KOBAN_UNSCOPED = {
    "people:postal",
    "org:station",
    "org:koban",
    "people:detail",
    "councils:detail",
    "councils:bylaws_download",
    "cases:detail",
    "network:exchange_detail",  # a read: exchanges are shared station-wide (N3.1ウ)
    "meetings:council_activities",
    "meetings:activity",
    "meetings:council_information",
    "meetings:information_file",
    "meetings:council_contacts",
    "councils:notice_read",
    "notify:read",  # the officer's own notification, whatever the koban
    "reports:meeting_report",  # Form 3 is a read of the meeting record, as the meeting page is
    "meetings:detail",
    "meetings:material_download",
    "reports:batch",  # the parameter is a document kind, no record; the kind checks each posted object's koban
    "reports:report_submit",  # POST only; the kind's may_submit checks the object's koban (tested in reports)
    "reports:submission",  # a read; deciding is for station and HQ roles only
    "reports:good_practice",  # reads: good practice is shared station-wide
    "reports:good_practice_attachment",
    # Safety information is shared station-wide: reads, and the distribution page offers a koban chief only the
    # contact persons of their own koban; resend and the sharing note check each delivery's koban (POST only; tested
    # in the network tests).
    "network:info_detail",
    "network:info_attachment",
    "network:info_distribute",
    "network:distribution_detail",
    "network:distribution_resend",
    "network:delivery_shared",
    "network:safety_meeting_detail",  # a read: every officer of the station reads the station's 地域安全の会
    "network:contact_detail",  # a read: the list is shared station-wide (N2.4)
    "imports:commit",  # POST only; the same koban check as the preview (tested in the imports tests)
    "imports:template",  # the parameter is a kind of roster, no record
    "imports:export",  # a kind of roster; the station's records in the import layout, a read like the lists
    "figures:summary_station",  # reads: a station's and a council's summary figures
    "figures:summary_council",
}

# Screens of the routing of reports and of good practice: no civilian's personal data, so not exports.
ROUTING_URLS = {
    name
    for name in URLS
    if name.startswith("reports:")
    and name.split(":")[1].startswith(("decisions", "report_submit", "submission", "good_practice"))
}


def test_every_object_url_of_koban_roles_is_koban_scoped_or_a_read():
    """X2: a new URL koban-level roles may open with an object fails here until someone decides its koban scope."""
    undecided = [
        name
        for name, spec in URLS.items()
        if spec[0] is not _none
        and not isinstance(spec[1], str)
        and spec[1] & KOBAN_ROLES
        and name not in OTHER_KOBAN
        and name not in KOBAN_UNSCOPED
    ]
    assert not undecided, f"URLs without a koban scope decision: {undecided}"
    assert not set(OTHER_KOBAN) & KOBAN_UNSCOPED


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(OTHER_KOBAN))
def test_koban_roles_may_not_change_another_kobans_records(name, world, client_for):
    """X2: koban-level roles get 403/404 on an object of another koban of their own station; others may open it."""
    from django.urls import reverse

    url = reverse(name, kwargs=OTHER_KOBAN[name](world))
    for role in sorted(KOBAN_ROLES):
        status = client_for(role).get(url).status_code
        assert status in (403, 404), f"{role} on {url} (another koban): {status}"
    ok = URLS[name][3] if len(URLS[name]) > 3 else 200
    for role in sorted(URLS[name][1] - KOBAN_ROLES):
        assert client_for(role).get(url).status_code == ok, f"{role} on {url}"


# --- Who sees which personal data (X2) -------------------------------------------------------------------------------

# The personal data a role's user sees on a council page, for a member whose details are distinctive strings.
# Name and post: everyone who may see the council. Reading, age, occupation, employer: only with the people
# permission. Address, postal code, phone and e-mail: on the person page only, never on council pages.
ON_DUTY = {"name", "post"}
PERSONAL = {"reading", "age", "occupation", "organisation", "gender"}
COUNCIL_PAGE_SHOWS = {role: ON_DUTY | (PERSONAL if role in PEOPLE_READERS else set()) for role in ROLES}
NEVER_ON_COUNCIL_PAGES = {"phone", "address", "postal_code", "email"}


def _council_with_distinctive_members(world):
    """Three members who are all 養蜂業ZQ, all women in their seventies: the composition findings name those too."""
    import datetime

    from liaison.councils.models import Council, Membership
    from liaison.people.models import Person

    council = Council.objects.create(
        station=world.station_a, name="秘密町連絡協議会", established_on=datetime.date(2025, 4, 1)
    )
    council.kobans.add(world.koban_a)
    for i, (family, kana) in enumerate([("秘田", "ヒメタヌキ"), ("隠岐", "オキノシマ"), ("伏見", "フシミヤマ")]):
        person = Person.objects.create(
            station=world.station_a,
            family_name=family,
            given_name="匿子",
            family_kana=kana,
            given_kana="トクコ",
            birth_date=datetime.date(1950, 1, 1 + i),
            gender=Person.Gender.FEMALE,
            occupation="養蜂業ZQ",
            organisation="ZQ養蜂組合",
            organisation_title="理事ZQ",
            postal_code="9899999",
            address_prefecture="宮城県",
            address_city="秘密市",
            address_town="隠れ町ZQ",
            address_rest="9-9-9",
            phone="0229990001",
            email="zq@example.jp",
        )
        Membership.objects.create(
            council=council,
            person=person,
            station=world.station_a,
            post=Membership.Post.CHAIR if i == 0 else Membership.Post.MEMBER,
            start_date=datetime.date(2025, 4, 1),
            end_date=datetime.date(2099, 3, 31),
        )
    return council


def _shown_fields(page: str, age: int) -> set[str]:
    markers = {
        "name": "秘田 匿子",
        "post": "会長",
        "reading": "ヒメタヌキ",
        "age": f'data-label="年齢">{age}</td>',
        "occupation": "養蜂業ZQ",
        "organisation": "ZQ養蜂組合",
        "gender": "全員女性",
        "phone": "0229990001",
        "postal_code": "9899999",
        "address": "隠れ町ZQ",
        "email": "zq@example.jp",
    }
    return {field for field, marker in markers.items() if marker in page}


@pytest.mark.django_db
def test_each_role_sees_only_its_personal_data_on_council_pages(world, client_for):
    """X2: the council page and the council list show each role exactly the personal fields the access module allows."""
    from django.urls import reverse

    from liaison.lib.dates import today_tokyo

    council = _council_with_distinctive_members(world)
    age = council.memberships.get(post="chair").person.age(today_tokyo())
    for role in ROLES:
        client = client_for(role)
        detail = client.get(reverse("councils:detail", args=[council.pk])).content.decode()
        assert _shown_fields(detail, age) == COUNCIL_PAGE_SHOWS[role], role
        listing = client.get(reverse("councils:list")).content.decode()
        hidden_on_list = (PERSONAL | NEVER_ON_COUNCIL_PAGES) - COUNCIL_PAGE_SHOWS[role]
        assert not _shown_fields(listing, age) & hidden_on_list, role
        # A link to the person page only for those who may open it.
        assert (reverse("people:detail", args=[council.memberships.first().person_id]) in detail) == (
            role in PEOPLE_READERS
        ), role
    # 本部各所属 sees every station's councils, and still only names and posts.
    assert COUNCIL_PAGE_SHOWS["hq_staff"] == ON_DUTY


# Documents of the reports app that hold no resident's personal fields: Form 3 reports a meeting (counts of members,
# officers by name, the opinions and answers), and everyone who may see the meeting may print it.
NOT_PERSONAL_REPORTS = {"reports:meeting_report"}
# The 連絡員一覧表 (N2.4) is read by every section and HQ: its columns follow personal_data.may_see for the reader
# (name, roles, area and koban for all; phone, e-mail, address only with the people permission), as on the screen.
FIELDS_BY_READER_REPORTS = {"reports:contact_list_pdf"}


def test_exports_of_personal_data_need_the_people_permission():
    """X2: rosters and Forms 1/2 are exports of every personal field: only PRINT_FORMS opens them, and every role
    holding PRINT_FORMS also holds the people permission."""
    from liaison.access.permissions import ROLE_PERMISSIONS, Perm

    for role, perms in ROLE_PERMISSIONS.items():
        if Perm.PRINT_FORMS in perms:
            assert Perm.VIEW_PEOPLE in perms, role
    reports = [
        (name, p)
        for name, p in app_urls()
        if name.startswith("reports:") and name not in NOT_PERSONAL_REPORTS | ROUTING_URLS | FIELDS_BY_READER_REPORTS
    ]
    assert reports
    for name, pattern in reports:
        assert Perm.PRINT_FORMS in pattern.callback.access_rule, name
        assert URLS[name][1] <= PEOPLE_READERS, name
