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


def _none(world):
    return {}


def _person(world):
    from liaison.people.models import Person

    return Person.objects.create(
        station=world.station_a, family_name="山田", given_name="花子", family_kana="ヤマダ", given_kana="ハナコ"
    )


def _print_council(world):
    """A council of station A covering koban_a (so its koban chief may print it), with one member."""
    import datetime

    from liaison.councils.models import Council, Membership

    council = Council.objects.create(
        station=world.station_a, name="一番町交番連絡協議会", established_on=datetime.date(2025, 4, 1)
    )
    council.kobans.add(world.koban_a)
    Membership.objects.create(
        council=council,
        person=_person(world),
        station=world.station_a,
        start_date=datetime.date(2025, 4, 1),
        end_date=datetime.date(2099, 3, 31),
    )
    return council


def _print_job(world, done=False):
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    from liaison.reports.models import PrintJob

    council = _print_council(world)
    job = PrintJob.objects.create(
        station=world.station_a,
        requested_by=world.user("community_section"),
        membership_ids=list(council.memberships.values_list("pk", flat=True)),
        total=1,
    )
    if done:
        name = "print_jobs/url-access-test.pdf"
        if not default_storage.exists(name):
            default_storage.save(name, ContentFile(b"%PDF-1.7\n"))
        job.result.name, job.status, job.done = name, PrintJob.Status.DONE, 1
        job.save()
    return job


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
    "org:stations": (_none, STATION_READERS, False),
    "org:station": (lambda w: {"pk": w.station_a.pk}, STATION_READERS, True),
    "org:koban": (lambda w: {"pk": w.koban_a.pk}, STATION_READERS, True),
    "org:officers": (_none, STATION_READERS, False),
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
    "audit:list": (_none, {"hq_admin", "station_chief", "deputy"}, False),
    "people:list": (_none, PEOPLE_READERS, False),
    "people:detail": (lambda w: {"pk": _person(w).pk}, PEOPLE_READERS, True),
    "people:create": (_none, PEOPLE_MANAGERS, False),
    "people:edit": (lambda w: {"pk": _person(w).pk}, PEOPLE_MANAGERS, True),
    "people:public_office_new": (lambda w: {"pk": _person(w).pk}, PEOPLE_MANAGERS, True),
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
    "reports:letter": (lambda w: {"pk": _print_council(w).memberships.get().pk}, PRINTERS, True),
    "reports:council_letters": (lambda w: {"pk": _print_council(w).pk}, PRINTERS, True),
    "reports:council_roster": (lambda w: {"pk": _print_council(w).pk}, PRINTERS, True),
    "reports:setup_report": (lambda w: {"pk": _print_council(w).pk}, PRINTERS, True),
    "reports:batch_letters": (_none, PRINTERS, False, 405),  # POST only: GET is refused after the access check
    "reports:job": (lambda w: {"pk": _print_job(w).pk}, PRINTERS, True),
    "reports:job_download": (lambda w: {"pk": _print_job(w, done=True).pk}, PRINTERS, True),
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
    """X2: allowed roles get the page, others 403, logged-out users go to login; other stations get 404."""
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
        expected = ok if role in allowed else 403
        assert response.status_code == expected, f"{role} on {url}: {response.status_code}, expected {expected}"
    if hides_other_station:
        other = client_for(world.chief_b.user).get(url)
        assert other.status_code == 404, f"station B chief on {url}: {other.status_code}"
