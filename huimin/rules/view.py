"""One month of a population: ages, membership and household aggregates.

Nothing here reads a parameter, so a `PeriodView` is computed once per period and shared by every
parameter set evaluated for that month. Aggregation uses numpy `bincount` on the integer household
codes of the frame contract: array arithmetic, no joins. A small population (`Population.small`)
computes the per-person facts with plain Python and numpy instead of a Polars query: same columns,
same dtypes, same values (a test compares both ways).
"""

import datetime as dt
from collections.abc import Callable
from functools import cached_property
from typing import Any

import numpy as np
import polars as pl

from huimin.rules.periods import Period
from huimin.rules.population import Population, with_series

ADULT_AGE = 18  # 未成年人保护法 §2
ELDERLY_AGE = 60  # 老年人权益保障法 §2
BEDRIDDEN_SELFCARE_UNABLE = (
    4  # no self-care ability (4+ of 6 activities unaided) stands for bedridden
)

# Classified top-up categories; a person's code is the bit sum of the categories they are in.
TOPUP_CATEGORIES = ("elderly", "minor", "severely_disabled", "seriously_ill")
_EPOCH = dt.date(1970, 1, 1)
PERSON_HOUSEHOLD_COLUMNS = ("residence_type", "financial_assets_fen", "n_members")


class PeriodView:
    def __init__(self, population: "Population", period: Period) -> None:
        self.population = population
        self.period = period
        facts = _person_facts_small if population.small else _person_facts
        self.persons = facts(population, period)
        self.member = self.persons["member"].to_numpy()
        self.households = self._household_facts()
        start = (period.start - _EPOCH).days
        end = (period.end - _EPOCH).days
        self.income_valid = (population.income_from <= end) & (population.income_to >= start)

    def _household_facts(self) -> pl.DataFrame:
        pop = self.population
        households = pop.n_households
        codes = self.persons["topup_code"].to_numpy().astype(np.int64)
        single = self.persons["single_candidate"].to_numpy()
        columns = {
            "n_members": _count(pop.person_household, self.member, households),
            "n_single_candidates": _count(pop.person_household, single, households),
        }
        columns |= _combo_counts("topup", pop.person_household, codes, self.member, households)
        columns |= _combo_counts("single_topup", pop.person_household, codes, single, households)
        return with_series(
            pop.households,
            [
                pl.Series("household_idx", np.arange(households, dtype=np.uint32)),
                *(pl.Series(name, values) for name, values in columns.items()),
            ],
        )

    @cached_property
    def persons_with_households(self) -> pl.DataFrame:
        """Persons with the household columns person-level programs read, built once a month."""
        rows = self.population.person_household
        if self.population.small:
            # indexing a Series by a numpy array gathers without planning a query
            spread = [self.households[name][rows] for name in PERSON_HOUSEHOLD_COLUMNS]
        else:
            columns = pl.col(*PERSON_HOUSEHOLD_COLUMNS).gather(pl.Series(rows))
            spread = self.households.select(columns).get_columns()
        return with_series(self.persons, spread)

    def topup_codes(self, prefix: str) -> tuple[int, ...]:
        """The category combinations present in this month's households (columns prefix.N)."""
        return self._topup_codes[prefix]

    @cached_property
    def _topup_codes(self) -> dict[str, tuple[int, ...]]:
        found: dict[str, list[int]] = {"topup": [], "single_topup": []}
        for column in self.households.columns:
            prefix, _, code = column.partition(".")
            if prefix in found and code:
                found[prefix].append(int(code))
        return {prefix: tuple(codes) for prefix, codes in found.items()}

    def household_income(
        self, type_mask: np.ndarray, persons: np.ndarray | None = None
    ) -> np.ndarray:
        """Monthly income per household of its members (or of `persons` only), of the types
        `type_mask[region, type]` marks as counted."""
        pop = self.population
        whose = self.member if persons is None else persons
        keep = self.income_valid & whose[pop.income_person]
        keep &= type_mask[pop.income_region, pop.income_type]
        return _sum(pop.income_household[keep], pop.income_fen[keep], pop.n_households)

    def person_income(self, type_mask: np.ndarray, persons: np.ndarray | None = None) -> np.ndarray:
        """Each person's own monthly income of the counted types (only `persons` if given)."""
        pop = self.population
        keep = self.income_valid & type_mask[pop.income_region, pop.income_type]
        if persons is not None:
            keep &= persons[pop.income_person]
        return _sum(pop.income_person[keep], pop.income_fen[keep], pop.n_persons)


TOPUP_WORDS_ZH = {
    "elderly": "老年人",
    "minor": "未成年人",
    "severely_disabled": "重度残疾人",
    "seriously_ill": "重病患者",
}


def topup_label(code: int, lang: str = "en") -> str:
    names = [name for bit, name in enumerate(TOPUP_CATEGORIES) if code >> bit & 1]
    if lang == "zh":
        return "、".join(TOPUP_WORDS_ZH[name] for name in names)
    return "+".join(names)


def _person_facts(population: "Population", period: Period) -> pl.DataFrame:
    end_monthday = period.end.month * 100 + period.end.day
    age = (
        pl.lit(period.end.year)
        - pl.col("birth_year")
        - (pl.col("birth_monthday") > end_monthday).cast(pl.Int32)
    ).cast(pl.Int32)
    alive = pl.col("death_date").is_null() | (pl.col("death_date") > pl.lit(period.start))
    severe = pl.col("disability_grade").fill_null(9) <= 2
    ill = pl.col("serious_illness").fill_null(False)
    household_ids = population.households["household_id"].to_numpy()
    # one query for both steps (eager steps would be planned and run one by one); the
    # in-memory engine is the one eager DataFrame methods use
    persons = population.persons.lazy().with_columns(
        pl.int_range(population.n_persons, dtype=pl.UInt32).alias("person_idx"),
        pl.Series("household_id", household_ids[population.person_household]),
        age.alias("age"),
        alive.alias("alive"),
        severe.alias("severely_disabled"),
        ill.alias("seriously_ill_flag"),
    )
    member = pl.col("alive") & pl.col("counted_in_family").fill_null(True)
    bedridden = pl.col("selfcare_unable_count").fill_null(0) >= BEDRIDDEN_SELFCARE_UNABLE
    return persons.with_columns(
        member.alias("member"),
        (
            member
            & (pl.col("age") >= ADULT_AGE)
            & (pl.col("severely_disabled") | (pl.col("seriously_ill_flag") & bedridden))
        ).alias("single_candidate"),
        (
            (pl.col("age") >= ELDERLY_AGE).cast(pl.UInt8)
            + (pl.col("age") < ADULT_AGE).cast(pl.UInt8) * 2
            + pl.col("severely_disabled").cast(pl.UInt8) * 4
            + pl.col("seriously_ill_flag").cast(pl.UInt8) * 8
        ).alias("topup_code"),
    ).collect(engine="in-memory")


def _person_facts_small(population: "Population", period: Period) -> pl.DataFrame:
    """`_person_facts` for a few persons, element by element (nulls filled the same way)."""
    persons = population.persons
    end_monthday = period.end.month * 100 + period.end.day
    years = persons["birth_year"].to_numpy()
    age = (period.end.year - years - (persons["birth_monthday"].to_numpy() > end_monthday)).astype(
        np.int32
    )
    alive = _flags(persons["death_date"], lambda died: died is None or died > period.start)
    severe = _flags(persons["disability_grade"], lambda grade: (9 if grade is None else grade) <= 2)
    ill = _flags(persons["serious_illness"], lambda ill: bool(ill))
    member = alive & _flags(persons["counted_in_family"], lambda counted: counted is not False)
    bedridden = _flags(
        persons["selfcare_unable_count"],
        lambda unable: (unable or 0) >= BEDRIDDEN_SELFCARE_UNABLE,
    )
    topup = (age >= ELDERLY_AGE) + (age < ADULT_AGE) * 2 + severe * 4 + ill * 8
    household_ids = population.households["household_id"].to_numpy()
    columns = {
        "person_idx": np.arange(population.n_persons, dtype=np.uint32),
        "household_id": household_ids[population.person_household],
        "age": age,
        "alive": alive,
        "severely_disabled": severe,
        "seriously_ill_flag": ill,
        "member": member,
        "single_candidate": member & (age >= ADULT_AGE) & (severe | (ill & bedridden)),
        "topup_code": topup.astype(np.uint8),
    }
    return with_series(persons, [pl.Series(name, values) for name, values in columns.items()])


def _flags(column: pl.Series, test: Callable[[Any], bool]) -> np.ndarray:
    return np.array([test(value) for value in column.to_list()], dtype=bool)


def _count(codes: np.ndarray, flags: np.ndarray, size: int) -> np.ndarray:
    return np.bincount(codes[flags], minlength=size).astype(np.int64)


def _sum(codes: np.ndarray, weights: np.ndarray, size: int) -> np.ndarray:
    # float64 sums of integer fen are exact below 2**53 fen (90 trillion yuan)
    return np.rint(np.bincount(codes, weights=weights, minlength=size)).astype(np.int64)


def _combo_counts(
    prefix: str, households: np.ndarray, codes: np.ndarray, flags: np.ndarray, size: int
) -> dict[str, np.ndarray]:
    keep = flags & (codes > 0)
    table = np.bincount(households[keep] * 16 + codes[keep], minlength=size * 16).reshape(size, 16)
    present = np.flatnonzero(table.any(axis=0))
    return {f"{prefix}.{code}": table[:, code].astype(np.int64) for code in present}
