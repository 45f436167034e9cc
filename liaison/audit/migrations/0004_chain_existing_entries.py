"""Chain the entries written before the hash chain existed, in id order, and create the chain head.

The UPDATE trigger is lifted for the length of this migration only (it runs in one transaction on PostgreSQL and
SQLite alike) and put back as it was.
"""

from django.db import migrations

from liaison.audit.chain import GENESIS, entry_hash, values_of

DROP = {
    "postgresql": "DROP TRIGGER IF EXISTS audit_entry_no_update ON audit_auditentry",
    "sqlite": "DROP TRIGGER IF EXISTS audit_entry_no_update",
}
RESTORE = {
    "postgresql": "CREATE TRIGGER audit_entry_no_update BEFORE UPDATE OR DELETE ON audit_auditentry"
    " FOR EACH ROW EXECUTE FUNCTION audit_entry_refuse_change()",
    "sqlite": "CREATE TRIGGER audit_entry_no_update BEFORE UPDATE ON audit_auditentry"
    " BEGIN SELECT RAISE(ABORT, 'audit entries cannot be changed'); END",
}


def chain(apps, schema_editor):
    AuditEntry = apps.get_model("audit", "AuditEntry")
    AuditChainHead = apps.get_model("audit", "AuditChainHead")
    vendor = schema_editor.connection.vendor
    if vendor in DROP:
        schema_editor.execute(DROP[vendor])
    previous, seq = GENESIS, 0
    for entry in AuditEntry.objects.order_by("pk").iterator(chunk_size=2000):
        seq += 1
        entry.seq, entry.previous_hash = seq, previous
        entry.hash = entry_hash(values_of(entry), previous)
        # The historical model has none of the refusals of the real one; a queryset update writes only these.
        AuditEntry.objects.filter(pk=entry.pk).update(seq=seq, previous_hash=previous, hash=entry.hash)
        previous = entry.hash
    AuditChainHead.objects.update_or_create(pk=1, defaults={"count": seq, "last_hash": previous})
    if vendor in RESTORE:
        schema_editor.execute(RESTORE[vendor])


def unchain(apps, schema_editor):
    apps.get_model("audit", "AuditChainHead").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("audit", "0003_hash_chain_fields")]
    operations = [migrations.RunPython(chain, unchain)]
