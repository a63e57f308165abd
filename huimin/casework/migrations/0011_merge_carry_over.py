# The carried-over caseload branch joined with the others.

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('casework', '0007_alter_application_channel_alter_application_program_and_more'),
        ('casework', '0010_merge_supervision_and_resident_applications'),
    ]

    operations = [
    ]
