"""A period is a calendar month 'YYYY-MM' within the years the calendar arithmetic can reach."""

import pytest

from huimin.rules.errors import PeriodError
from huimin.rules.periods import parse_period


def test_it_reads_a_month() -> None:
    period = parse_period("2026-02")
    assert (period.year, period.month, period.end.day) == (2026, 2, 28)


@pytest.mark.parametrize("text", ["0000-01", "0001-01", "1899-12", "3000-01", "2026-13", "2026-1"])
def test_it_refuses_what_is_no_benefit_month(text: str) -> None:
    with pytest.raises(PeriodError):
        parse_period(text)


def test_it_refuses_a_trailing_newline() -> None:
    with pytest.raises(PeriodError):
        parse_period("2026-01\n")
