"""Evaluating a past month from the registry sees the household as it stood in that month."""

import datetime as dt

import pytest

from huimin.programs.frames import population_from_registry
from huimin.registry.models import Household, IncomeRecord, Membership, Person
from huimin.rules import evaluate
from huimin.rules.periods import parse_period
from tests.conftest import VILLAGE_A, VILLAGE_B

REGISTERED = dt.date(2025, 6, 1)


def _person(household: Household, name: str, id_number: str, born: dt.date, relation: str):
    return Person.objects.create(
        household=household,
        name=name,
        id_number=id_number,
        sex="F",
        birth_date=born,
        relation=relation,
    )


def _join(person: Person, household: Household, start: dt.date, end: dt.date | None = None):
    Membership.objects.create(
        person=person, household=household, relation=person.relation, valid_from=start,
        valid_to=end,
    )  # fmt: skip


@pytest.fixture
def changing_household(db) -> Household:
    """January 2026: a couple. The head changes job on 21 January (100000 -> 150000 a month);
    a child is born on 10 February; the spouse's mother moves in from another household on
    5 March, bringing her pension (30000 a month)."""
    home = Household.objects.create(
        household_no="H-71", region_code=VILLAGE_A, address="测试地址", residence_type="rural"
    )
    elsewhere = Household.objects.create(
        household_no="H-72", region_code=VILLAGE_B, address="测试地址", residence_type="rural"
    )
    head = _person(home, "户主", "532901198001010025", dt.date(1980, 1, 1), "head")
    spouse = _person(home, "配偶", "532901198201010023", dt.date(1982, 1, 1), "spouse")
    child = _person(home, "孩子", "532901202602100021", dt.date(2026, 2, 10), "child")
    mother = _person(home, "母亲", "532901195001010028", dt.date(1950, 1, 1), "parent")
    _person(elsewhere, "邻居", "532922197001010026", dt.date(1970, 1, 1), "head")
    for person in (head, spouse):
        _join(person, home, REGISTERED)
    _join(child, home, dt.date(2026, 2, 12))  # recorded two days after the birth
    _join(mother, elsewhere, REGISTERED, dt.date(2026, 3, 4))
    _join(mother, home, dt.date(2026, 3, 5))
    IncomeRecord.objects.create(
        person=head, income_type="wages", monthly_fen=100000,
        valid_from=dt.date(2025, 1, 1), valid_to=dt.date(2026, 1, 20),
    )  # fmt: skip
    IncomeRecord.objects.create(
        person=head, income_type="wages", monthly_fen=150000, valid_from=dt.date(2026, 1, 21)
    )
    IncomeRecord.objects.create(
        person=mother, income_type="pension_other", monthly_fen=30000,
        valid_from=dt.date(2020, 1, 1),
    )  # fmt: skip
    return home


def _dibao(period: str) -> dict:
    households = Household.objects.filter(household_no="H-71")
    population = population_from_registry(households, as_of=parse_period(period).end)
    return evaluate(population, period, programs=["dibao"])["dibao"].row(0, named=True)


@pytest.mark.parametrize(
    ("period", "members", "income"),
    [
        # the couple; December's wage
        ("2026-01", 2, 100000),
        # the child born on 10 February (membership recorded on the 12th); January's two wages
        # prorated: 100000 x 20/31 + 150000 x 11/31 = 64516 + 53226
        ("2026-02", 3, 117742),
        # the mother moved in on 5 March; February's new wage and her February pension
        ("2026-03", 4, 180000),
    ],
)
def test_it_sees_members_and_incomes_as_they_stood_in_the_month(
    changing_household: Household, period: str, members: int, income: int
) -> None:
    row = _dibao(period)
    assert (row["n_members"], row["income_net_fen"]) == (members, income)


def test_it_places_a_person_who_moved_in_their_household_of_that_month(
    changing_household: Household,
) -> None:
    before = Household.objects.filter(household_no="H-72")
    february = population_from_registry(before, as_of=dt.date(2026, 2, 28))
    march = population_from_registry(before, as_of=dt.date(2026, 3, 31))
    assert february.n_persons == 2  # the neighbour and the mother, before her move
    assert march.n_persons == 1
