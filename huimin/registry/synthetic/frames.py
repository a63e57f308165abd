"""Turning the generator's arrays into the three Polars frames, and writing them to Parquet.

The frames carry every column of `huimin.rules.schema` with its dtype, plus the registry's own
columns (names, identity numbers, addresses, bank and phone, the asset breakdown). They are what a
database loader copies: one row per household, person and income record, in that order.
"""

from dataclasses import dataclass
from datetime import date
from pathlib import Path

import numpy as np
import polars as pl

from huimin.registry.synthetic.conditions import Conditions, activities_unable
from huimin.registry.synthetic.households import Composition
from huimin.registry.synthetic.identity import EPOCH, Identity
from huimin.registry.synthetic.money import BANKS, Assets, Contacts, Incomes
from huimin.registry.synthetic.places import Villages
from huimin.registry.synthetic.vocab import (
    ETHNICITY_CODES,
    INCOME_TYPES,
    MARITAL_STATUSES,
    NOT_COUNTED_REASONS,
    PARENT_STATUSES,
    RELATIONS,
    SPECIAL_CARE_CATEGORIES,
    labels,
)

# Streets for addresses in residents' committees; village addresses use group and door numbers.
STREETS = (
    "人民路",
    "建设路",
    "文献路",
    "苍山路",
    "洱河路",
    "兴盛路",
    "泰安路",
    "龙山路",
    "榆华路",
    "金星路",
    "玉洱路",
    "环城路",
)


@dataclass(frozen=True)
class Synthetic:
    """A generated population: households, persons and incomes, joined by row number."""

    households: pl.DataFrame
    persons: pl.DataFrame
    incomes: pl.DataFrame
    seed: int
    as_of: date


def household_frame(
    people: Composition,
    conditions: Conditions,
    villages: Villages,
    assets: Assets,
    contacts: Contacts,
    rng: np.random.Generator,
) -> pl.DataFrame:
    n = len(people.size)
    village_codes = pl.Series(villages.codes, dtype=pl.Utf8).gather(people.village)
    urban = villages.urban[people.village]
    financial = assets.deposits_fen + assets.securities_fen + assets.debts_owed_to_family_fen
    return pl.DataFrame(
        {
            "household_id": pl.Series(np.arange(1, n + 1), dtype=pl.Int64),
            "region_code": village_codes,
            "residence_type": pl.Series(np.where(urban, "urban", "rural"), dtype=pl.Utf8),
            "financial_assets_fen": pl.Series(financial, dtype=pl.Int64),
            "vehicle_value_fen": pl.Series(assets.vehicle_value_fen, dtype=pl.Int64),
            "commercial_property_count": pl.Series(
                assets.commercial_property_count, dtype=pl.Int32
            ),
            "home_count": pl.Series(assets.home_count, dtype=pl.Int32),
            # Entitlements are casework's to record; a fresh registry knows of none.
            "on_dibao": pl.Series(np.zeros(n, dtype=bool), dtype=pl.Boolean),
            "emergency_kind": pl.Series(["none"] * n, dtype=pl.Utf8),
            "emergency_expense_fen": pl.Series(np.zeros(n, dtype=np.int64), dtype=pl.Int64),
            "disaster_deaths": pl.Series(np.zeros(n, dtype=np.int32), dtype=pl.Int32),
            "disaster_home_destroyed": pl.Series(np.zeros(n, dtype=bool), dtype=pl.Boolean),
            "disaster_transitional_days": pl.Series(np.zeros(n, dtype=np.int32), dtype=pl.Int32),
            "disaster_winter_spring_persons": pl.Series(
                np.zeros(n, dtype=np.int32), dtype=pl.Int32
            ),
            "household_no": _household_numbers(people, village_codes),
            "address_zh": _addresses(people, villages, rng),
            "head_person_idx": pl.Series(people.first_person, dtype=pl.UInt32),
            "payee_person_idx": pl.Series(conditions.payee, dtype=pl.UInt32),
            "member_count": pl.Series(people.size, dtype=pl.Int16),
            "bank_name_zh": labels(contacts.bank_name, tuple(bank[0] for bank in BANKS)),
            "bank_card_no": pl.Series(contacts.bank_card_no).cast(pl.Utf8),
            "phone": pl.Series(contacts.phone).cast(pl.Utf8),
            "deposits_fen": pl.Series(assets.deposits_fen, dtype=pl.Int64),
            "securities_fen": pl.Series(assets.securities_fen, dtype=pl.Int64),
            "debts_owed_to_family_fen": pl.Series(assets.debts_owed_to_family_fen, dtype=pl.Int64),
        }
    )


def person_frame(
    people: Composition, conditions: Conditions, identity: Identity, as_of: date
) -> pl.DataFrame:
    n = len(people.age)
    disabled = conditions.disability_grade > 0
    veteran = conditions.special_care_grade > 0
    alive = conditions.death_offset_days < 0
    as_of_days = (as_of - EPOCH).days
    # Nobody dies before being born: an infant's death falls between birth and the reference date.
    death_days = np.maximum(as_of_days - conditions.death_offset_days, identity.birth_days)
    columns: dict[str, pl.Series] = {
        "person_id": pl.Series(np.arange(1, n + 1), dtype=pl.Int64),
        "household_idx": pl.Series(people.household, dtype=pl.UInt32),
        "birth_date": _dates(identity.birth_days),
        "sex": pl.Series(np.where(people.male, "M", "F"), dtype=pl.Utf8),
        "relation": labels(people.relation, RELATIONS),
        "disability_category": _nullable_int8(conditions.disability_category, ~disabled),
        "disability_grade": _nullable_int8(conditions.disability_grade, ~disabled),
        "selfcare_unable_count": pl.Series(conditions.selfcare_unable_count, dtype=pl.Int8),
        "serious_illness": pl.Series(conditions.serious_illness, dtype=pl.Boolean),
        "able_to_work": pl.Series(conditions.able_to_work, dtype=pl.Boolean),
        "student": pl.Series(conditions.student, dtype=pl.Boolean),
        "special_care_category": labels(conditions.special_care, SPECIAL_CARE_CATEGORIES),
        "special_care_grade": _nullable_int8(conditions.special_care_grade, ~veteran),
        "counted_in_family": pl.Series(conditions.not_counted_reason < 0, dtype=pl.Boolean),
        "father_status": labels(conditions.father_status, PARENT_STATUSES),
        "mother_status": labels(conditions.mother_status, PARENT_STATUSES),
        "legal_supporter_able": pl.Series(conditions.legal_supporter_able, dtype=pl.Boolean),
        "in_institution": pl.Series(conditions.in_institution, dtype=pl.Boolean),
        "death_date": _dates(death_days).set(pl.Series(alive), None),
        "name_zh": identity.name,
        "id_number": identity.id_number,
        "ethnicity": labels(identity.ethnicity, ETHNICITY_CODES),
        "marital_status": labels(people.marital, MARITAL_STATUSES),
        "not_counted_reason": labels(
            np.maximum(conditions.not_counted_reason, 0),
            NOT_COUNTED_REASONS,
            missing=conditions.not_counted_reason < 0,
        ),
    }
    for activity, unable in activities_unable(conditions.selfcare_unable_count).items():
        columns[f"unable_{activity}"] = pl.Series(unable, dtype=pl.Boolean)
    return pl.DataFrame(columns)


def income_frame(incomes: Incomes, as_of: date) -> pl.DataFrame:
    as_of_days = (as_of - EPOCH).days
    open_ended = incomes.valid_to_days < 0
    return pl.DataFrame(
        {
            "person_idx": pl.Series(incomes.person, dtype=pl.UInt32),
            "income_type": labels(incomes.income_type, INCOME_TYPES),
            "monthly_fen": pl.Series(incomes.monthly_fen, dtype=pl.Int64),
            "valid_from": _dates(as_of_days - incomes.valid_from_days),
            "valid_to": _dates(as_of_days - incomes.valid_to_days).set(pl.Series(open_ended), None),
            "verification": pl.Series(
                np.where(incomes.verified, "verified", "declared"), dtype=pl.Utf8
            ),
        }
    )


def write_parquet(result: Synthetic, directory: Path | str) -> dict[str, Path]:
    """Write households.parquet, persons.parquet and incomes.parquet; return their paths."""
    target = Path(directory)
    target.mkdir(parents=True, exist_ok=True)
    paths = {}
    for name, frame in (
        ("households", result.households),
        ("persons", result.persons),
        ("incomes", result.incomes),
    ):
        paths[name] = target / f"{name}.parquet"
        frame.write_parquet(paths[name])
    return paths


def _household_numbers(people: Composition, village_codes: pl.Series) -> pl.Series:
    # Households are sorted by village, so a household's number is its rank within its village.
    starts = np.flatnonzero(np.r_[True, people.village[1:] != people.village[:-1]])
    lengths = np.diff(np.r_[starts, len(people.village)])
    sequence = np.arange(len(people.village)) - np.repeat(starts, lengths) + 1
    width = max(4, len(str(int(sequence.max(initial=1)))))
    numbers = pl.Series(sequence).cast(pl.Utf8).str.zfill(width)
    return pl.select(pl.concat_str(village_codes, numbers)).to_series().alias("household_no")


def _addresses(people: Composition, villages: Villages, rng: np.random.Generator) -> pl.Series:
    n = len(people.village)
    prefix = pl.Series(villages.address_prefixes, dtype=pl.Utf8).gather(people.village)
    community = villages.community[people.village]
    street = pl.Series(STREETS, dtype=pl.Utf8).gather(rng.integers(0, len(STREETS), n))
    number = pl.Series(rng.integers(1, 200, n)).cast(pl.Utf8)
    group = pl.Series(rng.integers(1, 13, n)).cast(pl.Utf8)
    door = pl.Series(rng.integers(1, 120, n)).cast(pl.Utf8)
    frame = pl.DataFrame(
        {"prefix": prefix, "street": street, "number": number, "group": group, "door": door}
    )
    return frame.select(
        pl.when(pl.Series(community))
        .then(pl.concat_str("prefix", "street", "number", pl.lit("号")))
        .otherwise(pl.concat_str("prefix", "group", pl.lit("组"), "door", pl.lit("号")))
        .alias("address_zh")
    ).to_series()


def _dates(days: np.ndarray) -> pl.Series:
    return pl.Series(np.asarray(days, dtype=np.int32)).cast(pl.Date)


def _nullable_int8(values: np.ndarray, missing: np.ndarray) -> pl.Series:
    return pl.Series(values, dtype=pl.Int8).set(pl.Series(missing), None)
