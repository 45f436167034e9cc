"""HQ's counts of stored findings read a tally per station (``StationTally``, kept by ``store``); filled here from the
findings already stored, one batch of subjects at a time."""

from collections import Counter

import django.db.models.deletion
from django.db import migrations, models

from liaison.findings.store import tally_kinds

BATCH = 5000


def fill_tally(apps, schema_editor):
    Subject = apps.get_model("findings", "Subject")
    Finding = apps.get_model("findings", "Finding")
    StationTally = apps.get_model("findings", "StationTally")
    counts = Counter()
    last = 0
    while True:
        pks = list(Subject.objects.filter(pk__gt=last, station__isnull=False).order_by("pk").values_list("pk", flat=True)[:BATCH])
        if not pks:
            break
        found = {}
        rows = Finding.objects.filter(subject__in=pks).values_list("subject_id", "subject__station_id", "subject__source", "code", "severity")
        for subject, station, source, code, severity in rows.order_by():
            found.setdefault((subject, station, source), []).append((code, severity))
        for (_subject, station, source), codes in found.items():
            for kind in tally_kinds(codes):
                counts[(station, source, *kind)] += 1
        last = pks[-1]
    StationTally.objects.bulk_create(
        [
            StationTally(station_id=station, source=source, code=code, severity=severity, codes=codes, subjects=n)
            for (station, source, code, severity, codes), n in sorted(counts.items())
        ],
        batch_size=500,
    )


class Migration(migrations.Migration):

    dependencies = [
        ('findings', '0001_stored_findings'),
        ('org', '0007_officer_must_change_password'),
    ]

    operations = [
        migrations.CreateModel(
            name='StationTally',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('source', models.CharField(max_length=30)),
                ('code', models.CharField(blank=True, max_length=40)),
                ('severity', models.CharField(blank=True, max_length=10)),
                ('codes', models.CharField(blank=True, max_length=400)),
                ('subjects', models.IntegerField(default=0)),
                ('station', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='org.station')),
            ],
            options={
                'indexes': [models.Index(fields=['source', 'code', 'severity', 'codes'], name='finding_tally_kind')],
                'constraints': [models.UniqueConstraint(fields=('station', 'source', 'code', 'severity', 'codes'), name='finding_tally_once_per_kind')],
            },
        ),
        migrations.RunPython(fill_tally, migrations.RunPython.noop),
    ]
