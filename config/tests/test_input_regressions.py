"""Input that used to answer 500: each case found by hand, kept as a plain regression test beside the fuzz test.

Dates out of any plausible range, ids too large for the database, NUL and invalid UTF-8, days that do not exist.
"""

import datetime as dt

import pytest
from django.urls import reverse

from liaison.audit.models import AuditEntry
from liaison.councils.models import Council, Membership
from liaison.org.models import Reorganisation
from liaison.people.models import Person
from liaison.testing import make_council_with_members, make_person

pytestmark = pytest.mark.django_db

HUGE = "99999999999999999999"  # more than 2**63 - 1


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def council(world):
    council, _ = make_council_with_members(world, world.koban_a, acting_user=world.user("deputy"), count=3)
    return council


def _appoint(client, council, person, start):
    return client.post(
        f"/councils/{council.pk}/appoint/", {"person": person.pk, "start_date": start, "post": "member", "save": "1"}
    )


# --- Dates -------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("start", ["9999-12-31", "0001-01-01", "1800-01-01"])
def test_appointment_start_out_of_range_is_refused_on_the_form(world, client_for, council, start):
    """X3: an appointment starting in year 9999 or before 昭和 is a form error, not a server error."""
    person = make_person(world.station_a, "新井", "聡", "アライ", "サトシ")
    response = _appoint(client_for("koban_chief"), council, person, start)
    assert response.status_code == 200
    assert "の日付を入力してください" in response.content.decode()
    assert not Membership.objects.filter(person=person).exists()


@pytest.mark.parametrize(
    ("birth", "message"),
    [("9999-12-31", "未来の日付"), ("2999-01-01", "未来の日付"), ("0001-01-01", "1900年"), ("1899-12-31", "1900年")],
)
def test_birth_date_in_the_future_or_before_1900_is_refused(world, client_for, birth, message):
    """X3: a birth date is not in the future and not before 1900."""
    response = client_for("community_section").post(
        "/people/new/",
        {
            "family_name": "未来",
            "given_name": "太郎",
            "family_kana": "ミライ",
            "given_kana": "タロウ",
            "birth_date": birth,
        },
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Person.objects.filter(family_name="未来").exists()


def test_pages_survive_a_member_born_in_the_future(world, client_for, council):
    """X3: a birth date stored before it was validated does not break the pages that show a member's age."""
    Person.objects.filter(council_memberships__council=council).update(birth_date=dt.date(9999, 12, 31))
    odd = make_person(world.station_a, "古川", "一", "フルカワ", "ハジメ", birth_date=dt.date(1, 1, 1))
    membership = Membership.objects.create(
        council=council,
        person=odd,
        station=world.station_a,
        start_date=dt.date(1800, 1, 1),
        end_date=dt.date(9999, 12, 31),
    )
    client = client_for("community_section")
    for name, kwargs in (
        ("home", {}),
        ("councils:list", {}),
        ("councils:detail", {"pk": council.pk}),
        ("people:detail", {"pk": odd.pk}),
        ("people:list", {}),
        ("councils:renewals", {}),
        ("reports:council_roster", {"pk": council.pk}),
        ("reports:setup_report", {"pk": council.pk}),
        ("reports:letter", {"pk": membership.pk}),
    ):
        url = reverse(name, kwargs=kwargs)
        assert client.get(url).status_code == 200, url


def test_a_day_that_does_not_exist_is_named_as_such(world, client_for, council):
    """X3: 2026-02-30 is "a date that does not exist", not "type it like 2025-05-20"."""
    person = make_person(world.station_a, "新井", "聡", "アライ", "サトシ")
    page = _appoint(client_for("koban_chief"), council, person, "2026-02-30").content.decode()
    assert "存在しない日付です" in page
    assert "のように入力してください" not in page


# --- Item 10: the council's 設置日 ---------------------------------------------------------------------------------


def test_council_established_in_year_1_is_refused(world, client_for):
    """X3: a 設置日 of 0001-01-01 is refused on the council form."""
    response = client_for("community_section").post(
        "/councils/new/",
        {
            "name": "古代連絡協議会",
            "kind": "jurisdiction",
            "coverage": "whole",
            "reason": "テスト",
            "established_on": "0001-01-01",
            "kobans": [world.koban_a.pk],
        },
    )
    assert response.status_code == 200
    assert not Council.objects.filter(name="古代連絡協議会").exists()


def test_appointment_before_the_council_was_established_is_refused(world, client_for, council):
    """X3: nobody is appointed to a council before its 設置日 (2010-04-01 here)."""
    person = make_person(world.station_a, "新井", "聡", "アライ", "サトシ")
    response = _appoint(client_for("koban_chief"), council, person, "2005-04-01")
    assert response.status_code == 200
    assert "設置日" in response.content.decode()
    assert not Membership.objects.filter(person=person).exists()


# --- Ids ---------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/councils/", "/org/officers/", "/audit/"])
@pytest.mark.parametrize("value", [HUGE, "9" * 5000, "²"])
def test_station_filter_with_an_impossible_id(world, client_for, path, value):
    """X3: ?station= with a number too large for the database (or not an ASCII number) is ignored."""
    assert client_for("station_chief").get(path, {"station": value}).status_code == 200


def test_huge_koban_ids_on_the_council_forms(world, client_for, council):
    """X3: huge ids posted in ``kobans`` are an ordinary "not a choice" error."""
    client = client_for("community_section")
    data = {
        "name": "巨大",
        "kind": "jurisdiction",
        "coverage": "whole",
        "reason": "テスト",
        "established_on": "2020-04-01",
    }
    for url in ("/councils/new/", f"/councils/{council.pk}/edit/"):
        response = client.post(url, {**data, "kobans": [HUGE], "version": council.version})
        assert response.status_code == 200, url
        assert "候補にありません" in response.content.decode()
    assert not Council.objects.filter(name="巨大").exists()


def test_huge_koban_ids_on_the_reorganisation_form(world, client_for):
    response = client_for("hq_admin").post(
        "/org/reorganisations/new/",
        {
            "kind": "move_kobans",
            "effective_date": "2026-04-01",
            "from_station": world.station_a.pk,
            "to_station": world.station_b.pk,
            "kobans": [HUGE],
        },
    )
    assert response.status_code == 200
    assert not Reorganisation.objects.exists()


def test_huge_ids_in_other_posted_lists(world, client_for, council):
    """X3: ``others`` on the review form, ``ids`` on the renewal workbench and the letter batch."""
    client = client_for("community_section")
    review = client.post(
        f"/councils/{council.pk}/review/",
        {"kind": "merge", "explained_on": "2026-01-10", "effective_date": "2026-04-01", "others": [HUGE]},
    )
    assert review.status_code == 200
    assert client.post("/councils/renewals/", {"ids": [HUGE, "1"]}).status_code == 302
    assert client.post("/reports/letters/batch/", {"ids": [HUGE]}).status_code == 404


@pytest.mark.parametrize("path", ["/councils/{pk}/", "/councils/{pk}/edit/", "/people/{pk}/", "/org/stations/{pk}/"])
def test_huge_id_in_the_path_is_not_found(world, client_for, path):
    assert client_for("community_section").get(path.format(pk=HUGE)).status_code == 404


# --- NUL and invalid UTF-8 ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "query", ["/people/?q=%00", "/org/officers/?q=%00", "/audit/?q=%00", "/audit/?user=%00", "/audit/?q=a%FFb"]
)
def test_nul_or_invalid_utf8_in_a_query_string_is_refused(world, client_for, query):
    """X3: NUL (which PostgreSQL cannot compare) and invalid UTF-8 get a clear 400 page before any query."""
    client = client_for("station_chief")
    before = AuditEntry.objects.count()
    response = client.get(query)
    assert response.status_code == 400
    assert "制御文字" in response.content.decode()
    assert AuditEntry.objects.count() == before


def test_nul_in_a_form_says_control_characters_cannot_be_used(world, client_for):
    response = client_for("community_section").post(
        "/people/new/",
        {"family_name": "山\x00田", "given_name": "太郎", "family_kana": "ヤマダ", "given_kana": "タロウ"},
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "制御文字は使用できません" in page and "何か文字を入力してください" not in page
    assert not Person.objects.exists()


def test_other_control_characters_are_a_field_error(world, client_for):
    response = client_for("community_section").post(
        "/people/new/",
        {"family_name": "山\x07田", "given_name": "太郎", "family_kana": "ヤマダ", "given_kana": "タロウ"},
    )
    assert response.status_code == 200
    assert "制御文字は使用できません" in response.content.decode()
    assert not Person.objects.exists()


@pytest.mark.parametrize("multipart", [False, True])
def test_invalid_utf8_in_a_posted_form_is_refused(world, client_for, multipart):
    """X3: a family name sent as invalid UTF-8 is refused, not stored as 「����」."""
    fields = [("family_name", b"\xff\xfe\xfd\xfc"), ("given_name", "太郎".encode()), ("family_kana", "ヤマダ".encode())]
    fields.append(("given_kana", "タロウ".encode()))
    client = client_for("community_section")
    if multipart:
        boundary = "BoUnDaRy"
        body = b"".join(
            b'--%s\r\nContent-Disposition: form-data; name="%s"\r\n\r\n%s\r\n' % (boundary.encode(), k.encode(), v)
            for k, v in fields
        )
        body += b"--%s--\r\n" % boundary.encode()
        response = client.post("/people/new/", body, content_type=f"multipart/form-data; boundary={boundary}")
    else:
        from urllib.parse import quote_from_bytes

        body = "&".join(f"{k}={quote_from_bytes(v)}" for k, v in fields)
        response = client.post("/people/new/", body, content_type="application/x-www-form-urlencoded")
    assert response.status_code == 400
    assert not Person.objects.exists()


@pytest.mark.parametrize(
    ("path", "param"), [("/people/", "q"), ("/org/officers/", "q"), ("/audit/", "q"), ("/audit/", "user")]
)
@pytest.mark.parametrize("term", ["x" * 100_000, "あ " * 50_000])
def test_a_very_long_search_term(world, client_for, path, param, term):
    """X3: SQLite refuses LIKE patterns over 50,000 bytes, and each word is a condition: long terms are cut."""
    assert client_for("station_chief").get(path, {param: term}).status_code == 200


def test_a_very_long_search_term_on_the_merge_page(world, client_for):
    person = make_person(world.station_a, "山田", "花子", "ヤマダ", "ハナコ")
    response = client_for("station_chief").get(reverse("people:merge", kwargs={"pk": person.pk}), {"q": "あ " * 50_000})
    assert response.status_code == 200


def test_a_very_long_login_id_is_refused_before_authentication(world, client):
    """X3: a 100,000-character login ID is a form error; it never reaches the lock-out record (255 characters)."""
    from liaison.access.models import LoginThrottle

    response = client.post(reverse("login"), {"username": "x" * 100_000, "password": "wrong"})
    assert response.status_code == 200
    assert not LoginThrottle.objects.exists()


def test_a_term_of_thousands_of_years_is_refused_in_the_settings(world, client_for, council):
    """X3: a term of 9,999 years was saved, and every appointment after it overflowed the calendar (500)."""
    from liaison.org.models import PrefectureSettings

    client = client_for("hq_admin")
    form = client.get(reverse("org:settings")).context["form"]
    data = {name: form[name].value() for name in form.fields}
    response = client.post(reverse("org:settings"), {**data, "term_years": 9999})
    assert response.status_code == 200
    assert "任期は10年以下にしてください" in response.content.decode()
    assert PrefectureSettings.current().term_years == 2
    person = make_person(world.station_a, "新井", "聡", "アライ", "サトシ")
    assert _appoint(client_for("koban_chief"), council, person, "2026-04-01").status_code == 302
