from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from huimin.core.errors import HuiminError
from huimin.core.money import format_yuan
from huimin.programs.evaluation import ProgramTotal, totals_for_parquet, totals_for_registry
from huimin.registry.models import Household


class Command(BaseCommand):
    help = "Evaluate every program over the registry (or a Parquet population) for a month."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--period", required=True, help="the month, YYYY-MM")
        parser.add_argument("--region", default="", help="a region code prefix, e.g. 5329")
        parser.add_argument(
            "--parquet", type=Path, help="a folder with households/persons/incomes.parquet"
        )

    def handle(self, *args: object, **options: object) -> None:
        period, region = str(options["period"]), str(options["region"])
        try:
            if options["parquet"]:
                totals = totals_for_parquet(
                    directory=_folder(options["parquet"]), period=period, region=region
                )
            else:
                households = Household.objects.filter(region_code__startswith=region)
                totals = totals_for_registry(households=households, period=period)
        except HuiminError as error:
            raise CommandError(error.message) from error
        self._print(totals, period)

    def _print(self, totals: list[ProgramTotal], period: str) -> None:
        self.stdout.write(
            f"{'program':<20} {'region':<8} {'eligible':>10} {'monthly cost (yuan)':>22}   {period}"
        )
        for total in totals:
            region = total.region_code or "TOTAL"
            line = f"{total.program:<20} {region:<8} {total.eligible:>10,} {format_yuan(total.monthly_cost_fen):>22}"
            self.stdout.write(line if total.region_code else self.style.SUCCESS(line))


def _folder(given: object) -> Path:
    path = Path(str(given))
    folder = path.parent if path.suffix == ".parquet" else path
    if not (folder / "households.parquet").exists():
        raise CommandError(f"no households.parquet in {folder}")
    return folder
