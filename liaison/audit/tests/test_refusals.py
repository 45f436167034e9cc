"""X2 (issue 12): every login, failure, lock-out, logout, password change and authorisation refusal (403, and 404 on
an existing record of another station) is in the audit log, without any resident's personal data."""

import pytest
from django.db import connection

from liaison.access.throttle import ACCOUNT, RULES
from liaison.audit.models import AuditEntry
from liaison.audit.verify import verify_chain
from liaison.testing import PASSWORD, make_person

pytestmark = pytest.mark.django_db


def _entry(action: str) -> AuditEntry:
    return AuditEntry.objects.get(action=action)


def test_x2_a_403_is_audited_with_who_where_and_what_was_asked(world, client_for):
    response = client_for("koban_staff").get("/audit/", {"q": "山田"}, REMOTE_ADDR="10.0.0.7")
    assert response.status_code == 403
    entry = _entry("access.denied")
    assert entry.kind == AuditEntry.Kind.DENIED and entry.user == world.user("koban_staff")
    assert entry.station_id == world.station_a.pk and entry.ip_address == "10.0.0.7"
    assert "GET /audit/" in entry.summary and entry.detail == {"view": "audit:list"}
    assert "山田" not in entry.summary  # the query string (a search for a resident) is not copied


def test_x2_a_404_on_another_stations_record_is_audited_without_the_residents_name(world, client_for):
    person = make_person(world.station_b, family="泉田", given="花子")
    response = client_for("station_chief").get(f"/people/{person.pk}/", REMOTE_ADDR="10.0.0.8")
    assert response.status_code == 404
    entry = _entry("access.hidden")
    assert entry.kind == AuditEntry.Kind.DENIED and entry.user == world.user("station_chief")
    assert (entry.object_type, entry.object_id) == ("people.Person", str(person.pk))
    assert entry.station_id == world.station_b.pk  # the owning station's chief sees who tried
    assert entry.detail == {"user_station": world.station_a.pk} and entry.ip_address == "10.0.0.8"
    stored = f"{entry.summary} {entry.object_label} {entry.detail}"
    assert "泉田" not in stored and "花子" not in stored and entry.personal_data is False
    assert f"#{person.pk}" in entry.summary


def test_x2_a_404_on_a_record_that_does_not_exist_is_not_a_refusal(world, client_for):
    assert client_for("station_chief").get("/people/987654321/").status_code == 404
    assert not AuditEntry.objects.filter(kind=AuditEntry.Kind.DENIED).exists()


def test_x2_a_visible_record_costs_no_extra_query_and_writes_no_refusal(world, client_for, django_assert_num_queries):
    """The existence check runs on the 404 only; a page that opens stays as it was."""
    from liaison.access.policy import get_visible_or_404
    from liaison.people.models import Person

    person = make_person(world.station_a)
    user = world.user("station_chief")
    user.officer  # noqa: B018 — loaded once, as the request's user is
    with django_assert_num_queries(1):
        get_visible_or_404(user, Person, pk=person.pk)
    assert not AuditEntry.objects.filter(kind=AuditEntry.Kind.DENIED).exists()


def test_x2_refusals_survive_a_request_whose_transaction_rolls_back(world, client_for, monkeypatch):
    """With every request in a transaction, the refusal that ends it rolls back what the view wrote; the audit entry
    is written after that, and stays."""
    monkeypatch.setitem(connection.settings_dict, "ATOMIC_REQUESTS", True)
    person = make_person(world.station_b)
    assert client_for("station_chief").get(f"/people/{person.pk}/").status_code == 404
    assert client_for("koban_staff").get("/audit/").status_code == 403
    assert set(AuditEntry.objects.filter(kind="denied").values_list("action", flat=True)) == {
        "access.hidden",
        "access.denied",
    }
    assert verify_chain().ok


def test_x2_login_failure_lock_out_and_logout_are_audited_without_the_password(world, client):
    for _ in range(RULES[ACCOUNT].free):
        client.post("/accounts/login/", {"username": "deputy", "password": "wrong-secret-1"}, REMOTE_ADDR="10.0.0.5")
    response = client.post("/accounts/login/", {"username": "deputy", "password": PASSWORD}, REMOTE_ADDR="10.0.0.5")
    assert response.status_code == 429
    failed = AuditEntry.objects.filter(action="auth.failed")
    assert failed.count() == RULES[ACCOUNT].free
    locked = AuditEntry.objects.filter(action="auth.locked_out")
    assert locked.count() == 2  # when the limit is reached, and the attempt refused while locked out
    assert all("deputy" in e.summary and e.kind == "auth" and e.ip_address == "10.0.0.5" for e in locked)
    every = " ".join(f"{e.summary} {e.detail}" for e in AuditEntry.objects.all())
    assert "wrong-secret-1" not in every and PASSWORD not in every

    client.post("/accounts/login/", {"username": "station_chief", "password": PASSWORD})
    assert _entry("auth.login").user == world.user("station_chief")
    client.post("/accounts/logout/")
    logout = _entry("auth.logout")
    assert logout.user == world.user("station_chief") and logout.station_id == world.station_a.pk


def test_x2_a_password_change_is_audited(world, client_for):
    new = "Another-long-pass-9"
    response = client_for("deputy").post(
        "/accounts/password/", {"old_password": PASSWORD, "new_password1": new, "new_password2": new}
    )
    assert response.status_code == 302
    entry = _entry("auth.password_change")
    assert entry.user == world.user("deputy") and entry.kind == "auth" and new not in str(entry.detail)


def test_x2_the_audit_list_shows_refusals_and_sign_ins_with_their_kind(world, client_for):
    person = make_person(world.station_b)
    client_for("station_chief").get(f"/people/{person.pk}/")
    client_for("koban_staff").get("/audit/")
    page = client_for("hq_admin").get("/audit/", {"kind": "denied"}).content.decode()
    assert "他の警察署の記録" in page and "権限のない操作を拒否しました" in page and "拒否" in page
    page = client_for(world.chief_b.user).get("/audit/").content.decode()
    assert "他の警察署の記録" in page  # the owning station sees the attempt on its record
