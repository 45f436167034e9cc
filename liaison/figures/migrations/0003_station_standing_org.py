"""Each station's kobans in service and officers in post as they stand, beside its consenting contact persons; filled from
the organisation."""

from django.db import migrations, models
from django.db.models import Count


def fill(apps, schema_editor):
    StationStanding = apps.get_model("figures", "StationStanding")
    rows = {row.station_id: row for row in StationStanding.objects.all()}
    for label, column in (("org.Koban", "kobans_active"), ("org.Officer", "officers_active")):
        counted = (
            apps.get_model(label).objects.filter(active=True, station__isnull=False)
            .order_by().values("station").annotate(n=Count("pk"))
        )
        for found in counted:
            row = rows.get(found["station"]) or StationStanding(station_id=found["station"])
            rows[found["station"]] = row
            setattr(row, column, found["n"])
    for row in rows.values():
        row.save()


class Migration(migrations.Migration):

    dependencies = [
        ('figures', '0002_station_standing'),
    ]

    operations = [
        migrations.AddField(
            model_name='stationstanding',
            name='kobans_active',
            field=models.PositiveIntegerField(default=0),
        ),
        migrations.AddField(
            model_name='stationstanding',
            name='officers_active',
            field=models.PositiveIntegerField(default=0),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
