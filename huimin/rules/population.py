"""A population: the three frames of `huimin.rules.schema`, checked and indexed once.

Building a `Population` validates the frames against the contract, fills optional columns, and
precomputes everything that depends neither on the period nor on parameters (region indexes,
birth-date parts, income codes as numpy arrays). Per-period work (ages, membership, household
aggregates) is cached per period in a `PeriodView`, so many parameter sets (a reform, a what-if)
evaluate against the same built population without rebuilding it.

A population of a few persons (explain, one household posted to the API) computes the same
derived arrays with plain Python and numpy: each small Polars query costs tens of microseconds of
planning, more than the arithmetic on a handful of rows. Only derived inputs are computed twice
(same dtypes, same values: a test builds populations both ways and compares); program rules
always run as the one set of Polars expressions.
"""

import datetime as dt
import re
from collections import OrderedDict
from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
import polars as pl

from huimin.rules.errors import SchemaError
from huimin.rules.periods import Period, parse_period
from huimin.rules.schema import (
    HOUSEHOLD_COLUMNS,
    INCOME_COLUMNS,
    INCOME_TYPES,
    OPTIONAL_HOUSEHOLD_COLUMNS,
    OPTIONAL_PERSON_COLUMNS,
    PERSON_COLUMNS,
)

if TYPE_CHECKING:
    from huimin.rules.binding import BoundParameters
    from huimin.rules.parameters import ParameterSet
    from huimin.rules.view import PeriodView

# Above this many distinct regions, prefix matching runs in Polars rather than a Python loop.
_VECTORIZE_REGIONS = 64
_CACHED_PERIODS = 4
_OPEN_END = np.iinfo(np.int32).max
_EPOCH = dt.date(1970, 1, 1)
# Up to this many persons (and households, and incomes) derived arrays are built in plain Python.
SMALL_POPULATION = 64
# A null in these columns is left to the Polars path, so both paths meet nulls the same way.
_NOT_NULL_IF_SMALL = {
    "households": ("region_code", "residence_type"),
    "persons": ("birth_date",),
    "incomes": ("income_type", "valid_from"),
}
_KNOWN_RESIDENCE = pl.col("residence_type").is_in(["urban", "rural"])
_WELL_FORMED = pl.col("region_code").str.contains(r"^\d{12}$")
# used with `fullmatch`: Python's `$` would also match before a final newline
_TWELVE_DIGITS = re.compile(r"\d{12}")


class Population:
    def __init__(self, households: pl.DataFrame, persons: pl.DataFrame, incomes: pl.DataFrame):
        households = _conform(
            households, HOUSEHOLD_COLUMNS, OPTIONAL_HOUSEHOLD_COLUMNS, "households"
        )
        persons = _conform(persons, PERSON_COLUMNS, OPTIONAL_PERSON_COLUMNS, "persons")
        incomes = _conform(incomes, INCOME_COLUMNS, {}, "incomes")
        # PeriodView reads this too: one switch for every derived array of this population
        self.small = _is_small(households=households, persons=persons, incomes=incomes)
        _check_values(households, persons, incomes, small=self.small)

        regions, region_idx = (_regions_small if self.small else _regions)(households)
        self.regions: list[str] = regions
        self.households = with_series(households, [pl.Series("region_idx", region_idx)])

        self.person_household = persons["household_idx"].to_numpy()
        urban = _equals(households["residence_type"], "urban", small=self.small)
        self.persons = with_series(
            persons,
            [
                pl.Series("region_idx", region_idx[self.person_household], pl.UInt32),
                pl.Series("urban", urban[self.person_household], pl.Boolean),
                *(_birth_parts_small if self.small else _birth_parts)(persons),
            ],
        )
        self.incomes = incomes
        self._index_incomes(incomes)
        self._prefixes: dict[int, pl.Series] = {}
        self._views: OrderedDict[str, PeriodView] = OrderedDict()
        self._bindings: OrderedDict[tuple[int, str], BoundParameters] = OrderedDict()

    def _index_incomes(self, incomes: pl.DataFrame) -> None:
        self.income_person = incomes["person_idx"].to_numpy()
        self.income_household = self.person_household[self.income_person]
        self.income_region = self.households["region_idx"].to_numpy()[self.income_household]
        codes = (_income_codes_small if self.small else _income_codes)(incomes)
        self.income_type, self.income_from, self.income_to = codes
        self.income_fen_int = incomes["monthly_fen"].to_numpy().astype(np.int64)
        self.income_fen = self.income_fen_int.astype(np.float64)

    @property
    def n_households(self) -> int:
        return self.households.height

    @property
    def n_persons(self) -> int:
        return self.persons.height

    def view(self, period: "str | Period") -> "PeriodView":
        """Everything about this population in one month that does not depend on parameters."""
        from huimin.rules.view import PeriodView

        period = parse_period(period)
        view = self._views.get(period.label)
        if view is None:
            view = PeriodView(self, period)
            _remember(self._views, period.label, view)
        return view

    def bind(self, parameters: "ParameterSet", period: "str | Period") -> "BoundParameters":
        """Parameters resolved for this population's regions in one month (cached)."""
        from huimin.rules.binding import BoundParameters

        period = parse_period(period)
        key = (parameters.token, period.label)
        bound = self._bindings.get(key)
        if bound is None:
            bound = BoundParameters(parameters, period, self)
            _remember(self._bindings, key, bound)
        return bound

    def clear_caches(self) -> None:
        """Forget month views and resolved parameters (benchmarks time them from scratch)."""
        self._views.clear()
        self._bindings.clear()

    def prefix_lookup(self, length: int, prefixes: dict[str, int]) -> np.ndarray:
        """For each distinct region, the index its `length`-digit prefix maps to, or -1."""
        if len(self.regions) <= _VECTORIZE_REGIONS:
            return np.array([prefixes.get(code[:length], -1) for code in self.regions], np.int32)
        series = self._prefixes.get(length)
        if series is None:
            series = pl.Series(self.regions).str.slice(0, length)
            self._prefixes[length] = series
        return series.replace_strict(
            list(prefixes), list(prefixes.values()), default=-1, return_dtype=pl.Int32
        ).to_numpy()

    def take(self, household_indices: Sequence[int] | np.ndarray) -> "Population":
        """A population of just these households (by row number), renumbered in that order."""
        keep = np.asarray(household_indices, dtype=np.int64)
        households = self.households[keep].select(_all_columns("households"))
        new_household = np.full(self.n_households, -1, dtype=np.int64)
        new_household[keep] = np.arange(keep.size)
        person_rows = np.flatnonzero(new_household[self.person_household] >= 0)
        persons = self.persons[person_rows].select(_all_columns("persons"))
        persons = persons.with_columns(
            pl.Series("household_idx", new_household[self.person_household[person_rows]], pl.UInt32)
        )
        new_person = np.full(self.n_persons, -1, dtype=np.int64)
        new_person[person_rows] = np.arange(person_rows.size)
        income_rows = np.flatnonzero(new_person[self.income_person] >= 0)
        incomes = self.incomes[income_rows].with_columns(
            pl.Series("person_idx", new_person[self.income_person[income_rows]], pl.UInt32)
        )
        return Population(households, persons, incomes)


def with_series(frame: pl.DataFrame, columns: Sequence[pl.Series]) -> pl.DataFrame:
    """`frame.with_columns(*columns)`. Adding ready Series with `hstack` plans no query, which is
    most of the cost on a household or two; a column that replaces one goes the usual way."""
    existing = set(frame.columns)
    if any(series.name in existing for series in columns):
        return frame.with_columns(columns)
    return frame.hstack(list(columns))


def _remember(cache: OrderedDict, key, value) -> None:  # type: ignore[type-arg]
    cache[key] = value
    while len(cache) > _CACHED_PERIODS:
        cache.popitem(last=False)


def _all_columns(frame: str) -> list[str]:
    if frame == "households":
        return [*HOUSEHOLD_COLUMNS, *OPTIONAL_HOUSEHOLD_COLUMNS]
    return [*PERSON_COLUMNS, *OPTIONAL_PERSON_COLUMNS]


def _conform(
    frame: pl.DataFrame,
    required: dict[str, pl.DataType | type[pl.DataType]],
    optional: dict[str, tuple[pl.DataType | type[pl.DataType], object]],
    what: str,
) -> pl.DataFrame:
    missing = [name for name in required if name not in frame.columns]
    if missing:
        raise SchemaError(f"{what} frame lacks required column(s): {', '.join(missing)}")
    schema = dict(zip(frame.columns, frame.dtypes, strict=True))  # faster than frame.schema
    casts = [pl.col(n).cast(t) for n, t in required.items() if schema[n] != t]
    fills = [
        pl.lit(default, dtype).alias(n)
        for n, (dtype, default) in optional.items()
        if n not in schema
    ]
    casts += [pl.col(n).cast(t) for n, (t, _) in optional.items() if n in schema and schema[n] != t]
    if not casts and not fills:
        return frame
    try:
        return frame.with_columns(*casts, *fills)
    except pl.exceptions.PolarsError as error:
        raise SchemaError(f"{what} frame: a column has the wrong type ({error})") from None


def _is_small(**frames: pl.DataFrame) -> bool:
    return all(
        frame.height <= SMALL_POPULATION
        and not any(frame[column].has_nulls() for column in _NOT_NULL_IF_SMALL[name])
        for name, frame in frames.items()
    )


def _check_values(
    households: pl.DataFrame, persons: pl.DataFrame, incomes: pl.DataFrame, *, small: bool
) -> None:
    if small:
        residences = households["residence_type"].to_list()
        residences_ok = all(r in ("urban", "rural") for r in residences)
        codes_ok = all(_TWELVE_DIGITS.fullmatch(c) for c in households["region_code"].to_list())
    else:
        # One query for both household checks; the filter that names the offending row runs
        # only on failure.
        checks = households.select(_KNOWN_RESIDENCE.all(), _WELL_FORMED.all())
        residences_ok, codes_ok = checks.row(0)
    if not residences_ok:
        row = households.filter(~_KNOWN_RESIDENCE).row(0, named=True)
        raise SchemaError(
            f"household {row['household_id']}: residence_type {row['residence_type']!r} "
            "is not 'urban' or 'rural'"
        )
    if not codes_ok:
        row = households.filter(~_WELL_FORMED).row(0, named=True)
        raise SchemaError(
            f"household {row['household_id']}: region_code {row['region_code']!r} "
            "is not a 12-digit code"
        )
    if persons.height and persons["household_idx"].max() >= households.height:  # type: ignore[operator]
        raise SchemaError("persons.household_idx points past the end of the households frame")
    if incomes.height and incomes["person_idx"].max() >= persons.height:  # type: ignore[operator]
        raise SchemaError("incomes.person_idx points past the end of the persons frame")
    # unknown income types are found where incomes are indexed (`_income_codes`)


# --- derived arrays, two ways: Polars for a population, plain Python for a few rows ---------


def _regions(households: pl.DataFrame) -> tuple[list[str], np.ndarray]:
    """The sorted distinct region codes, and each household's position among them."""
    regions = households["region_code"].unique().sort()
    # a binary search over the distinct codes is about twice as fast as ranking every code
    region_idx = regions.search_sorted(households["region_code"]).cast(pl.UInt32)
    return regions.to_list(), region_idx.to_numpy()


def _regions_small(households: pl.DataFrame) -> tuple[list[str], np.ndarray]:
    codes = households["region_code"].to_list()
    regions = sorted(set(codes))
    position = {code: index for index, code in enumerate(regions)}
    return regions, np.array([position[code] for code in codes], dtype=np.uint32)


def _equals(column: pl.Series, value: str, *, small: bool) -> np.ndarray:
    if small:
        return np.array([item == value for item in column.to_list()], dtype=bool)
    return (column == value).to_numpy()


def _birth_parts(persons: pl.DataFrame) -> list[pl.Series]:
    """Birth year and month x 100 + day: ages then need no date arithmetic per month."""
    born = pl.col("birth_date")
    parts = persons.select(
        born.dt.year().cast(pl.Int32).alias("birth_year"),
        (born.dt.month().cast(pl.Int32) * 100 + born.dt.day())
        .cast(pl.Int32)
        .alias("birth_monthday"),
    )
    return parts.get_columns()


def _birth_parts_small(persons: pl.DataFrame) -> list[pl.Series]:
    dates = persons["birth_date"].to_list()
    return [
        pl.Series("birth_year", [d.year for d in dates], pl.Int32),
        pl.Series("birth_monthday", [d.month * 100 + d.day for d in dates], pl.Int32),
    ]


def _income_codes(incomes: pl.DataFrame) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Income type as its position in INCOME_TYPES (uint8), valid_from and valid_to as int32
    days since 1970-01-01 (the day numbers PeriodView compares), an open end as int32 max."""
    codes = incomes.select(
        # an Enum's codes are positions in INCOME_TYPES; an unknown type becomes null
        pl.col("income_type").cast(pl.Enum(INCOME_TYPES), strict=False).to_physical(),
        # a Date is stored as Int32 days since 1970-01-01
        pl.col("valid_from").to_physical(),
        pl.col("valid_to").to_physical().fill_null(_OPEN_END),
    )
    if codes["income_type"].null_count() > incomes["income_type"].null_count():
        _unknown_income_types(incomes["income_type"].to_list())
    return (
        codes["income_type"].to_numpy(),
        codes["valid_from"].to_numpy(),
        codes["valid_to"].to_numpy(),
    )


def _income_codes_small(incomes: pl.DataFrame) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    types = incomes["income_type"].to_list()
    if not set(types) <= _INCOME_CODE.keys():
        _unknown_income_types(types)
    starts = incomes["valid_from"].to_list()
    ends = incomes["valid_to"].to_list()
    return (
        np.array([_INCOME_CODE[t] for t in types], dtype=np.uint8),
        np.array([(d - _EPOCH).days for d in starts], dtype=np.int32),
        np.array([_OPEN_END if d is None else (d - _EPOCH).days for d in ends], dtype=np.int32),
    )


_INCOME_CODE = {name: code for code, name in enumerate(INCOME_TYPES)}


def _unknown_income_types(types: list[str | None]) -> None:
    unknown = set(types) - set(INCOME_TYPES)
    raise SchemaError(f"incomes: unknown income_type(s) {sorted(map(str, unknown))}")
