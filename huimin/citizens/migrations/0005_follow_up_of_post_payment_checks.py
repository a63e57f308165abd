"""A post-payment check that found the money did not arrive whole opens a follow-up request."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('citizens', '0004_notice_attempts_and_retries'),
        ('payments', '0002_post_payment_visits'),
    ]

    operations = [
        migrations.AddField(
            model_name='request',
            name='payment_visit',
            field=models.OneToOneField(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='follow_up', to='payments.paymentvisit'),
        ),
        migrations.AddField(
            model_name='requestanswer',
            name='visit_outcome',
            field=models.CharField(blank=True, choices=[('received_full', 'Received in full'), ('received_less', 'Received less'), ('not_received', 'Not received'), ('unreachable', 'Could not be reached')], default='', max_length=14),
        ),
        migrations.AlterField(
            model_name='request',
            name='channel',
            field=models.CharField(choices=[('online', 'Online'), ('visit', 'In person'), ('call', 'By telephone'), ('hotline', '12345 hotline'), ('check', 'Post-payment check')], max_length=12, verbose_name='received'),
        ),
        migrations.AlterField(
            model_name='request',
            name='kind',
            field=models.CharField(choices=[('question', 'A question'), ('complaint', 'A complaint about the service'), ('change', 'A change in my circumstances'), ('report', 'A report of fraud or favouritism'), ('help', 'A request for help'), ('payment', 'A payment not received in full')], max_length=12, verbose_name='kind'),
        ),
    ]
