"""People: a pinyin sort key for the search's order, and the masked number's keyed hash.

`name_sort` (pinyin with tone numbers, then the name) lets the database sort households by the
head's name as a reader looks it up; `id_ends_index` (an HMAC of the first and last four
characters of the identity number) lets a clerk find a person from the masked number on screen
together with a name or a village. Both are filled here for the people already registered, in
batches by primary key, so a large registry is not held in memory or in one statement.
"""

from django.db import migrations, models

import huimin.registry.search_keys
from huimin.registry.search_keys import id_ends_index_many, name_sort_many

BATCH = 2000


def fill_search_keys(apps, schema_editor):
    Person = apps.get_model("registry", "Person")
    last = 0
    while True:
        batch = list(Person.objects.filter(pk__gt=last).order_by("pk")[:BATCH])
        if not batch:
            return
        sort_keys = name_sort_many([p.name for p in batch])
        ends = id_ends_index_many([p.id_number for p in batch])
        for person, sort_key, end in zip(batch, sort_keys, ends, strict=True):
            person.name_sort, person.id_ends_index = sort_key, end
        Person.objects.bulk_update(batch, ["name_sort", "id_ends_index"])
        last = batch[-1].pk


class Migration(migrations.Migration):
    dependencies = [
        ("registry", "0006_unknown_facts_start_unknown"),
    ]

    operations = [
        migrations.AddField(
            model_name="person",
            name="id_ends_index",
            field=huimin.registry.search_keys.IdEndsIndexField(
                blank=True, default="", editable=False, max_length=32, source="id_number"
            ),
        ),
        migrations.AddField(
            model_name="person",
            name="name_sort",
            field=huimin.registry.search_keys.NameSortField(
                blank=True, default="", editable=False, max_length=400, source="name"
            ),
        ),
        # The columns are dropped on the way back; nothing to undo in the rows.
        migrations.RunPython(fill_search_keys, migrations.RunPython.noop),
        migrations.AddIndex(
            model_name="person",
            index=models.Index(fields=["id_ends_index"], name="person_id_ends_idx"),
        ),
        migrations.AddIndex(
            model_name="person",
            index=models.Index(
                condition=models.Q(("death_date__isnull", True), ("relation", "head")),
                fields=["household", "name_sort"],
                name="person_living_head_idx",
            ),
        ),
        migrations.AddIndex(
            model_name="person",
            index=models.Index(
                condition=models.Q(
                    ("death_date__isnull", True), ("disability_category__isnull", False)
                ),
                fields=["household", "disability_grade"],
                name="person_living_disabled_idx",
            ),
        ),
    ]
