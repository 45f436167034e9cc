"""The fields of the audit hash chain (filled for existing entries by the next migration), the chain head and the
kind of entry that records a refused request."""

from django.db import migrations, models


def refuse_update(apps, schema_editor):
    # Runs only backwards: SQLite rebuilds the table to drop the fields, which drops its trigger with it.
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(
            "CREATE TRIGGER IF NOT EXISTS audit_entry_no_update BEFORE UPDATE ON audit_auditentry"
            " BEGIN SELECT RAISE(ABORT, 'audit entries cannot be changed'); END"
        )


class Migration(migrations.Migration):
    dependencies = [("audit", "0002_refuse_changes_in_database")]

    operations = [
        migrations.RunPython(migrations.RunPython.noop, refuse_update),
        migrations.AddField(
            model_name="auditentry",
            name="seq",
            field=models.PositiveBigIntegerField(null=True, verbose_name="通し番号"),
        ),
        migrations.AddField(
            model_name="auditentry",
            name="previous_hash",
            field=models.CharField(default="", max_length=64, verbose_name="前の記録のハッシュ"),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="auditentry",
            name="hash",
            field=models.CharField(default="", max_length=64, verbose_name="ハッシュ"),
            preserve_default=False,
        ),
        migrations.AlterField(
            model_name="auditentry",
            name="kind",
            field=models.CharField(
                choices=[("write", "変更"), ("view", "閲覧"), ("export", "出力"), ("auth", "認証"), ("denied", "拒否")],
                max_length=10,
                verbose_name="区分",
            ),
        ),
        migrations.CreateModel(
            name="AuditChainHead",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("count", models.PositiveBigIntegerField(default=0)),
                ("last_hash", models.CharField(max_length=64)),
            ],
            options={"verbose_name": "監査記録の末尾"},
        ),
    ]
