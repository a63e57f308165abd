from django.core.management.base import BaseCommand, CommandError, CommandParser

from huimin.core.audit import audit_verify


class Command(BaseCommand):
    help = "Work with the audit chain. `huimin audit verify` recomputes every link."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["verify"])

    def handle(self, *args: object, **options: object) -> None:
        report = audit_verify()
        if not report.intact and not report.first_broken_seq:
            raise CommandError(f"audit chain BROKEN: {report.problem}")
        if not report.intact:
            raise CommandError(
                f"audit chain BROKEN at event #{report.first_broken_seq}: {report.problem} "
                f"({report.events_checked} events before it are intact)"
            )
        self.stdout.write(f"audit chain intact: {report.events_checked} events checked")
