from datetime import date

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from huimin.core.workdays import (
    WorkdaysFileInvalid,
    extra_file,
    official_years,
    unpublished_years_ahead,
)


class Command(BaseCommand):
    help = (
        "Validate the working-days files and name every coming year whose official holiday "
        "arrangement is not loaded (its due dates are provisional until it is)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--today", type=date.fromisoformat, default=None)
        parser.add_argument("--horizon-days", type=int, default=366)
        parser.add_argument(
            "--strict", action="store_true", help="exit non-zero when a coming year is missing"
        )

    def handle(self, *args: object, **options: object) -> None:
        today = options["today"] or timezone.localdate()
        assert isinstance(today, date)  # noqa: S101 - argparse gives a date or the default
        try:
            years = official_years()
        except WorkdaysFileInvalid as error:
            raise CommandError(error.message) from error
        office_file = extra_file()
        self.stdout.write(f"office file: {office_file or 'none (HUIMIN_WORKDAYS_FILE not set)'}")
        known = sorted(years)
        self.stdout.write(f"published years: {known[0]}-{known[-1]}" if known else "none")
        for year in known[-3:]:
            self.stdout.write(f"  {year}: {years[year].source}")
        missing = unpublished_years_ahead(today, int(str(options["horizon_days"])))
        if not missing:
            self.stdout.write("working days: every year up to a year ahead is loaded")
            return
        names = ", ".join(str(year) for year in missing)
        message = (
            f"working days NOT LOADED for {names}: due dates in it are provisional (weekends and "
            "fixed statutory holidays only). Add the State Council's arrangement to the file "
            "named by HUIMIN_WORKDAYS_FILE."
        )
        if options["strict"]:
            raise CommandError(message)
        self.stdout.write(self.style.WARNING(message))
