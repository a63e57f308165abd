"""One living head per household (open head memberships) and ordered asset periods."""

from django.db import migrations, models
from django.db.models import F, Q
from django.db.models.functions import Greatest

BATCH = 5000


def close_memberships_of_the_dead(apps, schema_editor):
    """Earlier imports left the dead with open memberships; close them as a recorded death does."""
    Membership = apps.get_model("registry", "Membership")
    open_of_dead = Membership.objects.filter(valid_to__isnull=True, person__death_date__isnull=False)
    while True:
        ids = list(open_of_dead.values_list("pk", flat=True)[:BATCH])
        if not ids:
            break
        for membership in Membership.objects.filter(pk__in=ids).select_related("person"):
            membership.valid_to = max(membership.person.death_date, membership.valid_from)
            membership.save(update_fields=["valid_to"])


def order_asset_periods(apps, schema_editor):
    Asset = apps.get_model("registry", "Asset")
    Asset.objects.filter(valid_to__lt=F("valid_from")).update(
        valid_to=Greatest(F("valid_from"), F("valid_to"))
    )


class Migration(migrations.Migration):
    dependencies = [
        ("registry", "0002_parent_situation_dates"),
    ]

    operations = [
        migrations.RunPython(close_memberships_of_the_dead, migrations.RunPython.noop),
        migrations.RunPython(order_asset_periods, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="membership",
            constraint=models.UniqueConstraint(
                condition=Q(relation="head", valid_to__isnull=True),
                fields=("household",),
                name="membership_one_open_head_per_household",
            ),
        ),
        migrations.AddConstraint(
            model_name="asset",
            constraint=models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=F("valid_from")),
                name="asset_period_ordered",
            ),
        ),
    ]
