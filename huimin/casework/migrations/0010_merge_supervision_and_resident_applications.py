# The supervision and time-limit branch joined with the resident-applications branch.

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('casework', '0009_online_applications_by_the_resident'),
        ('casework', '0009_review_letters'),
    ]

    operations = [
    ]
