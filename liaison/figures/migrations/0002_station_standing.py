"""The consenting contact persons of each station as they stand (``StationStanding``), filled from the contact persons."""

import django.db.models.deletion
from django.db import migrations, models
from django.db.models import Count


def fill(apps, schema_editor):
    ContactPerson = apps.get_model("network", "ContactPerson")
    StationStanding = apps.get_model("figures", "StationStanding")
    counted = ContactPerson.objects.filter(consent="consented").order_by().values("station").annotate(n=Count("pk"))
    StationStanding.objects.bulk_create(
        [StationStanding(station_id=row["station"], contacts_consented=row["n"]) for row in counted], batch_size=1000
    )


class Migration(migrations.Migration):

    dependencies = [
        ('figures', '0001_station_year'),
        ('org', '0008_home_counts_read_indexes'),
    ]

    operations = [
        migrations.CreateModel(
            name='StationStanding',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('contacts_consented', models.PositiveIntegerField(default=0)),
                ('station', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='org.station')),
            ],
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
