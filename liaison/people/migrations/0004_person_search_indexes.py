"""Indexes for the person search: postal codes by prefix; names by substring with trigrams on PostgreSQL.

``pg_trgm`` GIN indexes let PostgreSQL answer ``LIKE '%…%'`` on names from the index. SQLite has no such index,
so there this migration only adds the postal-code index (the trigram part does nothing). The trigram indexes are
not in the model state: Django would try to build them on SQLite too.
"""

from django.db import migrations, models

TRIGRAM_INDEXES = {
    "person_family_name_trgm": "family_name",
    "person_given_name_trgm": "given_name",
}


def create_trigram_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, column in TRIGRAM_INDEXES.items():
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {name} ON people_person USING gin ({column} gin_trgm_ops)"
        )


def drop_trigram_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in TRIGRAM_INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [
        ("people", "0003_person_given_reading_key"),
    ]

    operations = [
        migrations.AlterField(
            model_name="person",
            name="postal_code",
            field=models.CharField(blank=True, db_index=True, max_length=8, verbose_name="郵便番号"),
        ),
        migrations.RunPython(create_trigram_indexes, drop_trigram_indexes),
    ]
