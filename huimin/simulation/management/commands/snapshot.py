from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from huimin.core.errors import HuiminError
from huimin.core.models import User
from huimin.programs.evaluation import period_from
from huimin.simulation.populations import snapshot_write


class Command(BaseCommand):
    help = "Export the registry within a user's jurisdiction to Parquet for simulation (no personal data)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--user", required=True, help="whose jurisdiction bounds the snapshot")
        parser.add_argument("--region", required=True, help="a region code prefix, e.g. 5329")
        parser.add_argument("--period", required=True, help="the month, YYYY-MM")
        parser.add_argument("--out", type=Path, required=True, help="the folder to write")

    def handle(self, *args: object, **options: Any) -> None:
        try:
            user = User.objects.get(username=options["user"], is_active=True)
        except User.DoesNotExist:
            raise CommandError(f"no active user {options['user']!r}") from None
        try:
            households = snapshot_write(
                user=user,
                region=options["region"],
                period=period_from(options["period"]),
                directory=options["out"],
            )
        except HuiminError as error:
            raise CommandError(error.message) from None
        self.stdout.write(f"{households} households written to {options['out']}")
