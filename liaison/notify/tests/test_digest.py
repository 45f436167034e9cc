"""Issue 13: each officer's to-do items become notifications that appear and resolve with the records behind them,
and the daily digest (``manage.py send_digest`` and the worker's task) e-mails each item once, through a real SMTP
server started by the test."""

import datetime

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_tasks_db.models import DBTaskResult

from liaison.councils import actions as council_actions
from liaison.lib.dates import today_tokyo
from liaison.network.actions.contacts import consent_change, contact_create
from liaison.notify import actions
from liaison.notify.models import Notification
from liaison.org.models import Officer
from liaison.testing import make_council_with_members, make_person

pytestmark = pytest.mark.django_db


def run_worker() -> int:
    """Run the queued tasks as the worker does, in this test's connection (the real ``db_worker`` closes its
    connection when it stops, which would end the test's transaction on PostgreSQL); a task that raises is done
    with, as the worker marks it failed."""
    ran = 0
    for result in list(DBTaskResult.objects.ready()):
        try:
            result.task.call(*result.args_kwargs["args"], **result.args_kwargs["kwargs"])
        except Exception:  # noqa: BLE001 (the worker records the failure and goes on)
            pass
        DBTaskResult.objects.filter(pk=result.pk).delete()
        ran += 1
    return ran


def digest():
    call_command("send_digest", stdout=open("/dev/null", "w"))  # noqa: SIM115


def with_email(officer, address=None):
    officer.user.email = address or f"{officer.user.username}@police.example.jp"
    officer.user.save(update_fields=["email"])
    return officer


def keys(officer, **filters) -> set[str]:
    return set(Notification.objects.filter(officer=officer, **filters).values_list("key", flat=True))


def _end_members(council, n, user):
    ended_on = today_tokyo() - datetime.timedelta(days=1)
    for membership in council.memberships.order_by("-pk")[:n]:
        council_actions.membership_end(membership=membership, ended_on=ended_on, reason="resigned", acting_user=user)


def _appoint(council, n, user):
    for i in range(n):
        person = make_person(council.station, "新任", f"委員{i}", "シンニン", "イイン")
        council_actions.membership_appoint(
            council=council, person=person, start_date=today_tokyo() - datetime.timedelta(days=1), acting_user=user
        )


def test_issue13_a_council_losing_members_notifies_its_chief_and_resolves_when_filled(world):
    """C6.1 as a to-do item: a council falling below the minimum of members appears in the notifications of its
    station's chief and of the koban's chief, not station B's chief; appointing members marks it resolved; losing
    them again brings it back unread and not e-mailed."""
    user = world.user("community_section")
    council, _people = make_council_with_members(world, world.koban_a, acting_user=user)
    chief, koban_chief = world.officers["station_chief"], world.officers["koban_chief"]
    size = f"councils:{council.pk}:size"
    digest()
    assert size not in keys(chief)

    _end_members(council, 4, user)
    digest()
    assert size in keys(chief, resolved_at__isnull=True) and size in keys(koban_chief, resolved_at__isnull=True)
    assert not keys(world.chief_b, key__startswith=f"councils:{council.pk}:")
    text = Notification.objects.get(officer=chief, key=size).text
    assert council.name in text and "C6.1" in text

    _appoint(council, 2, user)
    digest()
    assert size in keys(chief, resolved_at__isnull=False) and size in keys(koban_chief, resolved_at__isnull=False)

    Notification.objects.filter(officer=chief, key=size).update(
        read_at=datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC)
    )
    _end_members(council, 1, user)
    digest()
    back = Notification.objects.get(officer=chief, key=size)
    assert (back.resolved_at, back.read_at, back.emailed_at) == (None, None, None)


def test_issue13_digest_run_twice_mails_each_item_once(world, smtp):
    """The command run twice (and twice before the worker ran) queues one task per officer; each item is e-mailed
    once, in a Japanese mail with absolute links, to the officers with an address only."""
    user = world.user("community_section")
    council, _people = make_council_with_members(world, world.koban_a, acting_user=user, count=3)
    chief = with_email(world.officers["station_chief"])
    digest()
    digest()
    assert DBTaskResult.objects.ready().count() == 1
    run_worker()
    digest()
    run_worker()

    assert len(smtp.messages) == 1
    mail = smtp.messages[0]
    assert mail["To"] == chief.user.email and "新しいお知らせ" in mail["Subject"]
    body = smtp.bodies()[0]
    assert council.name in body and f"https://liaison.example.jp/councils/{council.pk}/" in body
    assert "https://liaison.example.jp/notify/" in body
    open_items = Notification.objects.filter(officer=chief, resolved_at__isnull=True)
    assert open_items.exists() and not open_items.filter(emailed_at__isnull=True).exists()
    assert all(n.text in body for n in open_items)

    second, _people = make_council_with_members(world, world.chuzaisho_a, acting_user=user, count=2)
    digest()
    run_worker()
    assert len(smtp.messages) == 2  # only the new council's items, once
    assert second.name in smtp.bodies()[1] and f"councils/{council.pk}/" not in smtp.bodies()[1]


def test_issue13_email_off_sends_nothing_and_keeps_the_notifications(world, smtp):
    make_council_with_members(world, world.koban_a, acting_user=world.user("community_section"), count=3)
    chief = with_email(world.officers["station_chief"])
    actions.digest_preference_set(officer=chief, email=False)
    digest()
    assert not DBTaskResult.objects.ready().exists()
    run_worker()
    assert smtp.messages == []
    assert Notification.objects.filter(officer=chief, emailed_at__isnull=True).exists()

    actions.digest_preference_set(officer=chief, email=True)
    digest()
    run_worker()
    assert len(smtp.messages) == 1


def test_issue13_each_officer_gets_items_of_their_own_scope_only(world, smtp):
    """Station A's council and its koban's missing council reach station A's officers, never station B's chief;
    station B's koban without a council reaches station B's chief, never station A's."""
    make_council_with_members(world, world.koban_a, acting_user=world.user("community_section"), count=3)
    chief_a = with_email(world.officers["station_chief"], "a@police.example.jp")
    chief_b = with_email(world.chief_b, "b@police.example.jp")
    digest()
    run_worker()
    by_address = {m["To"]: b for m, b in zip(smtp.messages, smtp.bodies(), strict=True)}
    assert set(by_address) == {"a@police.example.jp", "b@police.example.jp"}
    assert "一番町交番連絡協議会" in by_address["a@police.example.jp"]
    assert "作並駐在所" in by_address["a@police.example.jp"] and "泉中央交番" not in by_address["a@police.example.jp"]
    assert "泉中央交番" in by_address["b@police.example.jp"]
    assert "一番町" not in by_address["b@police.example.jp"] and "作並" not in by_address["b@police.example.jp"]
    assert f"coverage:{world.koban_b.pk}:no_council" in keys(chief_b)
    assert f"coverage:{world.koban_b.pk}:no_council" not in keys(chief_a)


def _contact(world, family, given):
    user = world.user("community_section")
    person = make_person(world.station_a, family, given, "タイニン", "ハナコ")
    contact = contact_create(
        station=world.station_a, person=person, values={"koban": world.koban_a, "source": "group"}, acting_user=user
    )
    contact = consent_change(contact=contact, consent="asked", on=datetime.date(2025, 1, 5), acting_user=user)
    return consent_change(
        contact=contact, consent="consented", on=datetime.date(2025, 1, 10), method="in_person", acting_user=user
    )


def test_n4_2_a_contact_person_who_withdrew_or_declined_never_appears_in_mail_or_notifications(world, smtp, client_for):
    """N4.2: the stale-contact item names nobody; once the only stale contact person withdraws it is resolved, and
    neither the withdrawn person nor one who declined appears in any notification, mail or the notifications page."""
    user = world.user("community_section")
    chief = with_email(world.officers["station_chief"])
    withdrawn = _contact(world, "退任", "花子")
    declined_person = make_person(world.station_a, "辞退", "次郎", "ジタイ", "ジロウ")
    declined = contact_create(
        station=world.station_a,
        person=declined_person,
        values={"koban": world.koban_a, "source": "group"},
        acting_user=user,
    )
    consent_change(contact=declined, consent="asked", on=datetime.date(2025, 1, 5), acting_user=user)
    consent_change(contact=declined, consent="declined", on=datetime.date(2025, 1, 6), acting_user=user)
    digest()
    run_worker()
    assert "network:stale_contacts" in keys(chief, resolved_at__isnull=True)

    consent_change(contact=withdrawn, consent="withdrawn", on=today_tokyo(), acting_user=user)
    digest()
    run_worker()
    assert "network:stale_contacts" in keys(chief, resolved_at__isnull=False)
    page = client_for("station_chief").get("/notify/").content.decode()
    texts = list(Notification.objects.values_list("text", flat=True)) + smtp.bodies() + [page]
    for name in ("退任", "花子", "辞退", "次郎"):
        assert not any(name in text for text in texts), name


def test_issue13_a_refusal_of_the_mail_server_is_retried_and_the_digest_sent_once(world, smtp):
    """The task tries the mail server again after a temporary refusal: one mail, the items marked e-mailed."""
    make_council_with_members(world, world.koban_a, acting_user=world.user("community_section"), count=3)
    chief = with_email(world.officers["station_chief"])
    smtp.refuse = 1
    digest()
    run_worker()
    assert len(smtp.messages) == 1 and smtp.refuse == 0
    assert not Notification.objects.filter(officer=chief, emailed_at__isnull=True).exists()
    digest()
    run_worker()
    assert len(smtp.messages) == 1


def test_issue13_a_digest_that_failed_every_attempt_is_sent_by_the_next_run(world, smtp, settings):
    """Resumable: when every attempt is refused the items stay unsent (not lost, not marked), and the next run sends
    them once; an officer whose mail went through is not mailed again."""
    make_council_with_members(world, world.koban_a, acting_user=world.user("community_section"), count=3)
    chief = with_email(world.officers["station_chief"])
    smtp.refuse = settings.DIGEST_SEND_ATTEMPTS
    digest()
    run_worker()
    assert smtp.messages == [] and smtp.refuse == 0
    assert not Notification.objects.filter(officer=chief, emailed_at__isnull=False).exists()
    with_email(world.officers["deputy"])
    digest()
    run_worker()
    assert sorted(m["To"] for m in smtp.messages) == sorted([chief.user.email, world.user("deputy").email])
    digest()
    run_worker()
    assert len(smtp.messages) == 2


def _command_queries() -> int:
    with CaptureQueriesContext(connection) as ctx:
        digest()
    return len(ctx.captured_queries)


def test_issue13_the_commands_queries_do_not_grow_with_the_number_of_items(world, smtp):
    """Efficient: the command costs a fixed number of queries per officer, whatever the number of items (one council
    needing action or four, with the same officers)."""
    user = world.user("community_section")
    with_email(world.officers["station_chief"])
    make_council_with_members(world, world.koban_a, acting_user=user, count=3, name="第一連絡協議会")
    one = _command_queries()
    items_one = Notification.objects.count()
    Notification.objects.all().delete()
    DBTaskResult.objects.all().delete()
    for name in ("第二連絡協議会", "第三連絡協議会", "第四連絡協議会"):
        make_council_with_members(world, world.koban_a, acting_user=user, count=3, name=name)
    four = _command_queries()
    assert Notification.objects.count() > items_one
    assert four == one, (one, four)
    per_officer = one / Officer.objects.count()
    assert per_officer < 25, per_officer


def test_c11_2_a_meeting_report_waiting_for_the_chief_is_notified_and_resolved_by_the_decision(world, smtp):
    """C11.2 as to-do items: Form 3 submitted by the koban staff waits for the station chief (the chief's item, not
    the deputy's: not routine; never station B's chief); the chief's return resolves it and puts the report on the
    submitter's list as returned; the submitter's correction resolves that in turn."""
    from liaison.reports import actions as report_actions
    from liaison.reports import routing
    from liaison.reports.tests.conftest import make_council
    from liaison.reports.tests.test_form3 import make_meeting

    meeting = make_meeting(make_council(world), world)
    staff, chief = world.officers["koban_staff"], with_email(world.officers["station_chief"])
    submitted = report_actions.report_submit(kind=routing.FORM3, obj=meeting, acting_user=staff.user)
    waiting, returned = f"reports:{submitted.pk}:waiting", f"reports:{submitted.pk}:returned"
    digest()
    run_worker()
    assert waiting in keys(chief, resolved_at__isnull=True)
    assert waiting not in keys(world.officers["deputy"]) and waiting not in keys(world.chief_b)
    assert f"https://liaison.example.jp/reports/submissions/{submitted.pk}/" in smtp.bodies()[0]

    report_actions.report_decide(
        submission=submitted, approve=False, comment="確認してください", acting_user=chief.user
    )
    digest()
    assert waiting in keys(chief, resolved_at__isnull=False)
    assert returned in keys(staff, resolved_at__isnull=True)

    report_actions.report_submit(kind=routing.FORM3, obj=meeting, acting_user=staff.user)
    digest()
    assert returned in keys(staff, resolved_at__isnull=False)
