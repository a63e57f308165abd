"""Due dates in working days: the one place casework counts them, on the official calendar.

`huimin.core.workdays` knows the holidays and make-up working days; a date that counts a day of
a year not yet published is marked provisional, and the pages show it so.
"""

import datetime as dt

from huimin.core.workdays import DueDate, add_working_days

__all__ = ["DueDate", "due_date"]


def due_date(start: dt.date, days: int) -> DueDate:
    """The working day `days` working days after `start`."""
    return add_working_days(start, days)
