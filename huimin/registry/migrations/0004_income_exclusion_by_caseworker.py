"""Incomes: the kind no longer decides in the registry whether an income counts.

`counts_as_income` was set from a hard-coded list of kinds, so a program's dated parameter
(dibao.income.counted_types) could not change anything for records already registered. It is
replaced by `exclusion_reason`: empty means the program's rules decide; text means a caseworker
excluded this one record. A record of a counted kind that was marked as not counting keeps that
as an explicit exclusion, with a reason saying so.
"""

from django.db import migrations, models

# The kinds the registry used to mark as not counting (frozen here as they were).
FORMERLY_NOT_COUNTED = (
    "special_care",
    "family_planning_reward",
    "scholarship",
    "bravery_award",
    "social_assistance",
    "pension_basic",
)
FORMER_EXCLUSION = "迁移前登记为不计入收入 (marked as not counting before this change)"
BATCH = 2000


def exclusions_from_old_flag(apps, schema_editor):
    IncomeRecord = apps.get_model("registry", "IncomeRecord")
    excluded = IncomeRecord.objects.filter(counts_as_income=False).exclude(
        income_type__in=FORMERLY_NOT_COUNTED
    )
    ids = list(excluded.values_list("id", flat=True))
    for start in range(0, len(ids), BATCH):
        IncomeRecord.objects.filter(id__in=ids[start : start + BATCH]).update(
            exclusion_reason=FORMER_EXCLUSION
        )


def old_flag_from_exclusions(apps, schema_editor):
    IncomeRecord = apps.get_model("registry", "IncomeRecord")
    IncomeRecord.objects.exclude(exclusion_reason="").update(counts_as_income=False)
    IncomeRecord.objects.filter(income_type__in=FORMERLY_NOT_COUNTED).update(
        counts_as_income=False
    )


class Migration(migrations.Migration):
    dependencies = [
        ("registry", "0003_one_living_head_and_asset_period"),
    ]

    operations = [
        migrations.AddField(
            model_name="incomerecord",
            name="exclusion_reason",
            field=models.CharField(
                blank=True,
                max_length=200,
                verbose_name="excluded from assistance income because",
            ),
        ),
        migrations.RunPython(exclusions_from_old_flag, old_flag_from_exclusions),
        migrations.RemoveField(
            model_name="incomerecord",
            name="counts_as_income",
        ),
    ]
