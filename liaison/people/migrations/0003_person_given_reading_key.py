import liaison.lib.fields
from django.db import migrations

from liaison.lib.kana import reading_sort_key


def fill_given_keys(apps, schema_editor):
    """Every recorded person gets the key of their given name's reading (what Person.save computes now)."""
    Person = apps.get_model("people", "Person")
    last = 0
    while True:
        batch = list(Person.objects.filter(pk__gt=last).order_by("pk").only("pk", "given_kana")[:2000])
        if not batch:
            return
        for person in batch:
            person.given_key = reading_sort_key(person.given_kana)
        Person.objects.bulk_update(batch, ["given_key"])
        last = batch[-1].pk


class Migration(migrations.Migration):
    dependencies = [
        ("people", "0002_public_office_ends_after_it_starts"),
    ]

    operations = [
        migrations.AddField(
            model_name="person",
            name="given_key",
            field=liaison.lib.fields.SortKeyField(db_index=True, default="", editable=False, max_length=65),
        ),
        migrations.RunPython(fill_given_keys, migrations.RunPython.noop),
    ]
