"""X2 (issue 12): the audit log is a hash chain, so a rewritten, deleted or truncated entry shows in verify_audit;
and the database refuses DELETE on both engines."""

import threading

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, connections, transaction

from liaison.audit.chain import GENESIS, entry_hash, values_of
from liaison.audit.log import record
from liaison.audit.models import AuditChainHead, AuditEntry
from liaison.audit.verify import verify_chain

pytestmark = pytest.mark.django_db


def _write(world, count: int) -> list[AuditEntry]:
    user = world.user("station_chief")
    return [record(user=user, action="test.write", summary=f"記録{i}", station=world.station_a) for i in range(count)]


def _lift_triggers():
    """What an intruder with the owner's rights (or a raw-SQL bug on SQLite's file) could do first."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("DROP TRIGGER audit_entry_no_update ON audit_auditentry")
        else:
            cursor.execute("DROP TRIGGER audit_entry_no_update")
            cursor.execute("DROP TRIGGER audit_entry_no_delete")


def _verify_audit() -> str:
    with pytest.raises(CommandError) as refused:
        call_command("verify_audit")
    return str(refused.value)


def test_x2_entries_form_an_unbroken_chain_and_verify_audit_says_ok(world, capsys):
    entries = _write(world, 3)
    chain = list(AuditEntry.objects.order_by("seq"))
    assert chain[0].previous_hash == GENESIS and chain[0].seq == 1
    for before, after in zip(chain, chain[1:], strict=False):
        assert after.previous_hash == before.hash and after.seq == before.seq + 1
    # The stored row (as read back) hashes to what was written: time, address and detail survive the round trip.
    assert all(entry_hash(values_of(e), e.previous_hash) == e.hash for e in chain)
    head = AuditChainHead.objects.get()
    assert (head.count, head.last_hash) == (len(chain), entries[-1].hash)
    call_command("verify_audit")
    assert f"audit chain OK: {len(chain)} entries" in capsys.readouterr().out


def test_x2_hash_survives_the_database_round_trip_of_odd_values(world):
    from liaison.audit.middleware import current_ip

    token = current_ip.set("::FFFF:10.0.0.1")  # an address PostgreSQL's inet writes back in another form
    try:
        record(user=None, action="test.odd", summary="値", detail={"b": [1.0, 1e20, "é"], "a": {"z": None, "y": 0.1}})
    finally:
        current_ip.reset(token)
    token = current_ip.set("not-an-address")  # a forged X-Forwarded-For: kept out, the entry still written
    try:
        forged = record(user=None, action="test.forged", summary="値")
    finally:
        current_ip.reset(token)
    assert AuditEntry.objects.get(pk=forged.pk).ip_address is None
    assert verify_chain().ok


def test_x2_raw_update_with_the_trigger_dropped_is_named_as_rewritten(world):
    entries = _write(world, 4)
    _lift_triggers()
    with connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditentry SET summary = %s WHERE id = %s", ["改ざん", entries[1].pk])
    message = _verify_audit()
    assert "rewritten" in message and f"entry {entries[1].pk} " in message


def test_x2_rewriting_an_entry_and_its_hash_is_named_at_the_next_link(world):
    entries = _write(world, 4)
    _lift_triggers()
    forged = AuditEntry.objects.get(pk=entries[1].pk)
    forged.summary = "改ざん"
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE audit_auditentry SET summary = %s, hash = %s WHERE id = %s",
            ["改ざん", entry_hash(values_of(forged), forged.previous_hash), forged.pk],
        )
    verdict = verify_chain()
    assert verdict.first_break.kind == "missing" and verdict.first_break.entry_id == entries[2].pk


def test_x2_raw_delete_of_a_middle_entry_is_named_as_missing(world):
    entries = _write(world, 5)
    _lift_triggers()
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditentry WHERE id = %s", [entries[2].pk])
    message = _verify_audit()
    assert "missing" in message and f"entry {entries[3].pk} " in message  # the entry after the hole


def test_x2_deleting_the_newest_entries_is_named_as_truncated(world):
    entries = _write(world, 5)
    _lift_triggers()
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditentry WHERE id >= %s", [entries[3].pk])
    message = _verify_audit()
    assert "truncated" in message and "entries" in message
    verdict = verify_chain()
    assert verdict.first_break.kind == "truncated" and verdict.count == AuditEntry.objects.count()


@pytest.mark.skipif("connection.vendor != 'postgresql'", reason="TRUNCATE is PostgreSQL's")
def test_x2_truncate_by_the_owner_on_postgresql_is_named_as_truncated(world):
    _write(world, 3)
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # the test's own inserts leave foreign-key checks pending
        cursor.execute("TRUNCATE audit_auditentry")  # row triggers do not fire on TRUNCATE
    assert AuditEntry.objects.count() == 0
    assert "truncated" in _verify_audit()


def test_x2_a_deleted_chain_head_is_named(world):
    _write(world, 2)
    AuditChainHead.objects.all().delete()
    assert "head" in _verify_audit()
    with pytest.raises(AuditChainHead.DoesNotExist):  # and nothing more is written on a chain without its head
        _write(world, 1)


def test_x2_database_refuses_delete_even_in_raw_sql_on_both_engines(world):
    """SQLite now refuses DELETE by trigger, as PostgreSQL did."""
    entry = _write(world, 1)[0]
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditentry WHERE id = %s", [entry.pk])
    assert AuditEntry.objects.filter(pk=entry.pk).exists()
    assert verify_chain().ok


@pytest.mark.django_db(transaction=True)
def test_x2_flush_leaves_an_empty_valid_chain(world):
    """The deliberate wipe (the test runner's flush between transactional tests) lifts the SQLite trigger for itself."""
    _write(world, 2)
    call_command("flush", interactive=False, verbosity=0)
    assert AuditEntry.objects.count() == 0
    assert verify_chain().ok
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'audit_entry_%'")
            assert {name for (name,) in cursor.fetchall()} == {"audit_entry_no_update", "audit_entry_no_delete"}


@pytest.mark.skipif("connection.vendor != 'postgresql'", reason="SQLite lets one writer at a time anyway")
@pytest.mark.django_db(transaction=True)
def test_x2_two_transactions_appending_at_once_chain_one_after_the_other(world):
    """Each writer holds the chain head from its append to its commit; the second waits and chains on the first."""
    user_id = world.user("station_chief").pk
    first_appended, errors = threading.Event(), []

    def writer(label, hold):
        from django.contrib.auth import get_user_model

        try:
            with transaction.atomic():
                record(user=get_user_model().objects.get(pk=user_id), action="test.race", summary=label)
                if hold:
                    first_appended.set()
                    threading.Event().wait(0.5)  # still in the transaction: the other writer must wait
        except Exception as exc:  # noqa: BLE001 — reported below
            errors.append(exc)
        finally:
            connections.close_all()

    first = threading.Thread(target=writer, args=("一", True))
    first.start()
    first_appended.wait(5)
    second = threading.Thread(target=writer, args=("二", False))
    second.start()
    first.join(10)
    second.join(10)
    assert errors == []
    race = list(AuditEntry.objects.filter(action="test.race").order_by("seq"))
    assert [e.summary for e in race] == ["一", "二"]
    assert race[1].previous_hash == race[0].hash
    assert verify_chain().ok


@pytest.mark.django_db(transaction=True)
def test_x2_migration_chains_the_entries_written_before_the_chain(world):
    from django.db.migrations.executor import MigrationExecutor

    try:
        executor = MigrationExecutor(connection)
        executor.migrate([("audit", "0002_refuse_changes_in_database")])
        OldEntry = executor.loader.project_state([("audit", "0002_refuse_changes_in_database")]).apps.get_model(
            "audit", "AuditEntry"
        )
        old = [
            OldEntry.objects.create(user_label="佐藤", kind="write", action="old", summary=f"昔の記録{i}")
            for i in range(3)
        ]
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())
        chained = list(AuditEntry.objects.order_by("seq"))
        assert [(e.pk, e.seq) for e in chained] == [(o.pk, i) for i, o in enumerate(old, start=1)]
        assert verify_chain().ok
        _write(world, 1)  # and the app chains on from them
        assert verify_chain().ok and AuditEntry.objects.order_by("seq").last().seq == 4
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())
