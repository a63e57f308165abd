from django.core.management.base import BaseCommand

from huimin.citizens.services import requests_escalate_overdue


class Command(BaseCommand):
    help = "Escalate to the supervisors every open resident request past its time limit."

    def handle(self, *args: object, **options: object) -> None:
        count = requests_escalate_overdue()
        self.stdout.write(f"escalated: {count}")
