"""Print jobs of any document kind: ``membership_ids`` becomes ``object_ids``; ``kind`` names a registered kind."""

from django.db import migrations, models


def membership_ids_to_object_ids(apps, schema_editor):
    PrintJob = apps.get_model("reports", "PrintJob")
    for job in PrintJob.objects.only("pk", "membership_ids"):
        PrintJob.objects.filter(pk=job.pk).update(object_ids=job.membership_ids)


def object_ids_to_membership_ids(apps, schema_editor):
    # Before this migration a job could only be Form 1; jobs of later kinds have nothing to go back to, and the older
    # code could not check who may print their objects, so they go.
    PrintJob = apps.get_model("reports", "PrintJob")
    PrintJob.objects.exclude(kind="form1").delete()
    for job in PrintJob.objects.only("pk", "object_ids"):
        PrintJob.objects.filter(pk=job.pk).update(membership_ids=job.object_ids)


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0002_worker_heartbeat"),
    ]

    operations = [
        migrations.AlterField(
            model_name="printjob",
            name="kind",
            field=models.CharField(max_length=40, verbose_name="種類"),
        ),
        migrations.AddField(
            model_name="printjob",
            name="object_ids",
            field=models.JSONField(default=list, verbose_name="印刷する対象"),
        ),
        migrations.RunPython(membership_ids_to_object_ids, object_ids_to_membership_ids),
        migrations.RemoveField(
            model_name="printjob",
            name="membership_ids",
        ),
    ]
