"""HQ's figures table sums a row of counts per station and fiscal year (``StationYear``, kept by ``figures.tally``);
filled here from the meetings, requests, referrals and exchanges already stored, counted per station and day in SQL
and summed into fiscal years here."""

import datetime
from collections import Counter

import django.db.models.deletion
from django.db import migrations, models
from django.db.models import Count
from django.utils import timezone


def _fiscal_year(day):
    if isinstance(day, datetime.datetime):
        day = timezone.localtime(day).date()
    return day.year if day.month >= 4 else day.year - 1


def fill(apps, schema_editor):
    counts = Counter()
    meetings = apps.get_model("meetings", "Meeting").objects.order_by()
    for station, starts_at, status in meetings.values_list("council__station_id", "starts_at", "status").iterator(
        chunk_size=5000
    ):
        year = _fiscal_year(starts_at)
        counts[(station, year, "meetings_scheduled")] += status in ("planned", "held")
        counts[(station, year, "meetings_held")] += status == "held"
    for label, day, column in (
        ("cases.Case", "received_on", "cases"),
        ("network.Referral", "referred_on", "referrals"),
        ("network.Exchange", "on", "exchanges"),
    ):
        per_day = apps.get_model(label).objects.order_by().values_list("station_id", day).annotate(n=Count("pk"))
        for station, on, n in per_day.iterator(chunk_size=5000):
            counts[(station, _fiscal_year(on), column)] += n
    StationYear = apps.get_model("figures", "StationYear")
    rows = {}
    for (station, year, column), n in counts.items():
        row = rows.setdefault((station, year), StationYear(station_id=station, fiscal_year=year))
        setattr(row, column, n)
    StationYear.objects.bulk_create(rows.values(), batch_size=1000)


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('org', '0008_home_counts_read_indexes'),
        ('meetings', '0003_hq_figures_read_indexes'),
        ('cases', '0003_not_told_cases_by_received_date_index'),
        ('network', '0003_hq_figures_read_indexes'),
    ]

    operations = [
        migrations.CreateModel(
            name='StationYear',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('fiscal_year', models.PositiveSmallIntegerField()),
                ('meetings_scheduled', models.PositiveIntegerField(default=0)),
                ('meetings_held', models.PositiveIntegerField(default=0)),
                ('cases', models.PositiveIntegerField(default=0)),
                ('referrals', models.PositiveIntegerField(default=0)),
                ('exchanges', models.PositiveIntegerField(default=0)),
                ('station', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='org.station')),
            ],
            options={
                'ordering': ['fiscal_year', 'station'],
                'constraints': [models.UniqueConstraint(fields=('fiscal_year', 'station'), name='station_year_once')],
            },
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
