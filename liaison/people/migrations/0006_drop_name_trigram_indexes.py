"""The name search reads the gram index (``PersonNameGram``, 0005) on both databases; the ``pg_trgm`` indexes of
0004 are no longer what it needs, and PostgreSQL sometimes preferred them — for a term of one or two characters they
cannot narrow anything (a trigram needs three), so the planner then read them whole. Dropped; reversing recreates
them.
"""

from django.db import migrations

TRIGRAM_INDEXES = {
    "person_family_name_trgm": "family_name",
    "person_given_name_trgm": "given_name",
}


def drop_trigram_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in TRIGRAM_INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


def create_trigram_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, column in TRIGRAM_INDEXES.items():
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {name} ON people_person USING gin ({column} gin_trgm_ops)")


class Migration(migrations.Migration):
    dependencies = [
        ("people", "0005_person_name_grams_and_merged_index"),
    ]

    operations = [migrations.RunPython(drop_trigram_indexes, create_trigram_indexes)]
