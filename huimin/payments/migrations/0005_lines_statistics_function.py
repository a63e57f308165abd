"""The application's role owns no table, and PostgreSQL lets only a table's owner ANALYZE it: a
function owned by the migrating role, running with its rights, lets a payroll refresh the lines'
statistics after generating them (without them the checks' joins ran as nested loops)."""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION huimin_payment_lines_analyze() RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public AS $$
BEGIN
    ANALYZE payments_paymentline;
END
$$;
"""
DROP = "DROP FUNCTION IF EXISTS huimin_payment_lines_analyze();"


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("payments", "0004_merge_carry_over")]

    operations = [migrations.RunPython(create, drop)]
