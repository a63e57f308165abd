"""The synthetic population: valid identities and cards, the population contract, determinism,
and statistics within stated ranges.

Runs without Django: `pytest tests/registry/test_synthetic.py -p no:django`.
"""

import hashlib
import re
from datetime import date

import numpy as np
import polars as pl
import pytest
from hypothesis import given
from hypothesis import strategies as st
from stdnum import luhn
from stdnum.cn import ric

from huimin.registry.synthetic import Synthetic, generate, villages_under, write_parquet
from huimin.registry.synthetic.identity import ID_CHECK_CHARS, id_check_indices
from huimin.registry.synthetic.money import luhn_check_digits
from huimin.rules.schema import (
    HOUSEHOLD_COLUMNS,
    INCOME_COLUMNS,
    INCOME_TYPES,
    PARENT_STATUSES,
    PERSON_COLUMNS,
    SPECIAL_CARE_CATEGORIES,
)

DALI = "5329"
VALIDITY_PERSONS = 10_000
STATISTICS_PERSONS = 60_000
# The calibration standard the incomes were drawn against (yuan per person per month).
CALIBRATION_STANDARD_FEN = {"urban": 80_000, "rural": 55_000}
# Income types the calibration leaves out, as dibao does (POLICY.md: not counted as income).
NOT_COUNTED_INCOME = (
    "special_care",
    "family_planning_reward",
    "scholarship",
    "bravery_award",
    "social_assistance",
    "pension_basic",
)


@pytest.fixture(scope="module")
def dali_villages() -> list[str]:
    return villages_under(DALI)


@pytest.fixture(scope="module")
def population(dali_villages: list[str]) -> Synthetic:
    return generate(dali_villages, VALIDITY_PERSONS, seed=11)


@pytest.fixture(scope="module")
def large(dali_villages: list[str]) -> Synthetic:
    return generate(dali_villages, STATISTICS_PERSONS, seed=2024)


def number(value: object) -> float:
    """A Polars aggregate as a float (they are typed as any scalar)."""
    assert isinstance(value, int | float)
    return float(value)


def with_age(result: Synthetic) -> pl.DataFrame:
    days = (pl.lit(result.as_of) - pl.col("birth_date")).dt.total_days()
    return result.persons.with_columns(age=days / 365.2425)


# Shape and contract


def test_it_makes_exactly_the_requested_number_of_persons(population: Synthetic) -> None:
    assert population.persons.height == VALIDITY_PERSONS
    assert population.households["member_count"].sum() == VALIDITY_PERSONS


@pytest.mark.parametrize(
    ("frame_name", "contract"),
    [("households", HOUSEHOLD_COLUMNS), ("persons", PERSON_COLUMNS), ("incomes", INCOME_COLUMNS)],
)
def test_it_fills_every_column_of_the_population_contract_with_its_dtype(
    population: Synthetic, frame_name: str, contract: dict
) -> None:
    frame = getattr(population, frame_name)
    for column, dtype in contract.items():
        assert column in frame.columns, column
        assert frame.schema[column] == dtype, column


def test_it_uses_only_the_contract_vocabularies(population: Synthetic) -> None:
    persons, incomes, households = population.persons, population.incomes, population.households
    assert set(persons["sex"]) <= {"M", "F"}
    assert set(persons["relation"]) <= {
        "head",
        "spouse",
        "child",
        "parent",
        "grandchild",
        "sibling",
        "other",
    }
    assert set(persons["father_status"]) | set(persons["mother_status"]) <= set(PARENT_STATUSES)
    assert set(persons["special_care_category"]) <= set(SPECIAL_CARE_CATEGORIES)
    assert set(incomes["income_type"]) <= set(INCOME_TYPES)
    assert set(households["residence_type"]) <= {"urban", "rural"}
    assert set(households["emergency_kind"]) == {"none"}


def test_it_links_every_person_to_a_household_with_one_head(population: Synthetic) -> None:
    persons, households = population.persons, population.households
    assert number(persons["household_idx"].max()) < households.height
    heads = persons.with_row_index("idx").filter(pl.col("relation") == "head")
    assert heads["household_idx"].to_list() == list(range(households.height))
    assert heads["idx"].to_list() == households["head_person_idx"].to_list()


def test_it_pays_a_living_adult_member_of_the_family(population: Synthetic) -> None:
    payees = with_age(population)[population.households["payee_person_idx"].to_list()]
    assert payees["household_idx"].to_list() == list(range(population.households.height))
    assert payees["death_date"].is_null().all()
    assert payees["counted_in_family"].all()
    assert (payees["age"] >= 18).all()


def test_it_places_households_only_in_the_requested_villages(dali_villages: list[str]) -> None:
    chosen = dali_villages[::40]
    result = generate(chosen, 3_000, seed=5)
    households = result.households
    assert set(households["region_code"]) <= set(chosen)
    assert (
        households["household_no"].str.slice(0, 12).to_list() == households["region_code"].to_list()
    )
    assert households["household_no"].n_unique() == households.height
    township = households["region_code"].str.slice(6, 3).cast(pl.Int32)
    assert ((township < 100) == (households["residence_type"] == "urban")).all()


def test_it_rejects_a_malformed_village_code() -> None:
    with pytest.raises(ValueError, match="village code"):
        generate(["532901003"], 10, seed=1)


# Identity numbers, cards, phones


def test_it_gives_every_person_an_identity_number_that_passes_stdnum(population: Synthetic) -> None:
    for number in population.persons["id_number"]:
        assert ric.validate(number) == number


def test_it_encodes_birth_date_and_sex_in_the_identity_number(population: Synthetic) -> None:
    persons = population.persons
    for number, birth, sex in zip(
        persons["id_number"], persons["birth_date"], persons["sex"], strict=True
    ):
        assert ric.get_birth_date(number) == birth
        assert int(number[14:17]) % 2 == (1 if sex == "M" else 0)


def test_it_never_repeats_an_identity_number(population: Synthetic) -> None:
    assert population.persons["id_number"].n_unique() == population.persons.height


def test_it_issues_identity_numbers_in_counties_of_the_run(population: Synthetic) -> None:
    # Before 1983 Dali city was Dali county (532921); stdnum checks the code against the birth year.
    counties = set(population.households["region_code"].str.slice(0, 6)) | {"532921"}
    assert set(population.persons["id_number"].str.slice(0, 6)) <= counties
    born_since_1983 = population.persons.filter(pl.col("birth_date") >= date(1983, 1, 1))
    assert "532921" not in set(born_since_1983["id_number"].str.slice(0, 6))


@given(st.integers(min_value=10**16, max_value=10**17 - 1))
def test_it_computes_the_check_character_as_stdnum_does(body: int) -> None:
    computed = ID_CHECK_CHARS[int(id_check_indices(np.array([body], dtype=np.int64))[0])]
    assert computed == ric.calc_check_digit(f"{body}0")  # stdnum drops the last character


@given(st.integers(min_value=10**14, max_value=10**18 - 1))
def test_it_computes_the_luhn_digit_as_stdnum_does(body: int) -> None:
    assert str(luhn_check_digits(np.array([body], dtype=np.int64))[0]) == luhn.calc_check_digit(
        str(body)
    )


def test_it_gives_every_household_a_unique_luhn_valid_bank_card(population: Synthetic) -> None:
    cards = population.households["bank_card_no"]
    assert cards.str.len_chars().is_between(16, 19).all()
    assert all(luhn.is_valid(card) for card in cards)
    assert cards.n_unique() == len(cards)


def test_it_gives_every_household_a_unique_mobile_number(population: Synthetic) -> None:
    phones = population.households["phone"]
    assert phones.str.contains(r"^1[35789]\d{9}$").all()
    assert phones.n_unique() == len(phones)


def test_it_names_people_in_chinese_characters(population: Synthetic) -> None:
    pattern = re.compile(r"^[\u4e00-\u9fff]{2,5}$")
    assert all(pattern.match(name) for name in population.persons["name_zh"])


# Internal consistency


def test_it_keeps_generations_apart(population: Synthetic) -> None:
    people = with_age(population)
    assert number(people["age"].min()) >= 0
    assert number(people["age"].max()) < 105
    heads = people.filter(pl.col("relation") == "head").select("household_idx", head_age="age")
    children = people.filter(pl.col("relation") == "child").join(heads, on="household_idx")
    assert (children["head_age"] - children["age"] >= 15).all()
    grown = people.filter(pl.col("relation").is_in(["head", "spouse", "parent"]))
    assert (grown["age"] >= 18).all()


def test_it_records_disability_category_and_grade_together(population: Synthetic) -> None:
    persons = population.persons
    assert (persons["disability_category"].is_null() == persons["disability_grade"].is_null()).all()
    assert persons["disability_category"].drop_nulls().is_between(1, 7).all()
    assert persons["disability_grade"].drop_nulls().is_between(1, 4).all()


def test_it_derives_the_self_care_flags_from_the_count(population: Synthetic) -> None:
    persons = population.persons
    flags = [column for column in persons.columns if column.startswith("unable_")]
    assert len(flags) == 6
    counted = persons.select(pl.sum_horizontal(flags).cast(pl.Int8))
    assert counted.to_series().to_list() == persons["selfcare_unable_count"].to_list()


def test_it_grades_only_disabled_veterans(population: Synthetic) -> None:
    persons = population.persons
    graded = persons["special_care_grade"].is_not_null()
    assert (graded == (persons["special_care_category"] == "disabled_veteran")).all()


def test_it_gives_a_reason_for_everyone_not_counted_in_the_family(population: Synthetic) -> None:
    persons = population.persons
    assert (persons["counted_in_family"] == persons["not_counted_reason"].is_null()).all()


def test_it_closes_the_incomes_of_the_dead_on_the_day_they_died(population: Synthetic) -> None:
    incomes = population.incomes.join(
        population.persons.with_row_index("person_idx").select("person_idx", "death_date"),
        on="person_idx",
    )
    of_the_dead = incomes.filter(pl.col("death_date").is_not_null())
    assert of_the_dead["valid_to"].is_not_null().all()
    assert (of_the_dead["valid_to"] <= of_the_dead["death_date"]).all()
    closed = population.incomes.filter(pl.col("valid_to").is_not_null())
    assert (closed["valid_from"] <= closed["valid_to"]).all()
    assert (population.incomes["valid_from"] <= population.as_of).all()


def test_it_pays_special_care_only_to_special_care_persons(population: Synthetic) -> None:
    receivers = population.incomes.filter(pl.col("income_type") == "special_care")["person_idx"]
    categories = population.persons["special_care_category"].gather(receivers)
    assert (categories != "none").all()


def test_it_sums_financial_assets_from_their_parts(population: Synthetic) -> None:
    households = population.households
    parts = (
        households["deposits_fen"]
        + households["securities_fen"]
        + households["debts_owed_to_family_fen"]
    )
    assert (households["financial_assets_fen"] == parts).all()
    assert (households["financial_assets_fen"] >= 0).all()


def test_it_knows_no_entitlements_yet(population: Synthetic) -> None:
    assert not population.households["on_dibao"].any()


# Determinism and output


def digest(result: Synthetic) -> str:
    sha = hashlib.sha256()
    for frame in (result.households, result.persons, result.incomes):
        sha.update(frame.write_csv().encode())
    return sha.hexdigest()


def test_it_is_identical_for_the_same_seed_and_differs_for_another(
    dali_villages: list[str],
) -> None:
    first = generate(dali_villages, 4_000, seed=99)
    again = generate(dali_villages, 4_000, seed=99)
    other = generate(dali_villages, 4_000, seed=100)
    assert digest(first) == digest(again)
    assert digest(first) != digest(other)


def test_it_depends_on_the_reference_date_only_through_dates(dali_villages: list[str]) -> None:
    result = generate(dali_villages, 500, seed=3, as_of=date(2030, 1, 1))
    assert result.as_of == date(2030, 1, 1)
    assert (result.persons["birth_date"] <= date(2030, 1, 1)).all()


def test_it_writes_three_parquet_files_that_read_back_unchanged(
    population: Synthetic, tmp_path
) -> None:
    paths = write_parquet(population, tmp_path / "out")
    assert sorted(path.name for path in paths.values()) == [
        "households.parquet",
        "incomes.parquet",
        "persons.parquet",
    ]
    assert pl.read_parquet(paths["persons"]).equals(population.persons)
    assert pl.read_parquet(paths["households"]).equals(population.households)
    assert pl.read_parquet(paths["incomes"]).equals(population.incomes)


# Statistics: the ranges a realistic Dali population should fall in


def test_it_sizes_households_realistically(large: Synthetic) -> None:
    households = large.households
    assert households["member_count"].is_between(1, 7).all()
    assert 2.4 <= number(households["member_count"].mean()) <= 3.3
    by_type = dict(
        households.group_by("residence_type").agg(pl.col("member_count").mean()).iter_rows()
    )
    assert 2.6 <= by_type["rural"] <= 3.3
    assert 2.2 <= by_type["urban"] <= 2.9


def test_it_ages_the_population_realistically(large: Synthetic) -> None:
    age = with_age(large)["age"]
    assert 0.14 <= number((age >= 60).mean()) <= 0.24
    assert 0.008 <= number((age >= 80).mean()) <= 0.025
    assert (age >= 90).sum() > 0
    assert number((age >= 100).mean()) < 0.0005
    assert 0.15 <= number((age < 18).mean()) <= 0.30
    assert 0.48 <= number((large.persons["sex"] == "M").mean()) <= 0.53


def test_it_disables_about_six_in_a_hundred_mostly_mildly(large: Synthetic) -> None:
    persons = large.persons
    assert 0.05 <= number(persons["disability_category"].is_not_null().mean()) <= 0.07
    grades = persons["disability_grade"].drop_nulls()
    assert (grades >= 3).sum() > (grades <= 2).sum()
    assert set(persons["disability_category"].drop_nulls()) == set(range(1, 8))
    assert 0.01 <= number(persons["serious_illness"].mean()) <= 0.03


def test_it_puts_a_realistic_share_of_households_below_the_calibration_standard(
    large: Synthetic,
) -> None:
    persons = large.persons.with_row_index("person_idx")
    counted = persons.filter(pl.col("counted_in_family") & pl.col("death_date").is_null())
    income = (
        large.incomes.filter(
            pl.col("valid_to").is_null() & ~pl.col("income_type").is_in(NOT_COUNTED_INCOME)
        )
        .join(counted.select("person_idx", "household_idx"), on="person_idx")
        .group_by("household_idx")
        .agg(pl.col("monthly_fen").sum())
    )
    members = counted.group_by("household_idx").len()
    households = (
        large.households.with_row_index("household_idx")
        .join(members, on="household_idx", how="left")
        .join(income, on="household_idx", how="left")
        .with_columns(pl.col("monthly_fen").fill_null(0), pl.col("len").fill_null(1))
    )
    standard = pl.col("residence_type").replace_strict(CALIBRATION_STANDARD_FEN)
    below = households.select(pl.col("monthly_fen") / pl.col("len") < standard).to_series()
    assert 0.04 <= number(below.mean()) <= 0.14


def test_it_mixes_peoples_as_dali_does(large: Synthetic) -> None:
    shares = large.persons["ethnicity"].value_counts(normalize=True)
    share = dict(zip(shares["ethnicity"], shares["proportion"], strict=True))
    han, bai, yi, hui, lisu, miao = "01", "14", "07", "03", "20", "06"  # GB/T 3304 codes
    assert 0.35 <= share[han] <= 0.60
    assert 0.25 <= share[bai] <= 0.50
    assert 0.05 <= share[yi] <= 0.25
    assert {hui, lisu, miao} <= set(share)


def test_it_includes_the_people_the_programs_exist_for(large: Synthetic) -> None:
    people = with_age(large)
    minors = people.filter(pl.col("age") < 18)
    orphans = minors.filter(
        (pl.col("father_status") == "dead") & (pl.col("mother_status") == "dead")
    )
    assert 0 < orphans.height < 0.01 * minors.height
    unable = ["missing", "imprisoned", "severely_disabled", "seriously_ill", "drug_rehabilitation"]
    unsupported = minors.filter(
        pl.col("father_status").is_in(unable + ["dead"])
        & pl.col("mother_status").is_in(unable + ["dead"])
        & ~((pl.col("father_status") == "dead") & (pl.col("mother_status") == "dead"))
    )
    assert unsupported.height > 0
    categories = people["special_care_category"].value_counts()
    assert set(categories["special_care_category"]) == set(SPECIAL_CARE_CATEGORIES)
    assert number((people["special_care_category"] != "none").mean()) < 0.01
    assert 0.0005 <= number((~people["counted_in_family"]).mean()) <= 0.01
    assert 0.001 <= number(people["death_date"].is_not_null().mean()) <= 0.015
    assert people["in_institution"].sum() > 0
    assert (~people["legal_supporter_able"]).sum() > 0


def test_it_keeps_most_assets_modest(large: Synthetic) -> None:
    households = large.households
    assert 0.05 <= number((households["vehicle_value_fen"] >= 5_000_000).mean()) <= 0.25
    assert 0.005 <= number((households["home_count"] >= 3).mean()) <= 0.05
    assert 0.01 <= number((households["commercial_property_count"] > 0).mean()) <= 0.06
    assert number(households["deposits_fen"].median()) < 10_000_000  # under 100,000 yuan


def test_it_records_the_income_types_of_a_rural_prefecture(large: Synthetic) -> None:
    types = set(large.incomes["income_type"])
    expected = {"wages", "farm_net", "business", "pension_basic", "pension_other", "special_care"}
    assert expected | {"transfer_support", "family_planning_reward", "property"} <= types
