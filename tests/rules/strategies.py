"""Hypothesis strategies: random households in the plain-record shape of `frames_from_records`."""

import datetime as dt
from typing import Any

from hypothesis import strategies as st

from huimin.rules.schema import INCOME_TYPES, PARENT_STATUSES, SPECIAL_CARE_CATEGORIES

# Dali city (difference formula), Heqing (tiered), Yangbi, and Kunming (Yunnan floor only)
REGIONS = ("532901001001", "532901002003", "532932100001", "532922200001", "530102001001")
PERIODS = ("2026-03", "2026-07", "2025-12")


@st.composite
def incomes(draw: st.DrawFn) -> dict[str, Any]:
    income: dict[str, Any] = {
        "income_type": draw(st.sampled_from(INCOME_TYPES)),
        "monthly_fen": draw(st.integers(0, 300_000)),
    }
    if draw(st.booleans()):
        income["valid_from"] = draw(st.dates(dt.date(2024, 1, 1), dt.date(2026, 12, 31)))
    if draw(st.integers(0, 3)) == 0:
        income["valid_to"] = draw(st.dates(dt.date(2025, 1, 1), dt.date(2027, 12, 31)))
    return income


@st.composite
def members(draw: st.DrawFn, person_id: int) -> dict[str, Any]:
    member: dict[str, Any] = {
        "person_id": person_id,
        "birth_date": draw(st.dates(dt.date(1920, 1, 1), dt.date(2026, 3, 1))),
        "serious_illness": draw(st.integers(0, 5)) == 0,
        "selfcare_unable_count": draw(st.sampled_from([0, 0, 0, 1, 3, 4, 6])),
        "student": draw(st.booleans()),
        "counted_in_family": draw(st.integers(0, 8)) > 0,
        "legal_supporter_able": draw(st.booleans()),
        "in_institution": draw(st.integers(0, 6)) == 0,
        "father_status": draw(st.sampled_from(PARENT_STATUSES)),
        "mother_status": draw(st.sampled_from(PARENT_STATUSES)),
        "incomes": draw(st.lists(incomes(), max_size=3)),
    }
    if draw(st.integers(0, 3)) == 0:
        member["disability_category"] = draw(st.integers(1, 7))
        member["disability_grade"] = draw(st.integers(1, 4))
    category = draw(st.sampled_from(SPECIAL_CARE_CATEGORIES + ("none",) * 8))
    member["special_care_category"] = category
    if category == "disabled_veteran" and draw(st.booleans()):
        member["special_care_grade"] = draw(st.integers(1, 10))
    if draw(st.integers(0, 10)) == 0:
        member["death_date"] = draw(st.dates(dt.date(2025, 6, 1), dt.date(2026, 8, 1)))
    if draw(st.integers(0, 4)) == 0:
        member["mother_status_since"] = draw(st.dates(dt.date(2025, 1, 1), dt.date(2026, 6, 1)))
    return member


@st.composite
def households(draw: st.DrawFn, household_id: int) -> dict[str, Any]:
    size = draw(st.integers(0, 6))
    money = st.sampled_from([0, 0, 0, 1_000_000, 9_000_000, 20_000_000])
    return {
        "household_id": household_id,
        "region_code": draw(st.sampled_from(REGIONS)),
        "residence_type": draw(st.sampled_from(["urban", "rural"])),
        "financial_assets_fen": draw(money),
        "vehicle_value_fen": draw(st.sampled_from([0, 0, 0, 4_999_999, 5_000_000])),
        "commercial_property_count": draw(st.sampled_from([0, 0, 0, 1])),
        "home_count": draw(st.sampled_from([0, 1, 1, 2, 3])),
        "deductible_expense_fen": draw(st.sampled_from([0, 0, 20_000])),
        "emergency_kind": draw(st.sampled_from(["none", "urgent", "expenditure"])),
        "emergency_expense_fen": draw(st.integers(0, 800_000)),
        "disaster_deaths": draw(st.sampled_from([0, 0, 0, 1])),
        "disaster_home_destroyed": draw(st.integers(0, 5)) == 0,
        "disaster_transitional_days": draw(st.sampled_from([0, 0, 10, 120])),
        "disaster_winter_spring_persons": draw(st.sampled_from([0, 0, 2])),
        "members": [draw(members(household_id * 100 + i)) for i in range(size)],
    }


@st.composite
def batches(draw: st.DrawFn, min_size: int = 1, max_size: int = 12) -> list[dict[str, Any]]:
    size = draw(st.integers(min_size, max_size))
    return [draw(households(i + 1)) for i in range(size)]
