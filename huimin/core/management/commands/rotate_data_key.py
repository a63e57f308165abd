from django.core.management.base import BaseCommand, CommandParser

from huimin.core.key_rotation import rotate_all


class Command(BaseCommand):
    help = (
        "Re-encrypt all personal data under HUIMIN_DATA_KEY; old keys must be in "
        "HUIMIN_DATA_KEYS_OLD until this finishes. Safe to interrupt and run again."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--batch-size", type=int, default=1000)

    def handle(self, *args: object, **options: object) -> None:
        total = rotate_all(batch_size=int(options["batch_size"]), report=self.stdout.write)  # type: ignore[call-overload]
        self.stdout.write(f"done: {total} rows re-encrypted")
