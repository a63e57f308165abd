"""Bank account and phone numbers: plain-words refusals, and one verdict for forms and imports."""

import polars as pl
import pytest
from django.utils import translation
from hypothesis import given, settings
from hypothesis import strategies as st
from stdnum import luhn

from huimin.core.errors import ValidationFailed
from huimin.registry.bulk.columns import BY_KEY
from huimin.registry.bulk.validation.cells import parse_column
from huimin.registry.validation import check_household
from tests.registry.factories import household_facts


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def a_card(body: str) -> str:
    return body + luhn.calc_check_digit(body)


def refusal(**facts: str) -> ValidationFailed:
    with pytest.raises(ValidationFailed) as caught:
        check_household(household_facts(**facts))
    return caught.value


@pytest.mark.parametrize(
    "account",
    [
        a_card("622848000000000001"),  # 19-digit card
        a_card("621700001000123"),  # 16-digit card
        "1234567890123",  # 13-digit passbook account: no check digit
        "12345678901234567890123",  # 23-digit other account
        "6228 4800 0000 0000 018",  # spaces as printed on the card
    ],
)
def test_real_account_numbers_are_accepted(account):
    assert check_household(household_facts(bank_account=account)).bank_account.isdigit()


def test_an_account_of_two_digits_is_refused_with_the_lengths_allowed():
    error = refusal(bank_account="12")
    assert error.field == "bank_account"
    assert "2 digits" in error.message and "16 to 19" in error.message


def test_a_card_number_with_a_mistyped_digit_is_refused_by_its_check_digit():
    card = a_card("622848000000000001")
    mistyped = card[:-1] + str((int(card[-1]) + 1) % 10)
    error = refusal(bank_account=mistyped)
    assert error.field == "bank_account" and "check digit" in error.message


@pytest.mark.parametrize(
    "phone", ["13912345678", "19900001111", "0871-12345678", "087112345678", "010-1234567-123"]
)
def test_mobile_and_landline_numbers_are_accepted(phone):
    assert check_household(household_facts(phone=phone)).phone == phone


@pytest.mark.parametrize(
    ("phone", "words"),
    [
        ("12912345678", "mobile number has 11 digits"),  # 12x is no mainland mobile prefix
        ("1391234567", "mobile number has 11 digits"),
        ("12345678", "area code"),  # a landline without its area code
        ("0871-123456", "area code"),
        ("139abc45678", "only digits"),
    ],
)
def test_wrong_phone_numbers_are_refused_in_plain_words(phone, words):
    error = refusal(phone=phone)
    assert error.field == "phone" and words in error.message


def import_verdicts(column: str, values: list[str]) -> list[str | None]:
    value, problems = parse_column(BY_KEY[column])
    frame = pl.DataFrame({column: values}).select(
        pl.coalesce(*problems).alias("problem") if problems else pl.lit(None)
    )
    return frame["problem"].to_list()


def form_verdict(column: str, value: str) -> str | None:
    try:
        check_household(household_facts(**{column: value}))
    except ValidationFailed as error:
        assert error.field == column
        return error.message
    return None


digits = st.text(alphabet="0123456789", min_size=1, max_size=32)
phones = st.one_of(
    digits,
    st.from_regex(r"1[0-9]{9,11}", fullmatch=True),
    st.from_regex(r"0[0-9]{2,3}-[0-9]{6,9}(-[0-9]{1,7})?", fullmatch=True),
)
accounts = st.one_of(
    digits,
    st.from_regex(r"62[0-9]{14,17}", fullmatch=True),
    st.from_regex(r"62[0-9]{13,16}", fullmatch=True).map(a_card),
)


@settings(max_examples=60, deadline=None)
@given(st.lists(phones, min_size=1, max_size=20), st.lists(accounts, min_size=1, max_size=20))
def test_the_import_judges_phones_and_accounts_as_the_form_does(phone_values, account_values):
    for column, values in (("phone", phone_values), ("bank_account", account_values)):
        assert import_verdicts(column, values) == [form_verdict(column, v) for v in values]
