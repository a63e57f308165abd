"""`huimin generate`: a synthetic population, into the registry or to Parquet."""

import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from huimin.registry.bulk.services.generating import registry_generate


class Command(BaseCommand):
    help = "Generate a deterministic synthetic population for the villages under a region."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--region", required=True, help="region code prefix, e.g. 5329")
        parser.add_argument("--persons", type=int, default=10_000)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--parquet", type=Path, help="write Parquet to this directory instead")
        parser.add_argument(
            "--if-empty", action="store_true", help="do nothing if the registry has households"
        )

    def handle(self, *args: object, **options: object) -> None:
        from huimin.core.errors import HuiminError

        started = time.perf_counter()
        try:
            result = registry_generate(
                region=str(options["region"]),
                persons=int(options["persons"]),  # type: ignore[call-overload]
                seed=int(options["seed"]),  # type: ignore[call-overload]
                parquet=options["parquet"],  # type: ignore[arg-type]
                if_empty=bool(options["if_empty"]),
            )
        except HuiminError as error:
            raise CommandError(error.message) from error
        seconds = time.perf_counter() - started
        if result.skipped:
            self.stdout.write("generate: the registry already has households; nothing done")
            return
        where = f"Parquet in {options['parquet']}" if options["parquet"] else "the database"
        counts = ", ".join(f"{value} {name}" for name, value in result.counts.items())
        self.stdout.write(f"generate: {counts} into {where} in {seconds:.1f} s")
