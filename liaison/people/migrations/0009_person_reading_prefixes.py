"""The search by the start of a reading reads its first page in 五十音順 from an index of each person's first reading
letters (``PersonReadingPrefix``, see ``queries.search_in_order``); filled for every person already recorded, then
indexed (building the index once is quicker than keeping it while two million rows go in)."""

import django.db.models.deletion
import liaison.lib.fields
from django.db import migrations, models

from liaison.people.name_grams import reading_prefixes

CHUNK = 5000


def fill_prefixes(apps, schema_editor):
    Person = apps.get_model("people", "Person")
    Prefix = apps.get_model("people", "PersonReadingPrefix")
    last = 0
    while True:
        people = list(
            Person.objects.filter(pk__gt=last)
            .order_by("pk")
            .values_list("pk", "family_kana", "given_kana", "sort_key")[:CHUNK]
        )
        if not people:
            return
        Prefix.objects.bulk_create(
            [
                Prefix(person_id=pk, prefix=prefix, sort_key=sort_key)
                for pk, family_kana, given_kana, sort_key in people
                for prefix in sorted(reading_prefixes(family_kana, given_kana))
            ],
            batch_size=2000 if schema_editor.connection.vendor == "postgresql" else 300,
        )
        last = people[-1][0]


class Migration(migrations.Migration):

    dependencies = [
        ('people', '0008_person_anonymised_at'),
    ]

    operations = [
        migrations.CreateModel(
            name='PersonReadingPrefix',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('prefix', models.CharField(max_length=3)),
                ('sort_key', liaison.lib.fields.SortKeyField(default='', editable=False, max_length=130)),
                ('person', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', related_query_name='reading_prefixes', to='people.person')),
            ],
        ),
        migrations.RunPython(fill_prefixes, migrations.RunPython.noop),
        migrations.AddIndex(
            model_name='personreadingprefix',
            index=models.Index(fields=['prefix', 'sort_key', 'person'], name='person_reading_prefix_order'),
        ),
    ]
