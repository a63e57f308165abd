"""`huimin citizens_resend_notices`: send again the texts to families that did not go out. Run it
every few minutes (cron or a timer); `huimin casework_daily` runs it too."""

from django.core.management.base import BaseCommand

from huimin.citizens.services.notices import notices_resend_due


class Command(BaseCommand):
    help = (
        "Send again the notices left being sent by a worker that died, and those the SMS "
        "gateway did not deliver whose next try has come; give up after the last attempt."
    )

    def handle(self, *args: object, **options: object) -> None:
        count = notices_resend_due()
        self.stdout.write(f"sent again: {count}")
