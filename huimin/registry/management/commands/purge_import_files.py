from django.conf import settings
from django.core.management.base import BaseCommand

from huimin.registry.bulk.storage import files_purge


class Command(BaseCommand):
    help = (
        "Delete uploaded import files and rejected-row files older than "
        "HUIMIN_IMPORT_FILES_RETENTION_DAYS (run it daily, e.g. from cron)."
    )

    def handle(self, *args: object, **options: object) -> None:
        removed = files_purge()
        days = settings.IMPORT_FILES_RETENTION_DAYS
        self.stdout.write(f"import files: {removed} removed (kept for {days} days)")
