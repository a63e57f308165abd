"""Due dates in working days: the one place casework counts them.

The official calendar (holidays and make-up working days) is `huimin.core.workdays`, built
beside this app; until it is merged this counts Monday to Friday only and marks every date
provisional, so that no page shows a guessed date as a firm one.
"""

import datetime as dt
from dataclasses import dataclass


@dataclass(frozen=True)
class DueDate:
    day: dt.date
    provisional: bool


def due_date(start: dt.date, days: int) -> DueDate:
    """The working day `days` working days after `start`."""
    day = start
    remaining = days
    while remaining > 0:
        day += dt.timedelta(days=1)
        if day.weekday() < 5:
            remaining -= 1
    return DueDate(day=day, provisional=True)
