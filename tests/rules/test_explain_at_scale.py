"""explain, one household at a time on its small path, agrees with evaluate on a population large
enough for its large path (the optimizer, the default engine, derived arrays from Polars)."""

import datetime as dt
import random
from typing import Any

import polars as pl

from huimin.rules import PROGRAMS, evaluate, explain, frames_from_records
from huimin.rules.engine import _OPTIMIZE_FROM_PERSONS
from huimin.rules.population import SMALL_POPULATION
from huimin.rules.schema import INCOME_TYPES, PARENT_STATUSES, SPECIAL_CARE_CATEGORIES
from tests.rules.pinned import pinned_parameters
from tests.rules.strategies import PERIODS, REGIONS

HOUSEHOLDS = 6_000  # about 15,500 persons
EXPLAINED = 100  # per period


def _date(rng: random.Random, first: dt.date, last: dt.date) -> dt.date:
    return first + dt.timedelta(days=rng.randint(0, (last - first).days))


def _income(rng: random.Random) -> dict[str, Any]:
    income: dict[str, Any] = {
        "income_type": rng.choice(INCOME_TYPES),
        "monthly_fen": rng.randint(0, 300_000),
    }
    if rng.random() < 0.5:
        income["valid_from"] = _date(rng, dt.date(2024, 1, 1), dt.date(2026, 12, 31))
    if rng.random() < 0.25:
        income["valid_to"] = _date(rng, dt.date(2025, 1, 1), dt.date(2027, 12, 31))
    return income


def _member(rng: random.Random) -> dict[str, Any]:
    member: dict[str, Any] = {
        "birth_date": _date(rng, dt.date(1920, 1, 1), dt.date(2026, 3, 1)),
        "serious_illness": rng.random() < 0.15,
        "selfcare_unable_count": rng.choice([0, 0, 0, 1, 3, 4, 6]),
        "counted_in_family": rng.random() < 0.9,
        "legal_supporter_able": rng.random() < 0.5,
        "in_institution": rng.random() < 0.15,
        "father_status": rng.choice(PARENT_STATUSES),
        "mother_status": rng.choice(PARENT_STATUSES),
        "special_care_category": rng.choice(SPECIAL_CARE_CATEGORIES + ("none",) * 8),
        "incomes": [_income(rng) for _ in range(rng.randint(0, 3))],
    }
    if rng.random() < 0.25:
        member["disability_category"] = rng.randint(1, 7)
        member["disability_grade"] = rng.randint(1, 4)
    if member["special_care_category"] == "disabled_veteran" and rng.random() < 0.5:
        member["special_care_grade"] = rng.randint(1, 10)
    if rng.random() < 0.1:
        member["death_date"] = _date(rng, dt.date(2025, 6, 1), dt.date(2026, 8, 1))
    if rng.random() < 0.2:
        member["mother_status_since"] = _date(rng, dt.date(2025, 1, 1), dt.date(2026, 6, 1))
    return member


def _household(rng: random.Random) -> dict[str, Any]:
    return {
        "region_code": rng.choice(REGIONS),
        "residence_type": rng.choice(["urban", "rural"]),
        "financial_assets_fen": rng.choice([0, 0, 0, 1_000_000, 9_000_000, 20_000_000]),
        "vehicle_value_fen": rng.choice([0, 0, 0, 4_999_999, 5_000_000]),
        "commercial_property_count": rng.choice([0, 0, 0, 1]),
        "home_count": rng.choice([0, 1, 1, 2, 3]),
        "deductible_expense_fen": rng.choice([0, 0, 20_000]),
        "emergency_kind": rng.choice(["none", "urgent", "expenditure"]),
        "emergency_expense_fen": rng.randint(0, 800_000),
        "disaster_deaths": rng.choice([0, 0, 0, 1]),
        "disaster_home_destroyed": rng.random() < 0.2,
        "disaster_transitional_days": rng.choice([0, 0, 10, 120]),
        "disaster_winter_spring_persons": rng.choice([0, 0, 2]),
        "members": [_member(rng) for _ in range(rng.choice([0, 1, 1, 2, 2, 3, 3, 4, 5, 6]))],
    }


def _rows_by_household(frame: pl.DataFrame) -> dict[int, list[dict[str, Any]]]:
    rows: dict[int, list[dict[str, Any]]] = {}
    for row in frame.iter_rows(named=True):
        rows.setdefault(row["household_idx"], []).append(row)
    return rows


def test_it_explains_households_of_a_large_population_as_it_evaluates_them() -> None:
    rng = random.Random(20261)
    population = frames_from_records([_household(rng) for _ in range(HOUSEHOLDS)])
    assert population.n_persons >= max(_OPTIMIZE_FROM_PERSONS, 15_000) and not population.small
    assert population.take([0]).n_persons <= SMALL_POPULATION and population.take([0]).small
    parameters = pinned_parameters()
    for period in PERIODS[:2]:
        results = evaluate(population, period, parameters, details=True)
        rows = {name: _rows_by_household(frame) for name, frame in results.items()}
        for index in rng.sample(range(population.n_households), EXPLAINED):
            explanation = explain(population, period, parameters, household_idx=index)
            for name, program in PROGRAMS.items():
                evaluated = rows[name].get(index, [])
                entries = explanation.programs[name]
                assert len(entries) == len(evaluated), (name, index)
                for entry, row in zip(entries, evaluated, strict=True):
                    _assert_same(entry, row, program.outputs, (name, index, period))


def _assert_same(entry: Any, row: dict[str, Any], outputs: tuple[str, ...], where: Any) -> None:
    assert entry.person_id == row.get("person_id", entry.person_id), where
    assert (entry.eligible, entry.amount_fen) == (row["eligible"], row["amount_fen"]), where
    for criterion in entry.criteria:
        evaluated = (
            row[criterion.name],
            row[f"{criterion.name}.value"],
            row.get(f"{criterion.name}.threshold"),
        )
        assert (criterion.passed, criterion.value, criterion.threshold) == evaluated, where
    assert entry.outputs == {name: row[name] for name in outputs}, where
