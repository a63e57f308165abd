"""`huimin payments verify` checks every fen; `huimin payments return-unpaid-cash`, run every
day, returns to the fund the cash not handed over within `payments.cash_return_days`."""

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from huimin.payments.queries import ledger_verify
from huimin.payments.services import cash_unpaid_return


class Command(BaseCommand):
    help = (
        "Work with the payments ledger. `huimin payments verify` checks every fen; "
        "`huimin payments return-unpaid-cash` (daily) returns cash not handed over in time."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["verify", "return-unpaid-cash"])
        parser.add_argument("--on", type=dt.date.fromisoformat, default=None, help="YYYY-MM-DD")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "return-unpaid-cash":
            on = options["on"] or timezone.localdate()
            returned = cash_unpaid_return(actor=None, today=on)
            self.stdout.write(
                f"{sum(returned.values())} unpaid cash line(s) returned to the fund "
                f"from {len(returned)} payroll(s) on {on.isoformat()}"
            )
            return
        report = ledger_verify()
        if not report.balanced:
            for problem in report.problems:
                self.stderr.write(problem)
            raise CommandError(f"payments ledger: {len(report.problems)} discrepancies")
        self.stdout.write(
            f"payments ledger balanced: {report.cycles} cycles, {report.lines} lines checked"
        )
