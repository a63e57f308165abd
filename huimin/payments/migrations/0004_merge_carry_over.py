# The carried-over caseload branch joined with the others.

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('payments', '0002_alter_allocation_program_alter_paymentline_program'),
        ('payments', '0003_cash_returned_to_the_fund'),
    ]

    operations = [
    ]
