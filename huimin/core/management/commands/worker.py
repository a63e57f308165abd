from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser

from huimin.core.services import job_interrupt_lapsed


class Command(BaseCommand):
    help = "Run the background worker that executes jobs (imports, payrolls, checks, simulations)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--batch", action="store_true", help="exit once the queue is empty")

    def handle(self, *args: object, **options: object) -> None:
        # A worker that died left its jobs "running"; once their leases lapse, say so and let
        # their owners start them again. (Leases still valid may belong to another live worker.)
        interrupted = job_interrupt_lapsed()
        if interrupted:
            self.stderr.write(f"{interrupted} job(s) whose worker had stopped marked interrupted")
        extra = ["--batch"] if options["batch"] else []
        call_command("db_worker", *extra)
