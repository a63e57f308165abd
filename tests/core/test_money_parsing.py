"""Amounts typed in yuan become integer fen, or a refusal naming the field; never a crash."""

import pytest

from huimin.core.errors import ValidationFailed
from huimin.core.money import parse_yuan


@pytest.mark.parametrize(
    ("text", "fen"),
    [("1,234.5", 123450), ("1200元", 120000), ("¥0.01", 1), ("-0", 0), ("１２００．５", 120050)],
)
def test_it_reads_amounts_as_people_type_them(text, fen):
    assert parse_yuan(text) == fen


@pytest.mark.parametrize(
    "text",
    ["Infinity", "-Infinity", "inf", "NaN", "sNaN", "1e400", "1e2", "1_000", "", "12.345", "一千"],
)
def test_it_refuses_what_is_not_an_amount_naming_the_field(text):
    with pytest.raises(ValidationFailed) as refused:
        parse_yuan(text, field="monthly_yuan")
    assert refused.value.field == "monthly_yuan"


def test_it_refuses_an_amount_beyond_any_benefit_or_asset():
    with pytest.raises(ValidationFailed) as refused:
        parse_yuan("99999999999999999999", field="value_yuan")
    assert refused.value.field == "value_yuan"
    assert parse_yuan("1000000000000") == 100_000_000_000_000
