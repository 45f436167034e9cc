"""Issue 13: the notifications page: an officer's own notifications only, unread first, resolved struck through,
marked read one by one or all (POST), the digest e-mail switch, and the unread count in the header."""

import re

import pytest
from django.utils import timezone

from liaison.notify.models import DigestPreference, Notification

pytestmark = pytest.mark.django_db


def _note(officer, key, text, **extra):
    return Notification.objects.create(
        officer=officer, key=key, text=text, url="/councils/", created_at=timezone.now(), **extra
    )


def test_issue13_the_page_lists_only_the_officers_own_notifications_unread_first(world, client_for):
    chief = world.officers["station_chief"]
    _note(chief, "a", "既読のお知らせ", read_at=timezone.now())
    _note(chief, "b", "未読のお知らせ")
    _note(chief, "c", "解消したお知らせ", resolved_at=timezone.now())
    _note(world.officers["deputy"], "d", "副署長のお知らせ")
    page = client_for("station_chief").get("/notify/").content.decode()
    assert page.index("未読のお知らせ") < page.index("既読のお知らせ") < page.index("解消したお知らせ")
    assert "<del>解消したお知らせ</del>" in page and "副署長のお知らせ" not in page


def test_issue13_another_officers_notification_is_not_found(world, client_for):
    """Marking read another officer's notification answers 404, as a missing one, and changes nothing."""
    theirs = _note(world.officers["deputy"], "d", "副署長のお知らせ")
    assert client_for("station_chief").post(f"/notify/{theirs.pk}/read/").status_code == 404
    assert client_for(world.chief_b.user).post(f"/notify/{theirs.pk}/read/").status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_issue13_mark_one_and_all_read_and_the_header_count(world, client_for):
    chief = world.officers["station_chief"]
    one, two, three = (_note(chief, k, f"お知らせ{k}") for k in "xyz")
    _note(world.officers["deputy"], "w", "副署長のお知らせ")
    client = client_for("station_chief")
    assert 'aria-label="未読3件">3</span>' in client.get("/").content.decode()
    assert client.post(f"/notify/{one.pk}/read/").status_code == 302
    assert list(Notification.objects.filter(officer=chief, read_at__isnull=True).order_by("key")) == [two, three]
    assert 'aria-label="未読2件">2</span>' in client.get("/notify/").content.decode()
    client.post("/notify/read/")
    assert not Notification.objects.filter(officer=chief, read_at__isnull=True).exists()
    assert Notification.objects.filter(read_at__isnull=True).count() == 1  # the deputy's
    assert 'class="badge' not in client.get("/notify/").content.decode()


def _email_checked(client) -> bool:
    return bool(re.search(r'<input[^>]*name="email"[^>]*checked', client.get("/notify/").content.decode()))


def test_issue13_the_officer_turns_the_digest_email_off_and_on(world, client_for):
    chief = world.officers["station_chief"]
    client = client_for("station_chief")
    assert _email_checked(client)
    client.post("/notify/email/", {})
    assert DigestPreference.objects.get(officer=chief).email is False
    assert not _email_checked(client)
    client.post("/notify/email/", {"email": "on"})
    assert DigestPreference.objects.get(officer=chief).email is True
