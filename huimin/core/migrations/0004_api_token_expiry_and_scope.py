from datetime import timedelta

from django.conf import settings
from django.db import migrations, models
from django.db.models import ExpressionWrapper, F


def expire_existing_tokens(apps, schema_editor):
    """Tokens made before expiry existed get the default lifetime from their creation."""
    ApiToken = apps.get_model("core", "ApiToken")
    lifetime = timedelta(days=settings.API_TOKEN_DAYS)
    ApiToken.objects.filter(expires_at__isnull=True).update(
        expires_at=ExpressionWrapper(
            F("created_at") + lifetime, output_field=models.DateTimeField()
        )
    )


class Migration(migrations.Migration):
    dependencies = [("core", "0003_keyed_anchored_audit_chain")]

    operations = [
        migrations.AddField(
            model_name="apitoken",
            name="expires_at",
            field=models.DateTimeField(null=True),
        ),
        migrations.AddField(
            model_name="apitoken",
            name="read_only",
            field=models.BooleanField(default=False),
        ),
        migrations.RunPython(expire_existing_tokens, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="apitoken",
            name="expires_at",
            field=models.DateTimeField(),
        ),
    ]
