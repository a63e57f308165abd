"""Claims of one-off payments, one per person and purpose, made from the one-off lines paid so
far (see PurposeClaim)."""

import django.db.models.deletion
from django.db import migrations, models


def claims_from_lines(apps, schema_editor):
    line_model = apps.get_model("payments", "PaymentLine")
    claim_model = apps.get_model("payments", "PurposeClaim")
    lines = line_model.objects.filter(kind="one_off").values_list(
        "payee_id", "purpose_key", "cycle_id"
    )
    claim_model.objects.bulk_create(
        [claim_model(payee_id=p, purpose_key=k, cycle_id=c) for p, k, c in lines.iterator()],
        batch_size=2000,
    )


class Migration(migrations.Migration):
    dependencies = [
        ("payments", "0010_bank_file_content_lz4"),
        ("registry", "0007_search_sort_key_and_masked_number"),
    ]

    operations = [
        migrations.CreateModel(
            name="PurposeClaim",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("purpose_key", models.CharField(max_length=60)),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                (
                    "cycle",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="claims",
                        to="payments.payrollcycle",
                    ),
                ),
                (
                    "payee",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="registry.person",
                    ),
                ),
            ],
            options={
                "constraints": [
                    models.UniqueConstraint(
                        fields=("payee", "purpose_key"), name="claim_one_per_person_purpose"
                    )
                ],
            },
        ),
        migrations.RunPython(claims_from_lines, migrations.RunPython.noop),
    ]
