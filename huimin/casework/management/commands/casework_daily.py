"""`huimin casework_daily`: the changes no one records — members of receiving households who
turned 16, 18, 60 or 80 — each re-evaluated with a task for the caseworker — and the families
whose review is coming told by SMS, with the texts that did not go out sent again. Run it every
day (it looks back a month, and never opens the same task or sends the same notice twice)."""

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from huimin.casework.services._citizens import tell_citizens_again, tell_citizens_reviews_due
from huimin.casework.services.changes import ages_reached


class Command(BaseCommand):
    help = "Open a task for each member of a receiving household who reached 16, 18, 60 or 80."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--on", type=dt.date.fromisoformat, default=None)
        parser.add_argument("--window-days", type=int, default=31)

    def handle(self, *args: Any, **options: Any) -> None:
        on = options["on"] or timezone.localdate()
        made = ages_reached(on=on, window_days=options["window_days"])
        self.stdout.write(f"{len(made)} age change(s) on {on.isoformat()}")
        told = tell_citizens_reviews_due(on)
        self.stdout.write(f"{told} review notice(s) to families")
        # A text not delivered since the last run is tried again here too, should the
        # every-few-minutes `citizens_resend_notices` not be scheduled.
        again = tell_citizens_again()
        self.stdout.write(f"{again} notice(s) sent again")
