"""One month of a population: ages, membership and the income of the month.

Nothing here reads a parameter, so a `PeriodView` is computed once per period and shared by every
parameter set evaluated for that month. Aggregation uses numpy `bincount` on the integer household
codes of the frame contract: array arithmetic, no joins. A small population (`Population.small`)
computes the per-person facts with plain Python and numpy instead of a Polars query: same columns,
same dtypes, same values (a test compares both ways).

Membership in month M (one reference day, stated in `periods`): born on or before the last day of
M, alive on its first day, counted in the family. Ages are on the last day of M.

Income of a record for a month is prorated by the days of that month it covers:
`monthly_fen x days covered / days of the month`, rounded half up to whole fen, so a job that
changes mid-month counts each wage for its own days, never both in full. A reading over `n`
months (`income_share`, n >= 1) is the average of the `n` whole months BEFORE M, each prorated,
rounded half up to whole fen per record; `n = 0` reads month M itself. Which reading applies to
which income type is a program parameter (e.g. `dibao.income.months`: last month's wages, farm
income over the last 12 months, CQ-DB §12).
"""

import datetime as dt
from collections import OrderedDict
from collections.abc import Callable, Hashable
from functools import cached_property
from typing import Any

import numpy as np
import polars as pl

from huimin.rules.periods import Period
from huimin.rules.population import Population, with_series

# Classified top-up categories; a person's code is the bit sum of the categories they are in.
TOPUP_CATEGORIES = ("elderly", "minor", "severely_disabled", "seriously_ill")
_EPOCH = dt.date(1970, 1, 1)
_NO_GRADE = 99  # a person without a disability grade, for "grade <= limit" comparisons
PERSON_HOUSEHOLD_COLUMNS = ("residence_type", "financial_assets_fen", "n_members")
_DERIVED_KEPT = 2


class PeriodView:
    def __init__(self, population: "Population", period: Period) -> None:
        self.population = population
        self.period = period
        facts = _person_facts_small if population.small else _person_facts
        self.persons = facts(population, period)
        self.member = self.persons["member"].to_numpy()
        self.households = self._household_facts()
        self._shares: dict[int, np.ndarray] = {}
        self._derived: OrderedDict[tuple[Hashable, ...], Any] = OrderedDict()

    def derived(self, key: tuple[Hashable, ...], compute: Callable[[], Any]) -> Any:
        """A fact of this month that depends on parameter values, computed once for the values
        `key` names (its first item names the fact): parameter sets that agree on them, a
        baseline and a reform of something else, share it. The last two of each fact are kept,
        so a search over a parameter does not hoard one per step."""
        found = self._derived.get(key)
        if found is None:
            found = self._derived[key] = compute()
            if isinstance(found, np.ndarray):
                found.flags.writeable = False  # shared by parameter sets: never changed in place
            kept = [k for k in self._derived if k[:1] == key[:1]]
            for old in kept[:-_DERIVED_KEPT]:
                del self._derived[old]
        self._derived.move_to_end(key)
        return found

    def _household_facts(self) -> pl.DataFrame:
        pop = self.population
        households = pop.n_households
        return with_series(
            pop.households,
            [
                pl.Series("household_idx", np.arange(households, dtype=np.uint32)),
                pl.Series("n_members", count_flags(pop.person_household, self.member, households)),
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

    def income_share(self, months: int) -> np.ndarray:
        """Per income record, its monthly amount for this month read over `months` months
        (0: this month; n: the average of the n months before it), prorated by days."""
        found = self._shares.get(months)
        if found is None:
            found = self._shares[months] = _income_share(self.population, self.period, months)
        return found

    def record_income(self, type_months: np.ndarray) -> np.ndarray:
        """Per income record, its amount for this month under a [region, income type] table of
        reading windows in months (-1: not counted, which yields 0)."""
        key = ("record_income", type_months.shape, type_months.tobytes())
        return self.derived(key, lambda: self._record_income(type_months))

    def _record_income(self, type_months: np.ndarray) -> np.ndarray:
        pop = self.population
        window = type_months[pop.income_region, pop.income_type]
        amounts = np.zeros(window.shape, dtype=np.int64)
        for months in np.unique(window):
            if months >= 0:
                chosen = window == months
                amounts[chosen] = self.income_share(int(months))[chosen]
        return amounts

    def household_income(
        self, type_months: np.ndarray, persons: np.ndarray | None = None
    ) -> np.ndarray:
        """Monthly income per household of its members (or of `persons` only), each type read
        as `type_months[region, type]` says (-1: not counted)."""
        if persons is None:
            key = ("household_income", type_months.shape, type_months.tobytes())
            return self.derived(key, lambda: self._household_income(type_months, self.member))
        return self._household_income(type_months, persons)

    def _household_income(self, type_months: np.ndarray, persons: np.ndarray) -> np.ndarray:
        pop = self.population
        keep = persons[pop.income_person]
        amounts = self.record_income(type_months)
        return _sum(pop.income_household[keep], amounts[keep], pop.n_households)

    def person_income(
        self, type_months: np.ndarray, persons: np.ndarray | None = None
    ) -> np.ndarray:
        """Each person's own monthly income of the counted types (only `persons` if given)."""
        pop = self.population
        amounts = self.record_income(type_months)
        if persons is not None:
            amounts = np.where(persons[pop.income_person], amounts, 0)
        return _sum(pop.income_person, amounts, pop.n_persons)


def _income_share(population: "Population", period: Period, months: int) -> np.ndarray:
    """Integer fen per income record: see the module docstring for the reading."""
    starts, ends = population.income_from.astype(np.int64), population.income_to.astype(np.int64)
    fen = population.income_fen_int
    window = [0] if months == 0 else list(range(1, months + 1))
    total = np.zeros(fen.shape, dtype=np.int64)
    for back in window:
        first = period.months_before(back)
        last = Period(first.year, first.month).end
        day_first, day_last = (first - _EPOCH).days, (last - _EPOCH).days
        days_in_month = day_last - day_first + 1
        covered = np.minimum(ends, day_last) - np.maximum(starts, day_first) + 1
        covered = np.clip(covered, 0, None)
        # half up in integers: (2 x fen x days + D) // 2D
        total += (2 * fen * covered + days_in_month) // (2 * days_in_month)
    count = len(window)
    return (2 * total + count) // (2 * count)


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
    # born by the last day of the month (a negative age is someone not yet born) and alive on
    # its first day
    alive = (pl.col("death_date").is_null() | (pl.col("death_date") > pl.lit(period.start))) & (
        age >= 0
    )
    household_ids = population.households["household_id"].to_numpy()
    # one query for both steps (eager steps would be planned and run one by one); the
    # in-memory engine is the one eager DataFrame methods use
    persons = population.persons.lazy().with_columns(
        pl.int_range(population.n_persons, dtype=pl.UInt32).alias("person_idx"),
        pl.Series("household_id", household_ids[population.person_household]),
        age.alias("age"),
        alive.alias("alive"),
        # nulls filled once a month, for the parameter thresholds programs compare them with
        pl.col("disability_grade").fill_null(_NO_GRADE).cast(pl.Int8).alias("grade_or_none"),
        pl.col("serious_illness").fill_null(False).alias("seriously_ill_flag"),
        pl.col("selfcare_unable_count").fill_null(0).cast(pl.Int8).alias("selfcare_unable"),
    )
    member = pl.col("alive") & pl.col("counted_in_family").fill_null(True)
    return persons.with_columns(member.alias("member")).collect(engine="in-memory")


def _person_facts_small(population: "Population", period: Period) -> pl.DataFrame:
    """`_person_facts` for a few persons, element by element (nulls filled the same way)."""
    persons = population.persons
    end_monthday = period.end.month * 100 + period.end.day
    years = persons["birth_year"].to_numpy()
    age = (period.end.year - years - (persons["birth_monthday"].to_numpy() > end_monthday)).astype(
        np.int32
    )
    alive = _flags(persons["death_date"], lambda died: died is None or died > period.start)
    alive &= age >= 0
    member = alive & _flags(persons["counted_in_family"], lambda counted: counted is not False)
    household_ids = population.households["household_id"].to_numpy()
    columns = {
        "person_idx": np.arange(population.n_persons, dtype=np.uint32),
        "household_id": household_ids[population.person_household],
        "age": age,
        "alive": alive,
        "grade_or_none": np.array(
            [_NO_GRADE if g is None else g for g in persons["disability_grade"].to_list()],
            dtype=np.int8,
        ),
        "seriously_ill_flag": _flags(persons["serious_illness"], lambda ill: bool(ill)),
        "selfcare_unable": np.array(
            [u or 0 for u in persons["selfcare_unable_count"].to_list()], dtype=np.int8
        ),
        "member": member,
    }
    return with_series(persons, [pl.Series(name, values) for name, values in columns.items()])


def _flags(column: pl.Series, test: Callable[[Any], bool]) -> np.ndarray:
    return np.array([test(value) for value in column.to_list()], dtype=bool)


def count_flags(codes: np.ndarray, flags: np.ndarray, size: int) -> np.ndarray:
    return np.bincount(codes[flags], minlength=size).astype(np.int64)


def _sum(codes: np.ndarray, weights: np.ndarray, size: int) -> np.ndarray:
    # float64 sums of integer fen are exact below 2**53 fen (90 trillion yuan)
    return np.rint(np.bincount(codes, weights=weights, minlength=size)).astype(np.int64)


def combo_counts(
    prefix: str, households: np.ndarray, codes: np.ndarray, flags: np.ndarray, size: int
) -> dict[str, np.ndarray]:
    """Per top-up code present among the flagged persons, how many each household has."""
    keep = flags & (codes > 0)
    kept_households, kept_codes = households[keep], codes[keep]
    present = np.flatnonzero(np.bincount(kept_codes, minlength=16))
    # one count per code present: a (household x code) table would be sixteen times the
    # households, most of it zeros, and its columns slow strided copies
    return {
        f"{prefix}.{code}": np.bincount(kept_households[kept_codes == code], minlength=size).astype(
            np.int64, copy=False
        )
        for code in present
    }
