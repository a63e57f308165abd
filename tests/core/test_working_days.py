"""Due dates in working days: the official calendar, an office's file, the provisional calendar."""

from datetime import date, timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from huimin.core import workdays
from huimin.core.workdays import (
    DueDate,
    WorkdaysFileInvalid,
    add_working_days,
    is_working_day,
    published_years,
    unpublished_years_ahead,
    workdays_file_read,
    working_days_between,
)

# The State Council's 2027 arrangement as an office would type it (dates as published for the
# test only; the shape is what matters): Spring Festival 6-13 February, make-up Saturday 20 Feb.
OFFICE_2027 = """\
# our office's additions
2027:
  source: 国务院办公厅关于2027年部分节假日安排的通知
  holidays:
    - 2027-01-01
    - 2027-02-06 .. 2027-02-13
    - 2027-10-01 .. 2027-10-07
  workdays:
    - 2027-02-20
"""


@pytest.fixture
def office_file(settings, tmp_path):
    def write(text: str):
        path = tmp_path / "workdays.yaml"
        path.write_text(text, encoding="utf-8")
        settings.HUIMIN_WORKDAYS_FILE = str(path)
        return path

    return write


def test_it_skips_the_2026_spring_festival_and_counts_its_make_up_saturday():
    thursday = date(2026, 2, 12)
    assert add_working_days(thursday, 1) == DueDate(date(2026, 2, 13), provisional=False)
    # Saturday 14 February 2026 is a make-up working day (调休上班)
    assert date(2026, 2, 14).weekday() == 5
    assert is_working_day(date(2026, 2, 14))
    assert add_working_days(thursday, 2) == DueDate(date(2026, 2, 14), provisional=False)
    # 15-23 February are the holiday; the next working day is Tuesday 24th
    assert not any(is_working_day(date(2026, 2, d)) for d in range(15, 24))
    assert add_working_days(thursday, 3) == DueDate(date(2026, 2, 24), provisional=False)
    assert working_days_between(thursday, date(2026, 2, 24)) == 3
    assert working_days_between(date(2026, 2, 24), thursday) == -3


def test_it_counts_ordinary_weekends_and_zero_days():
    friday = date(2026, 3, 6)
    assert add_working_days(friday, 0) == DueDate(friday, provisional=False)
    assert add_working_days(friday, 1).day == date(2026, 3, 9)  # Monday
    assert add_working_days(friday, 5).day == date(2026, 3, 13)
    with pytest.raises(ValueError):
        add_working_days(friday, -1)


def test_it_marks_a_due_date_running_into_an_unpublished_year_provisional():
    assert 2027 not in published_years()
    due = add_working_days(date(2026, 12, 20), 20)
    assert due.provisional
    # the provisional calendar keeps 1 January 2027 off
    assert not is_working_day(date(2027, 1, 1))
    assert due == DueDate(date(2027, 1, 18), provisional=True)
    # a due date that stays within 2026 is not provisional
    assert not add_working_days(date(2026, 12, 1), 10).provisional


def test_it_keeps_the_fixed_statutory_holidays_of_a_provisional_year():
    # 2027: lunar new year on 6 February, so the eve is the 5th; Qingming 5 April;
    # Dragon Boat 9 June; Mid-Autumn 15 September
    for day in [
        date(2027, 2, 5),
        date(2027, 2, 8),
        date(2027, 4, 5),
        date(2027, 5, 1),
        date(2027, 6, 9),
        date(2027, 9, 15),
        date(2027, 10, 1),
    ]:
        assert day.weekday() >= 5 or not is_working_day(day), day
    assert is_working_day(date(2027, 2, 9))  # the fourth day of the lunar year is a Tuesday
    assert not is_working_day(date(2027, 2, 20))  # no make-up Saturday is guessed


def test_it_stops_being_provisional_once_the_office_loads_the_year(office_file):
    start = date(2027, 2, 4)  # Thursday before the 2027 Spring Festival
    before = add_working_days(start, 3)
    assert before.provisional
    office_file(OFFICE_2027)
    assert 2027 in published_years()
    after = add_working_days(start, 3)
    # 5 Feb (Fri) works; 6-13 off; 14 Sunday; 15 Monday, 16 Tuesday
    assert after == DueDate(date(2027, 2, 16), provisional=False)
    assert is_working_day(date(2027, 2, 20))  # the office's make-up Saturday
    assert not is_working_day(date(2027, 10, 7))
    assert unpublished_years_ahead(date(2026, 12, 2)) == []


def test_it_names_the_line_of_a_bad_office_file(office_file, tmp_path):
    bad_date = OFFICE_2027.replace("2027-02-20", "2027-02-30")
    path = office_file(bad_date)
    with pytest.raises(WorkdaysFileInvalid) as refused:
        published_years()
    assert refused.value.line == 9
    assert str(path) in refused.value.message and "line 9" in refused.value.message

    weekday = tmp_path / "weekday.yaml"
    weekday.write_text(OFFICE_2027.replace("2027-02-20", "2027-02-17"), encoding="utf-8")
    with pytest.raises(WorkdaysFileInvalid, match="line 9: .*weekday"):
        workdays_file_read(weekday)

    wrong_year = tmp_path / "wrong_year.yaml"
    wrong_year.write_text(OFFICE_2027.replace("2027-01-01", "2028-01-01"), encoding="utf-8")
    with pytest.raises(WorkdaysFileInvalid, match="line 5: 2028-01-01 is listed under 2027"):
        workdays_file_read(wrong_year)

    no_source = tmp_path / "no_source.yaml"
    no_source.write_text(OFFICE_2027.replace("  source: ", "  # "), encoding="utf-8")
    with pytest.raises(WorkdaysFileInvalid, match="line 2: 2027: say which notice"):
        workdays_file_read(no_source)

    backwards = tmp_path / "backwards.yaml"
    backwards.write_text(OFFICE_2027.replace("02-06 .. 2027-02-13", "02-13 .. 2027-02-06"))
    with pytest.raises(WorkdaysFileInvalid, match="line 6: .*ends before it begins"):
        workdays_file_read(backwards)


def test_it_reads_the_shipped_file_as_valid():
    assert workdays_file_read(workdays.SHIPPED_FILE) == {}


def test_it_tells_administrators_which_coming_year_is_not_loaded(office_file):
    out = StringIO()
    call_command("check_workdays", "--today", "2026-12-02", stdout=out)
    assert "NOT LOADED for 2027" in out.getvalue()
    with pytest.raises(CommandError, match="NOT LOADED for 2027"):
        call_command("check_workdays", "--today", "2026-12-02", "--strict", stdout=StringIO())
    # in March 2026, a year ahead still ends in 2027
    assert unpublished_years_ahead(date(2026, 3, 1)) == [2027]
    assert unpublished_years_ahead(date(2026, 3, 1), horizon_days=30) == []

    office_file(OFFICE_2027)
    out = StringIO()
    call_command("check_workdays", "--today", "2026-12-02", "--strict", stdout=out)
    assert "every year up to a year ahead is loaded" in out.getvalue()
    assert "国务院办公厅关于2027年" in out.getvalue()

    office_file(OFFICE_2027.replace("2027-02-20", "someday"))
    with pytest.raises(CommandError, match="line 9"):
        call_command("check_workdays", stdout=StringIO())


def test_it_never_crashes_on_a_far_year():
    # beyond every table: weekends and the solar-date holidays, marked provisional
    due = add_working_days(date(2110, 12, 30), 3)
    assert due.provisional
    assert due.day == date(2111, 1, 5)
    assert working_days_between(date(2100, 1, 1), date(2100, 1, 1) + timedelta(days=7)) == 5


def test_it_refuses_to_start_with_an_office_file_that_is_not_there(tmp_path):
    from tests.core.test_settings_from_environment import _start

    result = _start(HUIMIN_ENV="test", HUIMIN_WORKDAYS_FILE=str(tmp_path / "missing.yaml"))
    assert result.returncode != 0
    assert "HUIMIN_WORKDAYS_FILE" in result.stderr
    (tmp_path / "there.yaml").write_text(OFFICE_2027, encoding="utf-8")
    assert (
        _start(HUIMIN_ENV="test", HUIMIN_WORKDAYS_FILE=str(tmp_path / "there.yaml")).returncode == 0
    )
