"""The whole procedure's time limit: from the application to the county's decision.

30 working days, extendable once by 15 (ZJ-SA §11, POLICY.md); both are dated regional
parameters (`procedure.whole_days`, `procedure.extension_days`; temporary assistance has its own
`procedure.temporary.whole_days`). Counted on the official calendar, so a date that counts a
day of a year not yet published is provisional, like a step's.
"""

import datetime as dt

from huimin.casework.deadlines import DueDate, due_date
from huimin.casework.models import Program
from huimin.programs.parameters import live_parameters

WHOLE_LIMITS: dict[str, str] = {Program.TEMPORARY: "procedure.temporary.whole_days"}
WHOLE_LIMIT = "procedure.whole_days"
EXTENSION = "procedure.extension_days"


def _days(name: str, region_code: str, on: dt.date) -> int:
    return int(live_parameters().resolve(name, region_code, on.strftime("%Y-%m")).value)


def procedure_due(*, program: str, region_code: str, taken_on: dt.date) -> DueDate:
    """When the county must have decided an application taken on `taken_on`."""
    limit = WHOLE_LIMITS.get(program, WHOLE_LIMIT)
    return due_date(taken_on, _days(limit, region_code, taken_on))


def extended_due(*, region_code: str, due: dt.date, on: dt.date) -> DueDate:
    """The limit pushed back once: the extension's working days counted from the old due date,
    with the extension in force on the day it is granted."""
    return due_date(due, _days(EXTENSION, region_code, on))
