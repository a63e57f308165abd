from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from huimin.core.errors import HuiminError
from huimin.core.region_loader import BUNDLED_REGIONS, regions_load


class Command(BaseCommand):
    help = (
        "Load regions from a CSV file with columns code,name_zh[,name_en][,level][,parent_code]; "
        "codes may be short or full 12-digit. Without a file, loads the bundled Yunnan/Dali set."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("csv_file", nargs="?", type=Path, default=BUNDLED_REGIONS)

    def handle(self, *args: object, **options: object) -> None:
        path = Path(str(options["csv_file"]))
        if not path.exists():
            raise CommandError(f"no such file: {path}")
        try:
            outcome = regions_load(path=path)
        except HuiminError as error:
            raise CommandError(error.message) from error
        self.stdout.write(f"regions: {outcome.created} created, {outcome.updated} updated")
