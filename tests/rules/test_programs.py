"""Program definitions: declared parameters, held-together rules, the population contract."""

import polars as pl
import pytest

from huimin.rules import PROGRAMS, SchemaError, evaluate, frames_from_records
from huimin.rules.errors import RecordError
from huimin.rules.holding import may_hold_together
from huimin.rules.population import Population
from tests.rules.pinned import pinned_parameters

HOUSEHOLD = {
    "region_code": "532932100001",
    "residence_type": "urban",
    "members": [{"birth_date": "1950-01-01"}, {"birth_date": "2015-01-01"}],
}


@pytest.mark.parametrize("name", list(PROGRAMS))
def test_it_declares_every_parameter_a_program_reads(name: str) -> None:
    # explain caches built expressions by the declared parameters, so an undeclared read would
    # let a stale expression be reused: every read must be declared.
    population = frames_from_records([HOUSEHOLD])
    parameters = pinned_parameters()
    evaluate(population, "2026-03", parameters, [name])
    declared = set(PROGRAMS[name].parameters)
    for dependency in PROGRAMS[name].depends_on:
        declared |= set(PROGRAMS[dependency].parameters)
    assert population.bind(parameters, "2026-03").read <= declared


def test_it_knows_which_programs_are_held_together() -> None:
    assert not may_hold_together("dibao", "tekun")
    assert not may_hold_together("unsupported_child", "orphan")
    assert may_hold_together("disability_living", "disability_care")
    assert may_hold_together("dibao", "old_age")


def test_it_reuses_a_built_population_for_many_periods_and_parameter_sets() -> None:
    population = frames_from_records([HOUSEHOLD] * 3)
    base = pinned_parameters()
    reform = base.with_changes({"dibao.standard": 1.1})
    before = evaluate(population, "2026-03", base, ["dibao"])["dibao"]["amount_fen"]
    after = evaluate(population, "2026-03", reform, ["dibao"])["dibao"]["amount_fen"]
    later = evaluate(population, "2027-03", base, ["dibao"])["dibao"]["amount_fen"]
    # Heqing, tiered, no income: full standard 78000 x 2 + two 20% top-ups 15600 = 187200
    assert before.to_list() == [187200] * 3
    # standard 85800: 171600 + 2 x 17160 = 205920, rounded up to whole yuan
    assert after.to_list() == [206000] * 3
    assert later.to_list() == before.to_list()


def test_it_rejects_a_frame_missing_a_required_column() -> None:
    population = frames_from_records([HOUSEHOLD])
    with pytest.raises(SchemaError, match="home_count"):
        Population(population.households.drop("home_count"), population.persons, population.incomes)


def test_it_fills_optional_columns_with_defaults() -> None:
    population = frames_from_records([HOUSEHOLD])
    households = population.households.drop("deductible_expense_fen", "region_idx")
    rebuilt = Population(households, population.persons, population.incomes)
    assert rebuilt.households["deductible_expense_fen"].to_list() == [0]


def test_it_names_the_field_of_a_bad_record() -> None:
    with pytest.raises(RecordError, match="household 0 member 0: unknown field"):
        frames_from_records([{**HOUSEHOLD, "members": [{"birth_date": "1950-01-01", "age": 3}]}])
    with pytest.raises(RecordError, match="'region_code' is required"):
        frames_from_records([{"residence_type": "urban", "members": []}])


def test_it_explains_a_row_of_a_built_population() -> None:
    from huimin.rules import explain

    population = frames_from_records([HOUSEHOLD, {**HOUSEHOLD, "region_code": "532901001001"}])
    explanation = explain(population, "2026-03", pinned_parameters(), household_idx=1)
    whole = evaluate(population, "2026-03", pinned_parameters())["dibao"].filter(
        pl.col("household_idx") == 1
    )
    assert explanation.for_program("dibao").amount_fen == whole["amount_fen"][0]
