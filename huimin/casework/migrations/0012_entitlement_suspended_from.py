"""When an entitlement was suspended: the first month its payment was held.

Existing suspended entitlements get it as best their history tells: a death's suspension from
the month the change was recorded (the circumstance change that lists the entitlement as
suspended), an appeal's from the month the decision was set aside; the later of the two when
both are there, since a suspension lasts until a resume. One with neither stays
empty, and the rules count it as held for no month, as they did before the month was kept.
"""

import datetime as dt

from django.db import migrations, models
from django.utils import timezone


def _month_of(moment: dt.datetime) -> dt.date:
    return timezone.localtime(moment).date().replace(day=1)


def fill_suspended_from(apps, schema_editor) -> None:
    Entitlement = apps.get_model("casework", "Entitlement")
    CircumstanceChange = apps.get_model("casework", "CircumstanceChange")
    suspended = Entitlement.objects.filter(status="suspended", suspended_from__isnull=True)
    for entitlement in suspended.select_related("decision").order_by("id"):
        deaths = CircumstanceChange.objects.filter(
            household_id=entitlement.household_id, kind="death"
        ).order_by("-created_at", "-id")
        recorded = next(
            (
                change.created_at
                for change in deaths
                if (change.evaluation.get(str(entitlement.pk)) or {}).get("suspended")
            ),
            None,
        )
        # a suspension lasts until a resume: the latest event that could have made it
        moments = [m for m in (recorded, entitlement.decision.superseded_at) if m is not None]
        if moments:
            entitlement.suspended_from = _month_of(max(moments))
            entitlement.save(update_fields=["suspended_from"])


class Migration(migrations.Migration):
    dependencies = [
        ("casework", "0011_merge_carry_over"),
    ]

    operations = [
        migrations.AddField(
            model_name="entitlement",
            name="suspended_from",
            field=models.DateField(blank=True, null=True, verbose_name="suspended from"),
        ),
        migrations.RunPython(fill_suspended_from, migrations.RunPython.noop),
    ]
