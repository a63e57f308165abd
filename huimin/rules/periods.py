"""Periods: benefits are monthly, so a period is a calendar month written 'YYYY-MM'.

Conventions used by every program (one place, so they stay consistent):
- ages are taken on the LAST day of the month: someone who turns 80 on 30 November is 80 for
  November (a 29 February birthday is reached on 1 March in common years);
- a parameter value applies to a month when its start date is on or before the last day of that
  month ("the latest start date not after the period");
- a person whose death date is on or before the FIRST day of the month is not a member for that
  month; someone who dies later in the month is still counted for it; a person born after the
  LAST day is not (yet) a member;
- a duration ("has lasted 6 months") is counted to the LAST day of the month, like ages
  (`months_before_end`), so one rule reads one reference day.
"""

import calendar
import datetime as dt
import re
from dataclasses import dataclass

from huimin.rules.errors import PeriodError

_PERIOD_PATTERN = re.compile(r"^([0-9]{4})-([0-9]{2})$")
# Years a benefit month can be in. Outside them the calendar arithmetic (ages, look-back
# windows) would leave the dates Python can represent: year 0 is no year at all.
MIN_YEAR, MAX_YEAR = 1900, 2999


@dataclass(frozen=True, slots=True)
class Period:
    year: int
    month: int

    @property
    def label(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"

    @property
    def start(self) -> dt.date:
        return dt.date(self.year, self.month, 1)

    @property
    def end(self) -> dt.date:
        return dt.date(self.year, self.month, calendar.monthrange(self.year, self.month)[1])

    def months_before(self, months: int) -> dt.date:
        """First day of the month `months` months before this one."""
        index = self.year * 12 + (self.month - 1) - months
        return dt.date(index // 12, index % 12 + 1, 1)

    def months_before_end(self, months: int) -> dt.date:
        """The last day of this month, `months` months earlier (the day capped at that month's
        length): a situation that began on or before it has lasted `months` months by the end
        of this month."""
        first = self.months_before(months)
        last_day = calendar.monthrange(first.year, first.month)[1]
        return first.replace(day=min(self.end.day, last_day))

    def __str__(self) -> str:
        return self.label


def parse_period(value: "str | Period") -> Period:
    if isinstance(value, Period):
        return value
    match = _PERIOD_PATTERN.fullmatch(str(value))
    if not match or not 1 <= int(match.group(2)) <= 12:
        raise PeriodError(f"period {value!r} is not a month written YYYY-MM")
    if not MIN_YEAR <= int(match.group(1)) <= MAX_YEAR:
        raise PeriodError(f"period {value!r} is not between {MIN_YEAR} and {MAX_YEAR}")
    return Period(int(match.group(1)), int(match.group(2)))
