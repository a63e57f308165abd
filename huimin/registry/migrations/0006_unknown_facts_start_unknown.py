"""Able to work and an able legal supporter start unknown rather than "yes".

Existing answers are kept: the registry cannot tell a recorded "yes" from a default one.
"""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("registry", "0005_ethnic_groups_gb3304"),
    ]

    operations = [
        migrations.AlterField(
            model_name="person",
            name="able_to_work",
            field=models.BooleanField(
                blank=True, default=None, null=True, verbose_name="able to work"
            ),
        ),
        migrations.AlterField(
            model_name="person",
            name="legal_supporter_able",
            field=models.BooleanField(
                blank=True,
                default=None,
                null=True,
                verbose_name="has a legal supporter able to support",
            ),
        ),
    ]
