from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser


class Command(BaseCommand):
    help = "Run the background worker that executes jobs (imports, payrolls, checks, simulations)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--batch", action="store_true", help="exit once the queue is empty")

    def handle(self, *args: object, **options: object) -> None:
        extra = ["--batch"] if options["batch"] else []
        call_command("db_worker", *extra)
