"""Population frames from plain nested dicts: one household posted as JSON, a YAML test case.

    {
      "household_id": 7,                  # default: position in the list, from 1
      "region_code": "532901001001",      # required: 12-digit village code
      "residence_type": "urban",          # required: "urban" | "rural"
      "financial_assets_fen": 0, "vehicle_value_fen": 0,
      "commercial_property_count": 0, "home_count": 1,      # defaults: 0, 0, 0, 1
      "on_dibao": False, "deductible_expense_fen": 0,
      "emergency_kind": "none", "emergency_expense_fen": 0,
      "disaster_deaths": 0, "disaster_home_destroyed": False,
      "disaster_transitional_days": 0, "disaster_winter_spring_persons": 0,
      "members": [
        {
          "person_id": 701,                 # default: household_id * 100 + position from 1
          "birth_date": "1950-04-01",       # required: date or ISO string
          "sex": "F", "relation": "head",   # defaults: null, "head" for the first, else "other"
          "disability_category": 5, "disability_grade": 2,  # default null (not disabled)
          "selfcare_unable_count": 0, "serious_illness": False, "able_to_work": True,
          "student": False, "special_care_category": "none", "special_care_grade": None,
          "counted_in_family": True, "legal_supporter_able": True, "in_institution": False,
          "father_status": "present", "mother_status": "present",
          "father_status_since": None, "mother_status_since": None, "death_date": None,
          "incomes": [
            {"income_type": "wages", "monthly_fen": 150000,
             "valid_from": "2020-01-01", "valid_to": None}     # defaults: always valid
          ]
        }
      ]
    }

Money is integer fen. Unknown keys are an error (a typo must not silently become a default).
"""

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

import polars as pl

from huimin.rules.errors import RecordError
from huimin.rules.population import Population
from huimin.rules.schema import (
    HOUSEHOLD_COLUMNS,
    INCOME_COLUMNS,
    OPTIONAL_HOUSEHOLD_COLUMNS,
    OPTIONAL_PERSON_COLUMNS,
    PERSON_COLUMNS,
)

_ALWAYS = dt.date(1900, 1, 1)

HOUSEHOLD_DEFAULTS: dict[str, Any] = {
    "financial_assets_fen": 0,
    "vehicle_value_fen": 0,
    "commercial_property_count": 0,
    "home_count": 1,
    "on_dibao": False,
    "emergency_kind": "none",
    "emergency_expense_fen": 0,
    "disaster_deaths": 0,
    "disaster_home_destroyed": False,
    "disaster_transitional_days": 0,
    "disaster_winter_spring_persons": 0,
    "deductible_expense_fen": 0,
}
PERSON_DEFAULTS: dict[str, Any] = {
    "sex": None,
    "disability_category": None,
    "disability_grade": None,
    "selfcare_unable_count": 0,
    "serious_illness": False,
    "able_to_work": True,
    "student": False,
    "special_care_category": "none",
    "special_care_grade": None,
    "counted_in_family": True,
    "father_status": "present",
    "mother_status": "present",
    "legal_supporter_able": True,
    "in_institution": False,
    "death_date": None,
    "father_status_since": None,
    "mother_status_since": None,
}
_DATE_FIELDS = {"birth_date", "death_date", "father_status_since", "mother_status_since"}
_HOUSEHOLD_KEYS = {*HOUSEHOLD_COLUMNS, *OPTIONAL_HOUSEHOLD_COLUMNS, "members"}
_PERSON_KEYS = {*PERSON_COLUMNS, *OPTIONAL_PERSON_COLUMNS, "incomes"} - {"household_idx"}
_INCOME_KEYS = set(INCOME_COLUMNS) - {"person_idx"}


def frames_from_records(households: Sequence[Mapping[str, Any]]) -> Population:
    household_rows: list[dict[str, Any]] = []
    person_rows: list[dict[str, Any]] = []
    income_rows: list[dict[str, Any]] = []
    for h_index, household in enumerate(households):
        where = f"household {h_index}"
        _check_keys(household, _HOUSEHOLD_KEYS, where)
        row = _household_row(household, h_index, where)
        household_rows.append(row)
        for m_index, member in enumerate(household.get("members") or []):
            member_where = f"{where} member {m_index}"
            _check_keys(member, _PERSON_KEYS, member_where)
            person_rows.append(
                _person_row(member, row["household_id"], h_index, m_index, member_where)
            )
            for i_index, income in enumerate(member.get("incomes") or []):
                income_where = f"{member_where} income {i_index}"
                _check_keys(income, _INCOME_KEYS, income_where)
                income_rows.append(_income_row(income, len(person_rows) - 1, income_where))
    return Population(
        _frame(household_rows, {**HOUSEHOLD_COLUMNS, **_optional(OPTIONAL_HOUSEHOLD_COLUMNS)}),
        _frame(person_rows, {**PERSON_COLUMNS, **_optional(OPTIONAL_PERSON_COLUMNS)}),
        _frame(income_rows, INCOME_COLUMNS),
    )


def _household_row(household: Mapping[str, Any], index: int, where: str) -> dict[str, Any]:
    row = {**HOUSEHOLD_DEFAULTS, "household_id": index + 1}
    row.update({k: v for k, v in household.items() if k != "members"})
    for key in ("region_code", "residence_type"):
        if key not in household:
            raise RecordError(f"{where}: field {key!r} is required")
    row["region_code"] = str(row["region_code"])
    return row


def _person_row(
    member: Mapping[str, Any], household_id: int, h_index: int, m_index: int, where: str
) -> dict[str, Any]:
    if "birth_date" not in member:
        raise RecordError(f"{where}: field 'birth_date' is required")
    row = {
        **PERSON_DEFAULTS,
        "person_id": household_id * 100 + m_index + 1,
        "relation": "head" if m_index == 0 else "other",
        "household_idx": h_index,
    }
    row.update({k: v for k, v in member.items() if k != "incomes"})
    for key in _DATE_FIELDS:
        row[key] = _date(row.get(key), key, where)
    return row


def _income_row(income: Mapping[str, Any], person_idx: int, where: str) -> dict[str, Any]:
    for key in ("income_type", "monthly_fen"):
        if key not in income:
            raise RecordError(f"{where}: field {key!r} is required")
    return {
        "person_idx": person_idx,
        "income_type": income["income_type"],
        "monthly_fen": income["monthly_fen"],
        "valid_from": _date(income.get("valid_from"), "valid_from", where) or _ALWAYS,
        "valid_to": _date(income.get("valid_to"), "valid_to", where),
    }


def _date(value: Any, key: str, where: str) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()  # a Date column keeps the day
    if value is None or isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise RecordError(f"{where}: field {key!r} is not a date: {value!r}") from None


def _check_keys(record: Mapping[str, Any], allowed: set[str], where: str) -> None:
    if not isinstance(record, Mapping):
        raise RecordError(f"{where}: expected a mapping, got {type(record).__name__}")
    unknown = set(record) - allowed
    if unknown:
        raise RecordError(f"{where}: unknown field(s) {', '.join(sorted(unknown))}")


def _optional(columns: Mapping[str, tuple[Any, object]]) -> dict[str, Any]:
    return {name: dtype for name, (dtype, _) in columns.items()}


def _frame(rows: list[dict[str, Any]], schema: Mapping[str, Any]) -> pl.DataFrame:
    # Series by Series: for a household or two, about two thirds of the time of a dict with a
    # schema, and just as strict (a Series refuses a value it would have to convert)
    try:
        return pl.DataFrame(
            [
                pl.Series(name, [row.get(name) for row in rows], dtype)
                for name, dtype in schema.items()
            ]
        )
    except (TypeError, ValueError, pl.exceptions.PolarsError) as error:
        raise RecordError(f"a field has a value of the wrong type ({error})") from None
