from django.core.management.base import BaseCommand, CommandError, CommandParser

from huimin.payments.queries import ledger_verify


class Command(BaseCommand):
    help = "Work with the payments ledger. `huimin payments verify` checks every fen."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["verify"])

    def handle(self, *args: object, **options: object) -> None:
        report = ledger_verify()
        if not report.balanced:
            for problem in report.problems:
                self.stderr.write(problem)
            raise CommandError(f"payments ledger: {len(report.problems)} discrepancies")
        self.stdout.write(
            f"payments ledger balanced: {report.cycles} cycles, {report.lines} lines checked"
        )
