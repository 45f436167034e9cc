"""The name search's gram table (``PersonNameGram``), filled for every recorded person; ``merged_into`` indexed only
where it is set, so that the list's ``merged_into IS NULL`` is not planned on an index that matches every row."""

import django.db.models.deletion
from django.db import migrations, models

from liaison.people.name_grams import name_grams


def fill_grams(apps, schema_editor):
    """Every recorded person gets the grams of their names (what Person.save writes now)."""
    Person = apps.get_model("people", "Person")
    PersonNameGram = apps.get_model("people", "PersonNameGram")
    last = 0
    while True:
        batch = list(Person.objects.filter(pk__gt=last).order_by("pk").values_list("pk", "family_name", "given_name")[:2000])
        if not batch:
            return
        PersonNameGram.objects.bulk_create(
            PersonNameGram(person_id=pk, gram=gram)
            for pk, family, given in batch
            for gram in sorted(name_grams(family, given))
        )
        last = batch[-1][0]


class Migration(migrations.Migration):
    dependencies = [
        ("people", "0004_person_search_indexes"),
    ]

    operations = [
        migrations.CreateModel(
            name="PersonNameGram",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("gram", models.CharField(max_length=2)),
                (
                    "person",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE, related_name="+", to="people.person"
                    ),
                ),
            ],
            options={
                "constraints": [models.UniqueConstraint(fields=("gram", "person"), name="person_name_gram")],
            },
        ),
        migrations.AlterField(
            model_name="person",
            name="merged_into",
            field=models.ForeignKey(
                blank=True,
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="people.person",
                verbose_name="統合先",
            ),
        ),
        migrations.AddIndex(
            model_name="person",
            index=models.Index(
                condition=models.Q(("merged_into__isnull", False)), fields=["merged_into"], name="person_merged_into"
            ),
        ),
        migrations.RunPython(fill_grams, migrations.RunPython.noop),
    ]
