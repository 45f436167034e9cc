"""The name grams carry their person's reading key, indexed with the gram, so that a name search reads its first page
in 五十音順 from the index (``queries.search_in_order``); filled for every gram already recorded."""

import django.db.models.deletion
import liaison.lib.fields
from django.db import migrations, models


def copy_sort_keys(apps, schema_editor):
    """One statement on both databases: each gram takes its person's sort_key (at ten times the largest prefecture,
    about two million grams; a Python loop over them would take minutes)."""
    schema_editor.execute(
        "UPDATE people_personnamegram SET sort_key = "
        "(SELECT p.sort_key FROM people_person p WHERE p.id = people_personnamegram.person_id)"
    )


class Migration(migrations.Migration):

    dependencies = [
        ('people', '0006_drop_name_trigram_indexes'),
    ]

    operations = [
        migrations.AddField(
            model_name='personnamegram',
            name='sort_key',
            field=liaison.lib.fields.SortKeyField(default='', editable=False, max_length=130),
        ),
        migrations.AlterField(
            model_name='personnamegram',
            name='person',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', related_query_name='name_grams', to='people.person'),
        ),
        migrations.RunPython(copy_sort_keys, migrations.RunPython.noop),
        migrations.AddIndex(
            model_name='personnamegram',
            index=models.Index(fields=['gram', 'sort_key', 'person'], name='person_name_gram_reading'),
        ),
    ]
