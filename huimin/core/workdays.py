"""Working days on the official calendar: time limits of the procedure count these.

Where a year's calendar comes from, first found wins:
1. the office's own file named by HUIMIN_WORKDAYS_FILE (optional),
2. the file shipped with Huimin, `core/data/workdays.yaml`,
3. the `chinese-calendar` package (it knows 2004 up to the last arrangement it was released with).

A year in a file replaces that year's arrangement from the package as a whole: the file is how an
office loads the State Council's notice for a new year, or corrects one.

For a year none of them knows, the calendar is PROVISIONAL: weekends plus the fixed statutory
holidays (1 January; Spring Festival eve and the first three days of the lunar year; Qingming, the
solar term; 1-2 May; Dragon Boat, lunar 5/5; Mid-Autumn, lunar 8/15; 1-3 October), without the
State Council's bridging days and make-up working days, which nobody can know in advance. A due
date that counts a day of such a year says so (`DueDate.provisional`), and `huimin check_workdays`
tells administrators which coming year still has to be loaded.

The file format (YAML, one mapping per year):

    2027:
      source: 国务院办公厅关于2027年部分节假日安排的通知（国办发明电〔2026〕7号）
      holidays:
        - 2027-01-01
        - 2027-02-06 .. 2027-02-13      # a range, both ends included
      workdays:                         # make-up working days (调休上班), weekends only
        - 2027-02-14
"""

import os
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from pathlib import Path

import chinese_calendar
import yaml
from django.conf import settings
from lunardate import LunarDate

from huimin.core.errors import HuiminError

SHIPPED_FILE = Path(__file__).resolve().parent / "data" / "workdays.yaml"

# The years lunardate's tables and chinese-calendar's solar terms cover.
_LUNAR_YEARS = range(1900, 2100)
_SOLAR_TERM_YEARS = range(1900, 2101)


class WorkdaysFileInvalid(HuiminError):
    """A working-days file that cannot be read as a calendar; the message names file and line."""

    status_code = 500

    def __init__(self, path: Path, line: int | None, problem: str) -> None:
        where = f"{path}, line {line}" if line is not None else str(path)
        super().__init__(f"working-days file {where}: {problem}")
        self.path = path
        self.line = line
        self.problem = problem


@dataclass(frozen=True)
class DueDate:
    day: date
    provisional: bool  # some day counted lies in a year not yet published


@dataclass(frozen=True)
class YearArrangement:
    """One year's official arrangement: its holidays, its make-up working days, where it comes from."""

    year: int
    holidays: frozenset[date]
    workdays: frozenset[date]
    source: str


# -- reading the files ------------------------------------------------------------------------


def _line(node: yaml.Node) -> int:
    return node.start_mark.line + 1


def _parse_day(path: Path, node: yaml.Node, text: str) -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise WorkdaysFileInvalid(
            path, _line(node), f"{text.strip()!r} is not a date written YYYY-MM-DD"
        ) from None


def _parse_days(path: Path, year: int, key: str, node: yaml.Node) -> dict[date, int]:
    """The days listed, each with the line it is listed on."""
    if not isinstance(node, yaml.SequenceNode):
        raise WorkdaysFileInvalid(path, _line(node), f"{key} must be a list of dates or ranges")
    days: dict[date, int] = {}
    for item in node.value:
        if not isinstance(item, yaml.ScalarNode):
            raise WorkdaysFileInvalid(
                path, _line(item), f"{key}: each entry is a date or a range 'FROM .. TO'"
            )
        first_text, dots, last_text = str(item.value).partition("..")
        first = _parse_day(path, item, first_text)
        last = _parse_day(path, item, last_text) if dots else first
        if last < first:
            raise WorkdaysFileInvalid(
                path, _line(item), f"the range {item.value} ends before it begins"
            )
        for day in (first, last):
            if day.year != year:
                raise WorkdaysFileInvalid(
                    path, _line(item), f"{day.isoformat()} is listed under {year}"
                )
        for n in range((last - first).days + 1):
            days[first + timedelta(days=n)] = _line(item)
    return days


def _parse_year(path: Path, key: yaml.Node, body: yaml.Node) -> YearArrangement:
    if not isinstance(key, yaml.ScalarNode) or not str(key.value).isdigit() or len(key.value) != 4:
        raise WorkdaysFileInvalid(path, _line(key), f"{key.value!r} is not a year such as 2027")
    year = int(key.value)
    if not isinstance(body, yaml.MappingNode):
        raise WorkdaysFileInvalid(path, _line(body), f"{year}: expected source, holidays, workdays")
    fields = {str(k.value): (k, v) for k, v in body.value}
    unknown = sorted(set(fields) - {"source", "holidays", "workdays"})
    if unknown:
        raise WorkdaysFileInvalid(
            path, _line(fields[unknown[0]][0]), f"{year}: unknown entry {unknown[0]!r}"
        )
    source_node = fields.get("source", (key, None))[1]
    if not isinstance(source_node, yaml.ScalarNode) or not str(source_node.value).strip():
        raise WorkdaysFileInvalid(
            path, _line(key), f"{year}: say which notice this comes from (source: ...)"
        )
    holidays: dict[date, int] = {}
    workdays: dict[date, int] = {}
    if "holidays" in fields:
        holidays = _parse_days(path, year, "holidays", fields["holidays"][1])
    if "workdays" in fields:
        workdays = _parse_days(path, year, "workdays", fields["workdays"][1])
    for day, line in sorted(workdays.items()):
        if day.weekday() < 5:
            raise WorkdaysFileInvalid(
                path,
                line,
                f"{day.isoformat()} is a weekday: a make-up working day is a Saturday or Sunday",
            )
        if day in holidays:
            raise WorkdaysFileInvalid(path, line, f"{day.isoformat()} is listed as a holiday too")
    return YearArrangement(
        year=year,
        holidays=frozenset(holidays),
        workdays=frozenset(workdays),
        source=str(source_node.value).strip(),
    )


def workdays_file_read(path: Path) -> dict[int, YearArrangement]:
    """Read and validate one working-days file; refuses naming the file and the line."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise WorkdaysFileInvalid(path, None, f"cannot be read: {error.strerror}") from error
    try:
        root = yaml.compose(text)
    except yaml.MarkedYAMLError as error:
        line = error.problem_mark.line + 1 if error.problem_mark else None
        raise WorkdaysFileInvalid(path, line, f"is not valid YAML: {error.problem}") from error
    if root is None:
        return {}
    if not isinstance(root, yaml.MappingNode):
        raise WorkdaysFileInvalid(path, _line(root), "expected one entry per year, such as 2027:")
    years: dict[int, YearArrangement] = {}
    for key, body in root.value:
        arrangement = _parse_year(path, key, body)
        if arrangement.year in years:
            raise WorkdaysFileInvalid(path, _line(key), f"{arrangement.year} is listed twice")
        years[arrangement.year] = arrangement
    return years


def _package_years() -> dict[int, YearArrangement]:
    holidays: dict[int, set[date]] = {}
    workdays: dict[int, set[date]] = {}
    for day in chinese_calendar.holidays:
        holidays.setdefault(day.year, set()).add(day)
    for day in chinese_calendar.workdays:
        workdays.setdefault(day.year, set()).add(day)
    version = getattr(chinese_calendar, "__version__", "")
    return {
        year: YearArrangement(
            year=year,
            holidays=frozenset(holidays[year]),
            workdays=frozenset(workdays.get(year, set())),
            source=f"chinese-calendar {version}".strip(),
        )
        for year in holidays
    }


_PACKAGE_YEARS = _package_years()


def _file_stamp(path: Path) -> tuple[str, int]:
    try:
        return (str(path), os.stat(path).st_mtime_ns)
    except OSError:
        return (str(path), -1)


@lru_cache(maxsize=8)
def _calendar_for(
    shipped: tuple[str, int], extra: tuple[str, int] | None
) -> dict[int, YearArrangement]:
    years = dict(_PACKAGE_YEARS)
    years.update(workdays_file_read(Path(shipped[0])))
    if extra is not None:
        years.update(workdays_file_read(Path(extra[0])))
    return years


def extra_file() -> Path | None:
    """The office's own file (HUIMIN_WORKDAYS_FILE), or None."""
    named = getattr(settings, "HUIMIN_WORKDAYS_FILE", "")
    return Path(named) if named else None


def official_years() -> dict[int, YearArrangement]:
    """Every published year's arrangement (package, shipped file, office file), validated.

    Cached per file and modification time, so an edited office file is read again.
    """
    extra = extra_file()
    return _calendar_for(_file_stamp(SHIPPED_FILE), _file_stamp(extra) if extra else None)


# -- the provisional calendar -----------------------------------------------------------------


def _qingming(year: int) -> date:
    if year not in _SOLAR_TERM_YEARS:
        return date(year, 4, 5)  # beyond the package's solar-term table: its usual day
    for day, name in chinese_calendar.get_solar_terms(date(year, 4, 3), date(year, 4, 6)):
        if name == "清明":
            return day
    return date(year, 4, 5)


@lru_cache(maxsize=64)
def provisional_holidays(year: int) -> frozenset[date]:
    """The fixed statutory holidays of a year with no published arrangement.

    Beyond 2099 (no lunar table) only the solar-date holidays and 5 April remain: still
    provisional, never a crash.
    """
    days = {date(year, 1, 1), date(year, 5, 1), date(year, 5, 2)}
    days.update(date(year, 10, n) for n in (1, 2, 3))
    days.add(_qingming(year))
    if year in _LUNAR_YEARS:
        new_year = LunarDate(year, 1, 1).to_solar_date()
        days.update(new_year + timedelta(days=n) for n in (-1, 0, 1, 2))
        days.add(LunarDate(year, 5, 5).to_solar_date())
        days.add(LunarDate(year, 8, 15).to_solar_date())
    return frozenset(days)


# -- the interface ----------------------------------------------------------------------------


def _is_working_day(day: date, years: dict[int, YearArrangement]) -> bool:
    arrangement = years.get(day.year)
    if arrangement is None:
        return day.weekday() < 5 and day not in provisional_holidays(day.year)
    if day in arrangement.workdays:
        return True
    return day.weekday() < 5 and day not in arrangement.holidays


def is_working_day(day: date) -> bool:
    return _is_working_day(day, official_years())


def add_working_days(start: date, days: int) -> DueDate:
    """The day on which `days` working days after `start` have passed.

    The start day itself is not counted (a time limit begins the next day), so the result of
    `days` >= 1 is always a working day; `days` = 0 is `start`. Provisional when any day counted
    from the day after `start` up to the result lies in a year with no published arrangement.
    """
    if days < 0:
        raise ValueError("days must be 0 or more")
    years = official_years()
    day = start
    provisional = False
    counted = 0
    while counted < days:
        day += timedelta(days=1)
        if day.year not in years:
            provisional = True
        if _is_working_day(day, years):
            counted += 1
    return DueDate(day=day, provisional=provisional)


def working_days_between(start: date, end: date) -> int:
    """Working days after `start` up to and including `end` (negative when `end` is earlier).

    So that `working_days_between(s, add_working_days(s, n).day) == n`.
    """
    if end < start:
        return -working_days_between(end, start)
    years = official_years()
    return sum(
        1
        for n in range(1, (end - start).days + 1)
        if _is_working_day(start + timedelta(days=n), years)
    )


def published_years() -> set[int]:
    return set(official_years())


def unpublished_years_ahead(today: date, horizon_days: int = 366) -> list[int]:
    """The years from today's up to `horizon_days` ahead that have no published arrangement."""
    published = published_years()
    last = (today + timedelta(days=horizon_days)).year
    return [year for year in range(today.year, last + 1) if year not in published]
